"""The report's use cases on a real SQLite file: one save path for every answer, and what it returns."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import services
from bot.domain.models import Answer, Period, PeriodState, Role, Value
from bot.domain.reporting import (
    NOTE_LIMIT,
    ConfirmedNumber,
    Draft,
    Given,
    Milestone,
    NotApplicable,
    Note,
    NothingToNote,
    Skip,
    TaskProgress,
    TooLong,
    TypedNumber,
    is_answered,
)
from bot.domain.validation import NeedsConfirmation, Rejected
from bot.services.report import (
    Conflict,
    Locked,
    NothingOwed,
    NotYours,
    Opened,
    Outcome,
    ReportSheet,
    Saved,
    begin_report,
    load_sheet,
    record_answer,
    reopen_sheet,
    reports_of,
    submit_report,
)
from storage import Storage

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
LAN, MINH = 101, 102


@pytest.fixture
async def current(loaded: Storage) -> Period:
    """2025 (locked, with last year's figures for SYT) and 2026 (open), and two focal points of SYT."""
    previous = await services.open_period(loaded, "2025", programme_code="HD-NQ30", deadline=None)
    await loaded.values.save(previous, "SYT", "hospital_beds", number=6950, by=1)
    await loaded.values.save(previous, "SYT", "doctors", number=1900, by=1)
    await loaded.periods.set_state(previous, PeriodState.LOCKED)
    for user_id, name in ((LAN, "Lan"), (MINH, "Minh")):
        invite = await loaded.users.create_invite("SYT", Role.FOCAL, timedelta(days=1))
        await loaded.users.redeem_invite(invite.token, user_id, name, None)
    return await services.open_period(loaded, "2026", programme_code="HD-NQ30", deadline=date(2026, 12, 5))


async def sheet_of(storage: Storage, period: Period) -> ReportSheet:
    sheet = await load_sheet(storage, period, "SYT")
    assert sheet is not None
    return sheet


async def answer(
    storage: Storage, sheet: ReportSheet, code: str, given: Given, *, by: int = LAN, seen: int | None = None
) -> Outcome:
    """Record as the conversation does: with the version the question showed."""
    shown = sheet.values.get(code)
    version = (shown.version if shown else 0) if seen is None else seen
    return await record_answer(storage, sheet, code, given, by=by, seen_version=version, now=NOW)


async def stored(storage: Storage, period: Period, code: str) -> Value | None:
    return (await storage.values.for_agency(period.id, "SYT")).get(code)


async def test_a_typed_figure_is_validated_then_saved_and_the_sheet_kept_current(
    loaded: Storage, current: Period
) -> None:
    sheet = await sheet_of(loaded, current)
    refused = await answer(loaded, sheet, "hospital_beds", TypedNumber("9,5", "vi"))
    assert refused == Rejected("count_not_whole")
    assert await stored(loaded, current, "hospital_beds") is None
    essay = await answer(loaded, sheet, "hospital_beds", TypedNumber("x" * 121, "vi"))
    assert essay == Rejected("essay")
    outcome = await answer(loaded, sheet, "hospital_beds", TypedNumber("7.100", "vi"))
    assert isinstance(outcome, Saved) and outcome.value.number == 7100 and outcome.value.updated_by == LAN
    assert sheet.values["hospital_beds"] == outcome.value
    assert await stored(loaded, current, "hospital_beds") == outcome.value


async def test_a_jump_waits_for_confirmation_and_a_new_figure_keeps_the_note(loaded: Storage, current: Period) -> None:
    sheet = await sheet_of(loaded, current)
    jump = await answer(loaded, sheet, "doctors", TypedNumber("4.000", "vi"))
    assert isinstance(jump, NeedsConfirmation) and (jump.number, jump.previous) == (4000, 1900)
    assert await stored(loaded, current, "doctors") is None
    confirmed = await answer(loaded, sheet, "doctors", ConfirmedNumber(4000))
    assert isinstance(confirmed, Saved)
    noted = await answer(loaded, sheet, "doctors", Note("incl. trainees"))
    assert isinstance(noted, Saved) and (noted.value.number, noted.value.note) == (4000, "incl. trainees")
    again = await answer(loaded, sheet, "doctors", TypedNumber("1.950", "vi"))
    assert isinstance(again, Saved) and (again.value.number, again.value.note) == (1950, "incl. trainees")


async def test_buttons_store_their_answers_through_the_same_path(loaded: Storage, current: Period) -> None:
    sheet = await sheet_of(loaded, current)
    await answer(loaded, sheet, "hospital_beds", TypedNumber("7.100", "vi"))
    await answer(loaded, sheet, "hospital_beds", Note("a note"))
    skipped = await answer(loaded, sheet, "hospital_beds", Skip())
    assert isinstance(skipped, Saved) and skipped.value.answer is Answer.SKIPPED and skipped.value.note is None
    not_applicable = await answer(loaded, sheet, "doctors", NotApplicable())
    assert isinstance(not_applicable, Saved) and not_applicable.value.answer is Answer.NOT_APPLICABLE
    task = await answer(loaded, sheet, "agency_detailed_plans", TaskProgress("in_progress", 60, "going"))
    assert isinstance(task, Saved) and (task.value.text, task.value.number, task.value.note) == (
        "in_progress",
        60,
        "going",
    )
    planning = await load_sheet(loaded, current, "SKHDT")
    assert planning is not None
    milestone = await answer(loaded, planning, "dpi_action_plan_2023_2025", Milestone(achieved=True))
    assert isinstance(milestone, Saved) and (milestone.value.text, milestone.value.number) == ("yes", 1.0)


async def test_texts_over_their_limit_and_notes_without_a_value_store_nothing(loaded: Storage, current: Period) -> None:
    sheet = await sheet_of(loaded, current)
    assert await answer(loaded, sheet, "hospital_beds", Note("n")) == NothingToNote()
    await answer(loaded, sheet, "hospital_beds", TypedNumber("7.100", "vi"))
    long_note = "n" * (NOTE_LIMIT + 1)
    assert await answer(loaded, sheet, "hospital_beds", Note(long_note)) == TooLong(NOTE_LIMIT + 1, NOTE_LIMIT)
    narrative = await answer(loaded, sheet, "agency_detailed_plans", TaskProgress("done", 100, "x" * 501))
    assert narrative == TooLong(501, 500)
    assert await stored(loaded, current, "agency_detailed_plans") is None
    beds = await stored(loaded, current, "hospital_beds")
    assert beds is not None and beds.note is None


async def test_a_colleagues_change_is_a_conflict_and_use_mine_overwrites_it(loaded: Storage, current: Period) -> None:
    lans_sheet = await sheet_of(loaded, current)
    minhs_sheet = await sheet_of(loaded, current)
    assert isinstance(await answer(loaded, minhs_sheet, "hospital_beds", TypedNumber("7.000", "vi"), by=MINH), Saved)
    conflict = await answer(loaded, lans_sheet, "hospital_beds", TypedNumber("7.300", "vi"))
    assert isinstance(conflict, Conflict)
    assert conflict.author == "Minh" and conflict.theirs.number == 7000 and conflict.mine == Draft(number=7300)
    assert lans_sheet.values["hospital_beds"] == conflict.theirs
    assert (await stored(loaded, current, "hospital_beds")).number == 7000  # type: ignore[union-attr]
    mine = await answer(loaded, lans_sheet, "hospital_beds", conflict.mine, seen=conflict.theirs.version)
    assert isinstance(mine, Saved) and mine.value.number == 7300 and mine.value.updated_by == LAN


async def test_a_locked_period_takes_no_answer_and_no_submission(loaded: Storage, current: Period) -> None:
    sheet = await sheet_of(loaded, current)
    await loaded.periods.set_state(current, PeriodState.LOCKED)
    assert await answer(loaded, sheet, "hospital_beds", TypedNumber("7.100", "vi")) == Locked(sheet.period)
    assert await stored(loaded, current, "hospital_beds") is None
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    assert await submit_report(loaded, sheet, by=LAN, now=NOW, zone=zone) == Locked(sheet.period)


async def test_submission_is_on_time_by_the_end_of_the_deadline_day(loaded: Storage, current: Period) -> None:
    sheet = await sheet_of(loaded, current)
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    late_evening = datetime(2026, 12, 5, 16, 30, tzinfo=UTC)  # 23:30 on 5 December in Vietnam
    submitted = await submit_report(loaded, sheet, by=LAN, now=late_evening, zone=zone)
    assert not isinstance(submitted, Locked) and submitted.submission.on_time


async def test_beginning_a_report_checks_whose_it_is(loaded: Storage, current: Period) -> None:
    assert await begin_report(loaded, current.id, "SCT", ["SYT"]) == NotYours()
    assert await begin_report(loaded, current.id + 99, "SYT", ["SYT"]) == NotYours()
    assert await begin_report(loaded, current.id, None, ["NOPE"]) == NotYours()
    opened = await begin_report(loaded, current.id, None, ["NOPE", "SYT"])  # a reminder names only the period
    assert isinstance(opened, Opened) and opened.sheet.agency.code == "SYT" and opened.first == "hospital_beds"
    previous = await loaded.periods.get(current.programme_id, "2025")
    assert previous is not None
    assert await begin_report(loaded, previous.id, "SYT", ["SYT"]) == Locked(previous)
    assert isinstance(await begin_report(loaded, current.id, "SYT", ["SYT"]), Opened)


async def test_an_agency_that_owes_nothing_is_told_so(loaded: Storage, current: Period) -> None:
    owing = {code for code, _ in (await loaded.catalogue.assignments(current.programme_id)).items()}
    idle = next(agency.code for agency in await loaded.agencies.all() if agency.code not in owing)
    assert await begin_report(loaded, current.id, idle, [idle]) == NothingOwed()


async def test_reopening_the_sheet_reads_once_per_update(loaded: Storage, current: Period) -> None:
    first = await reopen_sheet(loaded, current.id, "SYT", None)
    assert first is not None
    assert await reopen_sheet(loaded, current.id, "SYT", first) is first
    other = await reopen_sheet(loaded, current.id, "CTK", first)
    assert other is not None and other is not first and other.agency.code == "CTK"


async def test_skipped_items_are_not_answered_in_my_reports(loaded: Storage, current: Period) -> None:
    sheet = await sheet_of(loaded, current)
    await answer(loaded, sheet, "hospital_beds", TypedNumber("7.100", "vi"))
    await answer(loaded, sheet, "doctors", NotApplicable())
    await answer(loaded, sheet, "agency_detailed_plans", Skip())
    [(agency, rows)] = await reports_of(loaded, ["SYT"])
    assert agency.code == "SYT"
    assert [(row.period.code, row.answered, row.total, row.owed) for row in rows] == [
        ("2026", 2, 4, 2),
        ("2025", 2, 4, 2),
    ]


def test_what_counts_as_answered() -> None:
    def value(answer: Answer) -> Value:
        return Value(period_id=1, agency_code="SYT", element_code="x", answer=answer, updated_at=NOW)

    assert not is_answered(None)
    assert not is_answered(value(Answer.SKIPPED))
    assert is_answered(value(Answer.NOT_APPLICABLE))
    assert is_answered(value(Answer.VALUE))


def test_a_draft_survives_the_conversation_row() -> None:
    draft = Draft(Answer.VALUE, 7300.0, None, "note")
    assert Draft.from_data(draft.as_data()) == draft
    assert draft.as_data() == {"answer": "value", "number": 7300.0, "text": None, "note": "note"}
