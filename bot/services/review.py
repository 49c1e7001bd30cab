"""Review and sign-off as use cases: the consolidating agency's admins see each submitted report with its
figures, notes, warnings and changes since they last looked, and accept it (its figures locked for that
agency) or return it with a reason (the report is owed again). Nothing here knows about Telegram; the
decisions themselves are single transactions in storage.reviews.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from bot.domain.models import Agency, DataElement, Period, Submission, User, Value, ValueChange
from bot.domain.review import REASON_LIMIT, Review, ReviewState, ReviewWarning, warnings_of
from bot.services.report import load_sheet
from storage import Storage
from storage.reviews import ReviewRefused


@dataclass(frozen=True)
class ReportUnderReview:
    """One agency's report as the reviewer sees it."""

    period: Period
    agency: Agency
    elements: list[DataElement]
    values: dict[str, Value]
    previous_code: str | None
    previous: dict[str, Value]
    submission: Submission | None
    review: Review | None
    warnings: list[ReviewWarning]
    changes: list[ValueChange]  # since the reviewer last looked (all of them on the first look)
    latest_change: int

    @property
    def state(self) -> ReviewState | None:
        """Accepted, returned, submitted (waiting for review), or None: not submitted."""
        if self.review is not None and self.review.state is not ReviewState.SUBMITTED:
            return self.review.state
        return ReviewState.SUBMITTED if self.submission is not None else None

    @property
    def first_look(self) -> bool:
        return self.review is None or self.review.seen_change == 0


async def report_under_review(storage: Storage, period: Period, agency_code: str) -> ReportUnderReview | None:
    """One agency's report with its warnings and changes since the last look; None if it owes nothing."""
    sheet = await load_sheet(storage, period, agency_code)
    if sheet is None or not sheet.elements:
        return None
    review = await storage.reviews.get(period.id, agency_code)
    changes, latest = await storage.reviews.changes_after(period.id, agency_code, review.seen_change if review else 0)
    return ReportUnderReview(
        period=period,
        agency=sheet.agency,
        elements=sheet.elements,
        values=sheet.values,
        previous_code=sheet.previous_code,
        previous=sheet.previous,
        submission=sheet.submission,
        review=review,
        warnings=warnings_of(sheet.elements, sheet.values, sheet.previous),
        changes=changes,
        latest_change=latest,
    )


async def review_list(storage: Storage, period: Period) -> list[ReportUnderReview]:
    """Every report the reviewer has to do with: submitted (waiting), returned and accepted, waiting first."""
    submitted = await storage.values.submissions(period.id)
    reviewed = await storage.reviews.for_period(period.id)
    order = {ReviewState.SUBMITTED: 0, ReviewState.RETURNED: 1, ReviewState.ACCEPTED: 2}
    reports = []
    for code in sorted(set(submitted) | {c for c, r in reviewed.items() if r.state is not ReviewState.SUBMITTED}):
        report = await report_under_review(storage, period, code)
        if report is not None and report.state is not None:
            reports.append(report)
    reports.sort(key=lambda report: (order[report.state or ReviewState.SUBMITTED], report.agency.code))
    return reports


async def seen(storage: Storage, report: ReportUnderReview, now: datetime) -> None:
    """The reviewer has now seen every change of this report shown to them."""
    if report.latest_change:
        await storage.reviews.mark_seen(report.period.id, report.agency.code, report.latest_change, now)


@dataclass(frozen=True)
class Decided:
    """The decision is recorded; `notify` are the agency's focal points to tell."""

    agency: Agency
    state: ReviewState
    notify: list[User]


@dataclass(frozen=True)
class Refused:
    """Nothing changed: the report is not submitted, already accepted, or (unlock) not accepted."""

    agency_code: str
    why: str


async def _focal_points(storage: Storage, agency_code: str) -> list[User]:
    return [user for user, _ in await storage.users.members_of(agency_code)]


async def _decide(
    storage: Storage, agency_code: str, state: ReviewState, write: Callable[[], Awaitable[None]]
) -> Decided | Refused:
    """Run one review decision's write for a known agency; its focal points are the ones to tell."""
    agency = await storage.agencies.get(agency_code)
    if agency is None:
        return Refused(agency_code, "unknown")
    try:
        await write()
    except ReviewRefused as refused:
        return Refused(agency_code, str(refused))
    return Decided(agency, state, await _focal_points(storage, agency_code))


async def accept(storage: Storage, period: Period, agency_code: str, by: int, now: datetime) -> Decided | Refused:
    """Accept a submitted report: its figures are locked for that agency."""
    return await _decide(
        storage, agency_code, ReviewState.ACCEPTED, lambda: storage.reviews.accept(period, agency_code, by, now)
    )


async def give_back(
    storage: Storage, period: Period, agency_code: str, reason: str, by: int, now: datetime
) -> Decided | Refused:
    """Return a submitted report with a reason; it is owed again and its focal points are to be told."""
    reason = reason.strip()[:REASON_LIMIT]
    return await _decide(
        storage,
        agency_code,
        ReviewState.RETURNED,
        lambda: storage.reviews.give_back(period, agency_code, reason, by, now),
    )


async def accept_clean(storage: Storage, period: Period, by: int, now: datetime) -> list[Decided]:
    """ "Accept all without warnings": every report waiting for review whose figures raise no warning."""
    decided = []
    for report in await review_list(storage, period):
        if report.state is ReviewState.SUBMITTED and not report.warnings:
            outcome = await accept(storage, period, report.agency.code, by, now)
            if isinstance(outcome, Decided):
                decided.append(outcome)
    return decided


async def unlock(storage: Storage, period: Period, agency_code: str, by: int, now: datetime) -> Decided | Refused:
    """Unlock an accepted report (logged in review_events): its figures are writable again."""
    return await _decide(
        storage, agency_code, ReviewState.SUBMITTED, lambda: storage.reviews.unlock(period, agency_code, by, now)
    )


async def accepted_count(storage: Storage, period_id: int) -> int:
    """How many reports of the period are accepted."""
    return sum(1 for r in (await storage.reviews.for_period(period_id)).values() if r.state is ReviewState.ACCEPTED)
