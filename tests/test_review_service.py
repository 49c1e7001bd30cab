"""Review and sign-off on a real SQLite file: accept locks one agency's figures only, a return withdraws the
submission (the report is owed again) with its history, and the warnings are the conversation's own."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot import services
from bot.config import Settings
from bot.domain.models import Period, PeriodState
from bot.domain.review import ReviewState
from bot.services.reminders import situation
from bot.services.review import Decided, Refused, accept, accept_clean, give_back, review_list, seen, unlock
from storage import PeriodLocked, Storage

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
ADMIN = 900


@pytest.fixture
async def period(loaded: Storage) -> Period:
    storage = loaded
    previous = await services.open_period(storage, "2025", programme_code="HD-NQ30", deadline=None)
    await storage.values.save(previous, "SYT", "hospital_beds", number=6950, by=1)
    await storage.values.save(previous, "CTK", "grdp_growth", number=8.5, by=1)
    await storage.periods.set_state(previous, PeriodState.LOCKED)
    current = await services.open_period(storage, "2026", programme_code="HD-NQ30", deadline=date(2026, 12, 5))
    await storage.values.save(current, "SYT", "hospital_beds", number=7100, by=5)
    await storage.values.submit(current, "SYT", 5, NOW, True)
    await storage.values.save(current, "CTK", "grdp_growth", number=30, by=6)  # a jump, confirmed
    await storage.values.submit(current, "CTK", 6, NOW, True)
    return current


async def test_accept_locks_that_agency_only(loaded: Storage, period: Period) -> None:
    outcome = await accept(loaded, period, "SYT", ADMIN, NOW)
    assert isinstance(outcome, Decided) and outcome.state is ReviewState.ACCEPTED
    with pytest.raises(PeriodLocked):
        await loaded.values.save(period, "SYT", "hospital_beds", number=7200, by=5)
    await loaded.values.save(period, "CTK", "grdp_growth", number=9.1, by=6)  # another agency still can
    assert isinstance(await accept(loaded, period, "SYT", ADMIN, NOW), Refused)
    assert isinstance(await give_back(loaded, period, "SYT", "why", ADMIN, NOW), Refused)
    assert isinstance(await unlock(loaded, period, "SYT", ADMIN, NOW), Decided)
    await loaded.values.save(period, "SYT", "hospital_beds", number=7200, by=5)
    events = [event[0] for event in await loaded.reviews.events(period.id, "SYT")]
    assert events == ["accepted", "unlocked"]


async def test_return_withdraws_the_submission_and_a_resubmission_keeps_its_timeliness(
    loaded: Storage, period: Period
) -> None:
    outcome = await give_back(loaded, period, "SYT", "  Số giường bệnh chưa gồm y tế tư nhân  ", ADMIN, NOW)
    assert isinstance(outcome, Decided) and outcome.state is ReviewState.RETURNED
    assert await loaded.values.submission(period.id, "SYT") is None
    owing = {agency.code for agency in (await situation(loaded, Settings(), period)).owing}
    assert "SYT" in owing and "CTK" not in owing  # reminders resume for the returned report only
    review = await loaded.reviews.get(period.id, "SYT")
    assert review is not None and review.reason == "Số giường bệnh chưa gồm y tế tư nhân"
    late = datetime(2026, 12, 20, 9, 0, tzinfo=UTC)
    await loaded.values.submit(period, "SYT", 5, late, False)
    assert await loaded.reviews.resubmitted(period, "SYT", 5, late)
    submission = await loaded.values.submission(period.id, "SYT")
    assert submission is not None and submission.on_time and submission.submitted_at == late
    assert [event[0] for event in await loaded.reviews.events(period.id, "SYT")] == ["returned", "resubmitted"]


async def test_warnings_changes_and_accept_all_clean(loaded: Storage, period: Period) -> None:
    reports = {report.agency.code: report for report in await review_list(loaded, period)}
    assert set(reports) == {"SYT", "CTK"}
    assert [(w.element_code, w.kind) for w in reports["CTK"].warnings] == [("grdp_growth", "jump")]
    assert reports["SYT"].warnings == [] and reports["SYT"].first_look
    assert [c.new_number for c in reports["SYT"].changes] == [7100]
    await seen(loaded, reports["SYT"], NOW)
    await loaded.values.save(period, "SYT", "hospital_beds", number=7150, by=5)
    again = {report.agency.code: report for report in await review_list(loaded, period)}
    assert [c.new_number for c in again["SYT"].changes] == [7150] and not again["SYT"].first_look
    decided = await accept_clean(loaded, period, ADMIN, NOW)
    assert [d.agency.code for d in decided] == ["SYT"]
    states = {report.agency.code: report.state for report in await review_list(loaded, period)}
    assert states == {"SYT": ReviewState.ACCEPTED, "CTK": ReviewState.SUBMITTED}
