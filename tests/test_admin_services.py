"""The admins' use cases besides people, on a real SQLite file: periods (open, name, change state), the
audit trail, explanation requests, and where a catalogue upload stands."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.domain.models import PeriodState, Role
from bot.services.audit import audit_trail
from bot.services.catalogue import indicators_with_code
from bot.services.catalogue_upload import (
    PendingUpload,
    await_apply,
    await_file,
    drop_upload,
    end_upload,
    pending_upload,
)
from bot.services.explain import (
    ANSWER_LIMIT,
    NoOpenPeriod,
    UnfitAnswer,
    UnknownAgencyOrIndicator,
    answer_explanation,
    ask_for_explanation,
    begin_answer,
)
from bot.services.periods import (
    NoDeadlineRule,
    UnknownProgramme,
    change_state,
    find_period,
    open_period,
    open_periods,
    still_open,
)
from storage import Conversation, Storage


async def member(storage: Storage, user_id: int, name: str, agency: str | None, role: Role = Role.FOCAL) -> None:
    """A user who opened an invite for `agency`."""
    invite = await storage.users.create_invite(agency, role, timedelta(days=7))
    await storage.users.redeem_invite(invite.token, user_id, name, None)


async def test_the_chat_opens_a_period_of_the_main_programme_unless_another_is_named(loaded: Storage) -> None:
    with pytest.raises(UnknownProgramme):  # several programmes: the command line must name one
        await open_period(loaded, "2027", programme_code=None, deadline=None)
    period = await open_period(loaded, "2027", programme_code=None, deadline=None, first_if_unnamed=True)
    assert period.programme_code == "HD-NQ30"
    other = await open_period(
        loaded, "2027", programme_code="HD-DH17", deadline=date(2027, 12, 20), first_if_unnamed=True
    )
    assert other.programme_code == "HD-DH17"
    with pytest.raises(UnknownProgramme):
        await open_period(loaded, "2027", programme_code="NOPE", deadline=None, first_if_unnamed=True)


async def test_a_programme_whose_document_states_no_deadline_opens_only_with_one_given(loaded: Storage) -> None:
    # HD-NQ30's section IV.1.3 says "trước ngày 05 tháng 12": the period stores the last day on time, the 4th.
    # The congress resolution names no deadline at all.
    main = await open_period(loaded, "2027", programme_code="HD-NQ30", deadline=None)
    assert main.deadline == date(2027, 12, 4)
    with pytest.raises(NoDeadlineRule) as refused:
        await open_period(loaded, "2027", programme_code="HD-DH17", deadline=None)
    assert refused.value.programme_code == "HD-DH17"
    assert await find_period(loaded, "2027", "HD-DH17") is None  # nothing was opened
    for quarter in ("2027-Q1", "2027-07"):  # no rule for any kind of period either
        with pytest.raises(NoDeadlineRule):
            await open_period(loaded, quarter, programme_code="HD-TN2050", deadline=None)
    given = await open_period(loaded, "2027", programme_code="HD-DH17", deadline=date(2027, 11, 30))
    assert (given.programme_code, given.deadline) == ("HD-DH17", date(2027, 11, 30))
    programmes = {p.code: p for p in await loaded.catalogue.programmes()}
    assert programmes["HD-NQ30"].report_deadline == "12-05" and programmes["HD-NQ30"].report_to == "SKHDT"
    for code in ("HD-DH17", "HD-TN2050", "HN-QH2030", "HP-2020"):
        assert (programmes[code].report_deadline, programmes[code].report_to) == ("", None)
    assert programmes["HD-TN2050"].issued_on is None


async def test_a_period_is_named_by_its_code_and_if_need_be_its_programme(loaded: Storage) -> None:
    main = await open_period(loaded, "2027", programme_code="HD-NQ30", deadline=None)
    other = await open_period(loaded, "2027", programme_code="HD-DH17", deadline=date(2027, 12, 20))
    assert await find_period(loaded, "2027") is None  # two programmes have it
    assert await find_period(loaded, " 2027 ", "HD-DH17") == other
    assert await find_period(loaded, "2027", "HD-NQ30") == main
    assert await find_period(loaded, "2028") is None
    await change_state(loaded, other.id, PeriodState.CLOSED, by=900)
    assert await open_periods(loaded) == [main]
    assert await open_periods(loaded, "2027 ") == [main]
    assert await open_periods(loaded, "2026") == []


async def test_a_state_change_is_logged_and_a_closed_period_is_no_longer_open(loaded: Storage) -> None:
    period = await open_period(loaded, "2027", programme_code="HD-NQ30", deadline=None)
    assert await still_open(loaded, period.id) == period
    locked = await change_state(loaded, period.id, PeriodState.LOCKED, by=900)
    assert locked is not None and locked.state is PeriodState.LOCKED
    assert await still_open(loaded, period.id) is None
    assert await change_state(loaded, 9999, PeriodState.CLOSED, by=900) is None
    events = await loaded.db.fetch_all(
        "SELECT old_state, new_state, changed_by FROM period_events WHERE period_id = ? ORDER BY id", (period.id,)
    )
    assert [tuple(row) for row in events] == [(None, "open", None), ("open", "locked", 900)]


async def test_the_audit_trail_follows_an_agency_or_an_indicator(loaded: Storage) -> None:
    await member(loaded, 101, "Lan", "SYT")
    first = await open_period(loaded, "2025", programme_code="HD-NQ30", deadline=date(2025, 12, 5))
    second = await open_period(loaded, "2026", programme_code="HD-NQ30", deadline=date(2026, 12, 5))
    await loaded.values.save(first, "SYT", "hospital_beds", number=6900, by=101)
    await loaded.values.save(second, "SYT", "hospital_beds", number=7000, by=101)
    await loaded.values.save(second, "SYT", "hospital_beds", number=7100, by=101)
    await loaded.values.save(second, "CTK", "population", number=1_960_000, by=7)
    await loaded.values.save(second, "CTK", "grdp_growth", number=8.5, by=7)

    by_agency = await audit_trail(loaded, "syt", None, limit=30)
    assert [change.new_number for change in by_agency.changes] == [6900, 7000, 7100]
    assert by_agency.names == {101: "Lan"}
    latest = await audit_trail(loaded, "SYT", "2026", limit=1)
    assert [change.new_number for change in latest.changes] == [7100]
    # HOSPITAL_BEDS reads hospital_beds over population, whoever reported them; grdp_growth is not in it.
    by_indicator = await audit_trail(loaded, "hospital_beds", "2026", limit=30)
    assert sorted(change.element_code for change in by_indicator.changes) == [
        "hospital_beds",
        "hospital_beds",
        "population",
    ]
    assert (await audit_trail(loaded, "SYT", "2031", limit=30)).changes == []
    assert (await audit_trail(loaded, "NOPE", None, limit=30)).changes == []


async def test_an_indicator_is_found_by_its_code_in_any_case(loaded: Storage) -> None:
    found = await indicators_with_code(loaded, "hospital_beds")
    assert [indicator.code for indicator in found] == ["HOSPITAL_BEDS"]
    assert found[0].element_codes == ("hospital_beds", "population")
    assert await indicators_with_code(loaded, "NOPE") == []


async def test_a_question_goes_to_the_agency_in_its_newest_unlocked_period(loaded: Storage) -> None:
    await member(loaded, 101, "Lan", "SYT")
    await member(loaded, 102, "Mai", "SYT", Role.BACKUP)
    with pytest.raises(NoOpenPeriod):
        await ask_for_explanation(loaded, "SYT", "HOSPITAL_BEDS", "Vì sao?", 900)
    await open_period(loaded, "2025", programme_code="HD-NQ30", deadline=None)
    newest = await open_period(loaded, "2026", programme_code="HD-NQ30", deadline=None)
    for agency, indicator in (("NOPE", "HOSPITAL_BEDS"), ("SYT", "NOPE")):
        with pytest.raises(UnknownAgencyOrIndicator):
            await ask_for_explanation(loaded, agency, indicator, "Vì sao?", 900)
    question = await ask_for_explanation(loaded, "syt", "hospital_beds", "Vì sao?", 900)
    assert (question.agency.code, question.indicator.code, question.period) == ("SYT", "HOSPITAL_BEDS", newest)
    assert [user.telegram_id for user in question.recipients] == [101, 102]
    kept = await loaded.explanations.get(question.explanation_id)
    assert kept is not None and (kept.question, kept.asked_by, kept.period_id) == ("Vì sao?", 900, newest.id)
    await change_state(loaded, newest.id, PeriodState.LOCKED, by=900)
    again = await ask_for_explanation(loaded, "SYT", "HOSPITAL_BEDS", "Còn 2025?", 900)
    assert again.period.code == "2025"


async def test_only_the_agency_asked_can_answer_and_the_answer_is_checked_first(loaded: Storage) -> None:
    await member(loaded, 101, "Lan", "SYT")
    await loaded.users.ensure_admins([900])
    await open_period(loaded, "2026", programme_code="HD-NQ30", deadline=None)
    question = await ask_for_explanation(loaded, "SYT", "HOSPITAL_BEDS", "Vì sao?", 900)
    assert await begin_answer(loaded, question.explanation_id, 102, ["CTK"]) is None
    assert await loaded.conversations.get(102) is None
    assert await begin_answer(loaded, 9999, 101, ["SYT"]) is None
    assert await begin_answer(loaded, question.explanation_id, 101, ["SYT"]) is not None
    conversation = await loaded.conversations.get(101)
    assert conversation is not None
    for unfit in ("", "x" * (ANSWER_LIMIT + 1)):
        with pytest.raises(UnfitAnswer):
            await answer_explanation(loaded, conversation, unfit)
    assert await loaded.conversations.get(101) is not None  # still waiting for a proper answer
    answered = await answer_explanation(loaded, conversation, "Bệnh viện cũ đóng cửa")
    assert answered is not None
    assert answered.asker is not None and answered.asker.telegram_id == 900
    assert answered.agency is not None and answered.agency.code == "SYT"
    assert answered.explanation.agency_code == "SYT"
    stored = await loaded.explanations.get(question.explanation_id)
    assert stored is not None and (stored.answer, stored.answered_by) == ("Bệnh viện cũ đóng cửa", 101)
    assert await loaded.conversations.get(101) is None


async def test_an_answer_to_a_vanished_question_ends_the_conversation_quietly(loaded: Storage) -> None:
    stale = Conversation(user_id=101, flow="ask", state="answering", data={"explanation": 9999})
    await loaded.conversations.save(stale)
    assert await answer_explanation(loaded, stale, "Trả lời") is None
    assert await loaded.conversations.get(101) is None


async def test_a_catalogue_upload_waits_for_its_file_then_for_apply(storage: Storage) -> None:
    await await_file(storage, 900)
    assert await pending_upload(storage, 900) is None  # nothing checked yet, so nothing to apply
    upload = PendingUpload(file_id="BQAD-1", name="danh_muc.xlsx")
    await await_apply(storage, 900, upload)
    assert await pending_upload(storage, 900) == upload
    await end_upload(storage, 900)
    assert await pending_upload(storage, 900) is None and await storage.conversations.get(900) is None


async def test_cancel_drops_an_upload_but_not_another_conversation(storage: Storage) -> None:
    await await_apply(storage, 900, PendingUpload(file_id="BQAD-1", name="danh_muc.yaml"))
    await drop_upload(storage, 900)
    assert await storage.conversations.get(900) is None
    report = Conversation(user_id=101, flow="report", state="question", element_code="hospital_beds", serial=3)
    await storage.conversations.save(report)
    await drop_upload(storage, 101)
    assert await storage.conversations.get(101) == report
