"""The order of questions in a report, what counts as answered, and whether a submission is on time. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, tzinfo

from bot.domain.models import Answer, DataElement, Indicator, Value


def is_answered(value: Value | None) -> bool:
    """Whether a stored answer counts as reported. "Not applicable" does; "Skip" does not: a skipped item
    is still owed (the review, /start and /myreports count it as missing, and reminders chase it)."""
    return value is not None and value.answer is not Answer.SKIPPED


def next_question(elements: Sequence[DataElement], answered: set[str], after: str | None) -> str | None:
    """The first unanswered element after `after` (in catalogue order), else the first unanswered one
    from the top, else None: everything has an answer and it is time to review."""
    codes = [element.code for element in elements]
    start = codes.index(after) + 1 if after in codes else 0
    for code in codes[start:] + codes[:start]:
        if code not in answered:
            return code
    return None


def previous_question(elements: Sequence[DataElement], current: str | None) -> str | None:
    codes = [element.code for element in elements]
    if current not in codes:
        return None
    index = codes.index(current)
    return codes[index - 1] if index > 0 else None


def is_on_time(submitted_at: datetime, deadline: date, zone: tzinfo) -> bool:
    """On time means by the end of the deadline day, local time (5 December counts as on time)."""
    return submitted_at.astimezone(zone).date() <= deadline


def indicators_fed_by(indicators: Sequence[Indicator], element_code: str) -> list[Indicator]:
    """The indicators whose formula reads this element."""
    return [indicator for indicator in indicators if element_code in indicator.element_codes]
