"""How final a figure is: estimate, preliminary, official. Pure.

Decree 09/2019/NĐ-CP cuts annual data off on 14 December, after the 5 December deadline, so a figure for
an annual period reported before its year ends is an estimate (ước tính) until the agency says otherwise;
preliminary (sơ bộ) and official (chính thức) figures replace it in the first quarter of the next year.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.models import DataElement, ElementType, Period, PeriodKind, Value, ValueStatus

ORDER = (ValueStatus.ESTIMATE, ValueStatus.PRELIMINARY, ValueStatus.OFFICIAL)
NUMERIC = (ElementType.NUMBER, ElementType.COUNT, ElementType.PERCENT)


def default_status(period: Period, now: datetime) -> ValueStatus:
    """A new figure's status: an estimate for an annual period before its year ends, else preliminary."""
    if period.kind is PeriodKind.ANNUAL and now.date() <= period.ends_on:
        return ValueStatus.ESTIMATE
    return ValueStatus.PRELIMINARY


def next_status(status: ValueStatus) -> ValueStatus:
    """One tap on an item: estimate → preliminary → official → estimate."""
    return ORDER[(ORDER.index(status) + 1) % len(ORDER)]


def has_status(element: DataElement, value: Value | None) -> bool:
    """Whether an answer carries a status: a figure of a numeric item."""
    return element.type in NUMERIC and value is not None and value.answer.value == "value" and value.number is not None


def not_official(elements: list[DataElement], values: dict[str, Value]) -> list[DataElement]:
    """The items whose figure is not official yet: what an official-figures round asks for."""
    return [
        e for e in elements if has_status(e, values.get(e.code)) and values[e.code].status is not ValueStatus.OFFICIAL
    ]
