"""Review and sign-off: the consolidating agency accepts or returns each agency's report. Pure.

A report's review state follows its submission: submitted (waiting for review), returned (with a reason:
the report is owed again, and reminders resume), accepted (its figures are locked for that agency while
other agencies can still change theirs). Unlocking an accepted report puts it back to "submitted".

What the reviewer is warned about is decided with the conversation's own checks, so a figure the review
flags is exactly one the focal point had to confirm: a jump against last period (`validate_number` says
it needs confirming) or a figure outside its element's range (`recheck` refuses it: the range changed
since it was stored).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from bot.domain.models import Answer, DataElement, ElementType, Frozen, Value
from bot.domain.progress import Status
from bot.domain.validation import NeedsConfirmation, Rejected, recheck, validate_number

REASON_LIMIT = 500


class ReviewState(StrEnum):
    """Where a submitted report stands with the consolidating agency."""

    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"


class Review(Frozen):
    """The current review state of one agency's report for one period (no row: not reviewed yet)."""

    period_id: int
    agency_code: str
    state: ReviewState
    reason: str | None = None
    seen_change: int = 0
    changed_by: int | None = None


@dataclass(frozen=True)
class ReviewWarning:
    """Something the reviewer should look at before accepting: `kind` is "jump" (confirmed despite a jump
    from `previous`) or "range" (outside the element's range, `bound` the limit it crosses)."""

    element_code: str
    kind: str
    number: float
    previous: float | None = None
    bound: float | None = None


def plain(number: float) -> str:
    """A stored figure as plain English digits ("1234.5"), for the conversation's parser."""
    return format(Decimal(repr(number)), "f")


def warning_for(element: DataElement, value: Value | None, previous: Value | None) -> ReviewWarning | None:
    """What the conversation would have said about this stored figure: a range it is outside of, or a jump
    against last period's figure that had to be confirmed; None when nothing."""
    if value is None or value.answer is not Answer.VALUE or value.number is None:
        return None
    if element.type not in (ElementType.NUMBER, ElementType.COUNT, ElementType.PERCENT):
        return None
    if not math.isfinite(value.number):
        return ReviewWarning(element.code, "range", value.number)
    checked = recheck(element, value.number)
    if isinstance(checked, Rejected):
        bound = checked.params.get("max", checked.params.get("min"))
        return ReviewWarning(element.code, "range", value.number, bound=float(bound) if bound is not None else None)
    last = previous.number if previous and previous.answer is Answer.VALUE else None
    verdict = validate_number(element, plain(value.number), "en", last)
    if isinstance(verdict, NeedsConfirmation):
        return ReviewWarning(element.code, "jump", value.number, previous=verdict.previous)
    return None


def warnings_of(
    elements: list[DataElement], values: dict[str, Value], previous: dict[str, Value]
) -> list[ReviewWarning]:
    """Every warning of one report, in catalogue order."""
    found = (warning_for(e, values.get(e.code), previous.get(e.code)) for e in elements)
    return [warning for warning in found if warning is not None]


def can_accept(state: ReviewState | None, submitted: bool) -> bool:
    """A report can be accepted once submitted and not already accepted."""
    return submitted and state is not ReviewState.ACCEPTED


def can_return(state: ReviewState | None, submitted: bool) -> bool:
    """A report can be returned while it is submitted (a returned one is no longer submitted)."""
    return submitted and state is not ReviewState.ACCEPTED


# ----------------------------------------------------------------- a lead agency's confidence

CONFIDENCE_LEVELS = (Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK)


class Confidence(Frozen):
    """A lead agency's confidence in one indicator it leads, for one period, and why (OKR-style)."""

    period_id: int
    indicator_code: str
    agency_code: str
    level: Status
    reason: str | None = None
    given_by: int | None = None
    given_at: datetime


def disagrees(confidence: Status, computed: Status) -> bool:
    """Whether the lead agency's confidence contradicts the computed status: an achieved target counts as
    on track, and there is nothing to contradict without data."""
    if computed is Status.NO_DATA:
        return False
    return confidence is not (Status.ON_TRACK if computed is Status.ACHIEVED else computed)
