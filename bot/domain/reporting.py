"""A report's rules: the order of questions, what each kind of answer stores, what counts as answered,
and whether a submission is on time. Pure.

`prepare` is the decision half of saving an answer (`bot.services.report.record_answer` is the writing
half): it turns what the user gave into the exact `Draft` to store, or into the reason nothing is stored
(a typed figure refused or needing confirmation, a text over its limit, a note with nothing to attach to).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any, Protocol

from bot.domain.models import Answer, DataElement, Indicator, TaskStatus, Value
from bot.domain.validation import Accepted, NeedsConfirmation, Rejected, recheck, validate_number


class _Translates(Protocol):
    """The part of `bot.domain.rendering.Translates` used here (which imports this module)."""

    def gettext(self, message: str) -> str: ...


ESSAY_LENGTH = 120  # a typed "figure" longer than this is an explanation, not a number
NARRATIVE_LIMIT = 500
NOTE_LIMIT = 500


def is_answered(value: Value | None) -> bool:
    """Whether a stored answer counts as reported. "Not applicable" does; "Skip" does not: a skipped item
    is still owed (the review, /start and /myreports count it as missing, and reminders chase it)."""
    return value is not None and value.answer is not Answer.SKIPPED


def next_question(elements: Sequence[DataElement], responded: set[str], after: str | None) -> str | None:
    """The first element without a response after `after` (in catalogue order), else the first one from
    the top, else None: everything has a response and it is time to review. A Skip is a response here
    (it is not asked again unprompted), though not an answer (`is_answered`)."""
    codes = [element.code for element in elements]
    start = codes.index(after) + 1 if after in codes else 0
    for code in codes[start:] + codes[:start]:
        if code not in responded:
            return code
    return None


def previous_question(elements: Sequence[DataElement], current: str | None) -> str | None:
    """The element before `current` in catalogue order; None at the first."""
    codes = [element.code for element in elements]
    if current not in codes:
        return None
    index = codes.index(current)
    return codes[index - 1] if index > 0 else None


def is_on_time(submitted_at: datetime, deadline: date, zone: tzinfo) -> bool:
    """On time means by the end of `deadline`, the period's last day on time, in the province's zone. For
    the document's "trước ngày 05 tháng 12" that day is 4 December: 23:59 on the 4th is on time, 00:01 on
    the 5th late (see bot.domain.periods)."""
    return submitted_at.astimezone(zone).date() <= deadline


def indicators_fed_by(indicators: Sequence[Indicator], element_code: str) -> list[Indicator]:
    """The indicators whose formula reads this element."""
    return [indicator for indicator in indicators if element_code in indicator.element_codes]


def task_progress_problem(status: str | None, percent: float | None) -> str | None:
    """Why a task's status and its percentage done disagree, as a reason key; None when they agree.

    Done is 100 %, not started is 0 %, and a task in progress or delayed is not yet 100 %. A summary that
    shows "done, 60 %" cannot be read, so the pair is refused rather than one half silently rewritten: the
    focal point knows which of the two is wrong."""
    if status is None or percent is None:
        return None
    if status == TaskStatus.DONE and percent < 100:
        return "task_done_below_100"
    if status == TaskStatus.NOT_STARTED and percent > 0:
        return "task_not_started_above_0"
    if status in (TaskStatus.IN_PROGRESS, TaskStatus.DELAYED) and percent >= 100:
        return "task_unfinished_at_100"
    return None


def task_progress_text(reason: str, t: _Translates) -> str:
    """The refusal of a status and percentage that disagree (`task_progress_problem`)."""
    return {
        "task_done_below_100": t.gettext("A task marked done is 100 % done. Choose its status again below."),
        "task_not_started_above_0": t.gettext("A task not started is 0 % done. Choose its status again below."),
        "task_unfinished_at_100": t.gettext("A task 100 % done is done. Choose its status again below."),
    }[reason]


# ----------------------------------------------------------------- what an answer stores


@dataclass(frozen=True)
class Draft:
    """An answer exactly as it is to be stored (also: "use mine" after a conflict)."""

    answer: Answer = Answer.VALUE
    number: float | None = None
    text: str | None = None
    note: str | None = None

    def as_data(self) -> dict[str, Any]:
        """For the conversation row, which keeps a conflicting answer until the user chooses."""
        return {"answer": self.answer.value, "number": self.number, "text": self.text, "note": self.note}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Draft:
        """Back from `as_data`."""
        return cls(Answer(data.get("answer", "value")), data.get("number"), data.get("text"), data.get("note"))


@dataclass(frozen=True)
class TypedNumber:
    """A figure as the user typed it, in their locale; `plausible` is the item's range for a first period
    (`bot.domain.validation.plausible_range`)."""

    text: str
    locale: str
    plausible: tuple[float, float] | None = None


@dataclass(frozen=True)
class ConfirmedNumber:
    """A figure the user confirmed after a warning about its jump from last period."""

    number: float


@dataclass(frozen=True)
class Skip:
    """Skip for now: the item stays owed."""


@dataclass(frozen=True)
class NotApplicable:
    """The item does not apply to the agency."""


@dataclass(frozen=True)
class Milestone:
    """A milestone's "achieved" or "not achieved"."""

    achieved: bool


@dataclass(frozen=True)
class TaskProgress:
    """A task's status, percent done and optional short narrative."""

    status: str | None
    percent: float | None
    narrative: str | None


@dataclass(frozen=True)
class Note:
    """A note for the value already saved for the item."""

    text: str


Given = TypedNumber | ConfirmedNumber | Skip | NotApplicable | Milestone | TaskProgress | Note | Draft


@dataclass(frozen=True)
class TooLong:
    """A narrative or note over its limit: nothing was saved."""

    length: int
    limit: int


@dataclass(frozen=True)
class NothingToNote:
    """A note for an item without a saved value."""


NotStored = Rejected | NeedsConfirmation | TooLong | NothingToNote


def prepare(
    given: Given, element: DataElement | None, existing: Value | None, previous: Value | None
) -> Draft | NotStored:
    """What `given` stores for `element` (its current answer `existing`, last period's `previous`), or
    why nothing is stored. A new figure keeps the item's note; Skip, Not applicable and a milestone
    replace the whole answer. Only a typed figure needs the element (to validate it)."""
    kept_note = existing.note if existing else None
    match given:
        case TypedNumber(text=text, locale=locale, plausible=plausible):
            if element is None:
                raise LookupError("a typed figure needs the element it answers")
            verdict = check_typed_number(element, text, locale, previous, plausible)
            return Draft(number=verdict.number, note=kept_note) if isinstance(verdict, Accepted) else verdict
        case ConfirmedNumber(number=number):
            if element is None:
                raise LookupError("a confirmed figure needs the element it answers")
            checked = recheck(element, number)
            return Draft(number=checked.number, note=kept_note) if isinstance(checked, Accepted) else checked
        case Skip():
            return Draft(Answer.SKIPPED)
        case NotApplicable():
            return Draft(Answer.NOT_APPLICABLE)
        case Milestone(achieved=achieved):
            return Draft(text="yes" if achieved else "no", number=1.0 if achieved else 0.0)
        case TaskProgress(status=status, percent=percent, narrative=narrative):
            if narrative is not None and len(narrative) > NARRATIVE_LIMIT:
                return TooLong(len(narrative), NARRATIVE_LIMIT)
            problem = task_progress_problem(status, percent)
            if problem is not None:  # the conversation refuses it at the percentage already (task_percent)
                return Rejected(problem)
            return Draft(number=percent, text=status, note=narrative)
        case Note(text=text):
            if len(text) > NOTE_LIMIT:
                return TooLong(len(text), NOTE_LIMIT)
            if existing is None:
                return NothingToNote()
            return Draft(existing.answer, existing.number, existing.text, text)
        case Draft():
            return given


def check_typed_number(
    element: DataElement,
    text: str,
    locale: str,
    previous: Value | None,
    plausible: tuple[float, float] | None = None,
) -> Accepted | Rejected | NeedsConfirmation:
    """A typed figure against the element's type and range, and against last period's value. A long
    text is an explanation rather than a figure: it is refused as "essay" before any parsing."""
    if len(text) > ESSAY_LENGTH:
        return Rejected("essay")
    return validate_number(element, text, locale, previous.number if previous else None, plausible)
