"""A focal point's report as use cases: open it, record an answer, submit it, and see where it stands.

The /report conversation (handlers.report), /myreports and the /start status call these and only render
what they return. Every answer, whatever button or message it came from, is written by `record_answer`,
the one save path: `bot.domain.reporting.prepare` decides what it stores (a typed figure is validated
there), and the write carries the version the user saw, so two focal points of one agency never
overwrite each other silently. The caller learns what happened as a small value (`Outcome`). Nothing here
knows about Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from typing import Protocol

from bot.domain.figure_status import default_status
from bot.domain.models import Agency, DataElement, Indicator, Period, PeriodState, Submission, Value
from bot.domain.periods import previous_period_code
from bot.domain.rendering import QuestionContext
from bot.domain.reporting import (
    Draft,
    Given,
    Note,
    NotStored,
    TypedNumber,
    indicators_fed_by,
    is_answered,
    is_on_time,
    next_question,
    prepare,
)
from bot.domain.review import ReviewState
from bot.domain.validation import plausible_range
from bot.services.obligations import owed_elements, owing
from storage import PeriodLocked, ValueConflict
from storage.agencies import AgencyRepository
from storage.catalogue import CatalogueRepository
from storage.periods import PeriodRepository
from storage.reviews import ReviewRepository
from storage.users import UserRepository
from storage.values import ValueRepository


class ReportStorage(Protocol):
    """The repositories a report reads and writes; `storage.Storage` is one. Conversations, reminders and
    the update log are not among them: a report's use cases have no business there."""

    @property
    def agencies(self) -> AgencyRepository: ...

    @property
    def catalogue(self) -> CatalogueRepository: ...

    @property
    def periods(self) -> PeriodRepository: ...

    @property
    def users(self) -> UserRepository: ...

    @property
    def values(self) -> ValueRepository: ...

    @property
    def reviews(self) -> ReviewRepository: ...


@dataclass(frozen=True)
class ReportSheet:
    """One agency's report for one period: what it owes, what it said, and what it said last time.

    `values` is kept current by `record_answer`, so one sheet read at the start of an update serves
    every step of that update."""

    period: Period
    agency: Agency
    elements: list[DataElement]
    values: dict[str, Value]
    previous_code: str | None
    previous: dict[str, Value]
    indicators: list[Indicator]
    submission: Submission | None

    def element(self, code: str | None) -> DataElement | None:
        """The element with this code, if the agency owes it."""
        return next((element for element in self.elements if element.code == code), None)

    def index(self, code: str | None) -> int:
        """The element's 0-based position in the report, -1 if absent."""
        return next((i for i, element in enumerate(self.elements) if element.code == code), -1)

    @property
    def responded(self) -> set[str]:
        """Elements with any stored answer, Skip included: the questions not to ask again unprompted.
        (What counts as *reported* is `is_answered`, which leaves Skip out.)"""
        return set(self.values)


async def load_sheet(storage: ReportStorage, period: Period, agency_code: str) -> ReportSheet | None:
    """Read the agency's report for the period; None if the agency does not exist."""
    agency = await storage.agencies.get(agency_code)
    if agency is None:
        return None
    elements = await owed_elements(storage, period, agency_code)
    values = await storage.values.for_agency(period.id, agency_code)
    previous_code = previous_period_code(period.code)
    previous: dict[str, Value] = {}
    if previous_code:
        earlier = await storage.periods.get(period.programme_id, previous_code)
        if earlier:
            previous = await storage.values.for_agency(earlier.id, agency_code)
        else:
            previous_code = None
    return ReportSheet(
        period=period,
        agency=agency,
        elements=elements,
        values=values,
        previous_code=previous_code,
        previous=previous,
        indicators=await storage.catalogue.indicators(period.programme_id),
        submission=await storage.values.submission(period.id, agency_code),
    )


async def reopen_sheet(
    storage: ReportStorage, period_id: int, agency_code: str, cached: ReportSheet | None
) -> ReportSheet | None:
    """The sheet of an ongoing report: `cached` when it is that report's (read earlier in the same
    update), else read afresh. None if the period is gone."""
    if cached and cached.period.id == period_id and cached.agency.code == agency_code:
        return cached
    period = await storage.periods.by_id(period_id)
    return await load_sheet(storage, period, agency_code) if period else None


async def reportable(
    storage: ReportStorage, agency_codes: list[str]
) -> tuple[list[tuple[Period, Agency]], list[tuple[Period, Agency]]]:
    """(period, agency) pairs the user can report in, and those that are locked."""
    open_pairs: list[tuple[Period, Agency]] = []
    locked_pairs: list[tuple[Period, Agency]] = []
    periods = await storage.periods.all()
    owed = {period.id: await owing(storage, period) for period in periods}
    for code in agency_codes:
        agency = await storage.agencies.get(code)
        if agency is None:
            continue
        for period in periods:
            if code not in owed[period.id]:
                continue
            target = locked_pairs if period.state is PeriodState.LOCKED else open_pairs
            target.append((period, agency))
    return open_pairs, locked_pairs


# ----------------------------------------------------------------- outcomes


@dataclass(frozen=True)
class Locked:
    """The period is locked: nothing was written."""

    period: Period


@dataclass(frozen=True)
class NotYours:
    """The report asked for is not one of the user's agencies' (or the period does not exist)."""


@dataclass(frozen=True)
class NothingOwed:
    """The agency owes no item for this period."""


@dataclass(frozen=True)
class Opened:
    """A report to fill in: ask `first`, or show the review when every item has an answer (None)."""

    sheet: ReportSheet
    first: str | None


@dataclass(frozen=True)
class Submitted:
    """The report is marked complete (a resubmission keeps the first time)."""

    submission: Submission


# ----------------------------------------------------------------- opening and submitting


async def begin_report(
    storage: ReportStorage, period_id: int, agency_code: str | None, agency_codes: list[str]
) -> Opened | NotYours | Locked | NothingOwed:
    """Start (or resume) a report at its first unanswered item. Without `agency_code` (a reminder's
    "Report now" names only the period), the first of the user's agencies that owes something in it."""
    period = await storage.periods.by_id(period_id)
    if period is None:
        return NotYours()
    if agency_code is None:
        owed = await owing(storage, period)
        agency_code = next((code for code in agency_codes if code in owed), None)
    if agency_code is None or agency_code not in agency_codes:
        return NotYours()
    if period.state is PeriodState.LOCKED or await _accepted(storage, period, agency_code):
        return Locked(period)
    sheet = await load_sheet(storage, period, agency_code)
    if sheet is None or not sheet.elements:
        return NothingOwed()
    return Opened(sheet, next_question(sheet.elements, sheet.responded, None))


async def _accepted(storage: ReportStorage, period: Period, agency_code: str) -> bool:
    """Whether the consolidating agency accepted the agency's report: its figures are then locked."""
    review = await storage.reviews.get(period.id, agency_code)
    return review is not None and review.state is ReviewState.ACCEPTED


async def question_context(storage: ReportStorage, sheet: ReportSheet, code: str) -> QuestionContext:
    """Everything the question for element `code` shows besides the element, including who gave the
    current answer."""
    current = sheet.values.get(code)
    author = None
    if current is not None and current.updated_by is not None:
        user = await storage.users.get(current.updated_by)
        author = user.full_name if user and user.full_name else str(current.updated_by)
    return QuestionContext(
        period=sheet.period,
        agency=sheet.agency,
        position=sheet.index(code) + 1,
        total=len(sheet.elements),
        previous_period_code=sheet.previous_code,
        previous=sheet.previous.get(code),
        current=current,
        current_author=author,
        feeds=indicators_fed_by(sheet.indicators, code),
    )


async def submit_report(
    storage: ReportStorage, sheet: ReportSheet, *, by: int, now: datetime, zone: tzinfo
) -> Submitted | Locked:
    """Mark the agency's report complete, on time if by the end of the deadline day in `zone`."""
    try:
        submission = await storage.values.submit(
            sheet.period, sheet.agency.code, by, now, is_on_time(now, sheet.period.deadline, zone)
        )
    except PeriodLocked:
        return Locked(sheet.period)
    if await storage.reviews.resubmitted(sheet.period, sheet.agency.code, by, now):  # returned, now sent again
        submission = await storage.values.submission(sheet.period.id, sheet.agency.code) or submission
    return Submitted(submission)


# ----------------------------------------------------------------- answers


@dataclass(frozen=True)
class Saved:
    """The answer is on disk (an unchanged answer is not written twice)."""

    value: Value


@dataclass(frozen=True)
class Conflict:
    """Another focal point changed the value since the user saw it; `mine` is what was not written, and
    `author` the colleague's name, if known."""

    theirs: Value
    author: str | None
    mine: Draft


Outcome = Saved | NotStored | Conflict | Locked


async def record_answer(
    storage: ReportStorage,
    sheet: ReportSheet,
    element_code: str,
    given: Given,
    *,
    by: int,
    seen_version: int,
    now: datetime,
) -> Outcome:
    """The one save path of every answer: decide what it stores (`bot.domain.reporting.prepare`), write
    that as a draft with the version the user saw (`seen_version`, 0 for none), keep `sheet` current."""
    existing = sheet.values.get(element_code)
    element = sheet.element(element_code)
    if isinstance(given, TypedNumber) and element is not None:  # a first period's figure is checked against it
        given = replace(given, plausible=plausible_range(element, sheet.indicators))
    draft = prepare(given, element, existing, sheet.previous.get(element_code))
    if not isinstance(draft, Draft):
        return draft
    # A note amends the value saved now, whatever version the question showed.
    expected = existing.version if isinstance(given, Note) and existing else seen_version
    for attempt in (1, 2):
        try:
            value = await storage.values.save(
                sheet.period,
                sheet.agency.code,
                element_code,
                answer=draft.answer,
                number=draft.number,
                text=draft.text,
                note=draft.note,
                status=existing.status
                if existing and existing.number is not None
                else default_status(sheet.period, now),
                by=by,
                expected_version=expected,
                now=now,
            )
            break
        except PeriodLocked:
            return Locked(sheet.period)
        except ValueConflict as conflict:
            sheet.values[element_code] = conflict.current
            if attempt == 1 and conflict.current.updated_by == by:
                # The version the user did not see is their own (its acknowledgement never reached them):
                # no colleague to ask about; this answer simply replaces it.
                expected = conflict.current.version
                continue
            author = await storage.users.get(conflict.current.updated_by or 0)
            return Conflict(conflict.current, author.full_name if author else None, draft)
    sheet.values[element_code] = value
    return Saved(value)


# ----------------------------------------------------------------- where reports stand


@dataclass(frozen=True)
class Progress:
    """One agency's report for one period: items answered (Skip left out) of those owed, and whether
    it was submitted."""

    period: Period
    agency: Agency
    answered: int
    total: int
    submission: Submission | None

    @property
    def owed(self) -> int:
        """Items still without a figure."""
        return self.total - self.answered


async def progress_of(storage: ReportStorage, period: Period, agency: Agency) -> Progress | None:
    """How far the agency's report for the period is; None if the agency owes nothing in it."""
    elements = await owed_elements(storage, period, agency.code)
    if not elements:
        return None
    values = await storage.values.for_agency(period.id, agency.code)
    answered = sum(1 for element in elements if is_answered(values.get(element.code)))
    submission = await storage.values.submission(period.id, agency.code)
    return Progress(period, agency, answered, len(elements), submission)


async def reports_of(storage: ReportStorage, agency_codes: list[str]) -> list[tuple[Agency, list[Progress]]]:
    """/myreports: per agency of the user, every period it owes something in, newest first."""
    overview = []
    periods = await storage.periods.all()
    for code in agency_codes:
        agency = await storage.agencies.get(code)
        if agency is None:
            continue
        rows = [row for period in periods if (row := await progress_of(storage, period, agency))]
        overview.append((agency, rows))
    return overview
