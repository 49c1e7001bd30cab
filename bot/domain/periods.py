"""Reporting period codes: `2025`, `2025-H1`, `2025-Q3`, `2025-07`, and ad hoc `2025-X1`; and deadlines.

The deadline rule. A period stores its deadline as the **last day a report is on time**, counted to the end
of that day in the province's zone (Asia/Ho_Chi_Minh): `bot.domain.reporting.is_on_time`, the reminders'
"last day" and the overdue count all read it so. Documents word the deadline the other way round: Hải
Dương's programme says "gửi ... trước ngày 05 tháng 12 hằng năm", before 5 December, so a report sent on
5 December is late. A catalogue's `reporting.deadline` ("12-05") is that document date, and the period's
default deadline is the day before it (4 December). Every text shows the rule in the document's words,
"before 5 December", from `due_before` (the stored day plus one), and where there is room the last day on
time besides (`on_time_rule`).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.domain.models import PeriodKind

if TYPE_CHECKING:
    from bot.domain.rendering import Translates

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?P<part>H[12]|Q[1-4]|0[1-9]|1[0-2]|X\d{1,2}))?$")


class PeriodCodeError(ValueError):
    """Not a period code this bot understands."""


@dataclass(frozen=True)
class PeriodSpan:
    code: str
    kind: PeriodKind
    starts_on: date
    ends_on: date
    year: int


def parse_period(code: str) -> PeriodSpan:
    """`2025-Q3` -> quarterly, 1 July to 30 September 2025."""
    normalized = code.strip().upper()
    match = _PATTERN.match(normalized)
    if not match:
        raise PeriodCodeError(code)
    year = int(match["year"])
    if not 2000 <= year <= 2100:
        raise PeriodCodeError(code)
    part = match["part"]
    if part is None:
        return PeriodSpan(normalized, PeriodKind.ANNUAL, date(year, 1, 1), date(year, 12, 31), year)
    if part.startswith("H"):
        half = int(part[1])
        first_month = 1 + 6 * (half - 1)
        return _span(normalized, PeriodKind.SEMIANNUAL, year, first_month, first_month + 5)
    if part.startswith("Q"):
        quarter = int(part[1])
        first_month = 1 + 3 * (quarter - 1)
        return _span(normalized, PeriodKind.QUARTERLY, year, first_month, first_month + 2)
    if part.startswith("X"):
        return PeriodSpan(normalized, PeriodKind.AD_HOC, date(year, 1, 1), date(year, 12, 31), year)
    month = int(part)
    return _span(normalized, PeriodKind.MONTHLY, year, month, month)


def _span(code: str, kind: PeriodKind, year: int, first_month: int, last_month: int) -> PeriodSpan:
    last_day = calendar.monthrange(year, last_month)[1]
    return PeriodSpan(code, kind, date(year, first_month, 1), date(year, last_month, last_day), year)


def previous_period_code(code: str) -> str | None:
    """The period of the same kind just before this one (`2025-Q1` -> `2024-Q4`); None for ad hoc."""
    span = parse_period(code)
    year = span.year
    if span.kind is PeriodKind.ANNUAL:
        return str(year - 1)
    if span.kind is PeriodKind.AD_HOC:
        return None
    part = span.code[5:]
    index, count = int(part[-1] if part[0] in "HQ" else part), {"H": 2, "Q": 4}.get(part[0], 12)
    prefix = part[0] if part[0] in "HQ" else ""
    if index > 1:
        return f"{year}-{prefix}{index - 1}" if prefix else f"{year}-{index - 1:02d}"
    return f"{year - 1}-{prefix}{count}" if prefix else f"{year - 1}-12"


def default_deadline(span: PeriodSpan, month_day: str = "12-05") -> date:
    """The period's last day on time by the programme's rule: for annual periods reports are due *before*
    its month-day in that year (the document's "trước ngày 05 tháng 12"), so the day before (4 December)."""
    if span.kind is PeriodKind.ANNUAL:
        month, day = (int(part) for part in month_day.split("-"))
        return date(span.year, month, day) - timedelta(days=1)
    # Sub-annual periods are due five days after they end, a common practice for quick reports.
    return date.fromordinal(span.ends_on.toordinal() + 5)


def due_before(deadline: date) -> date:
    """The date a report must arrive before, as documents word it, for a period whose last day on time is
    `deadline`."""
    return deadline + timedelta(days=1)


def deadline_words(deadline: date, t: Translates) -> str:
    """The deadline as the document words it: "before 05/12/2025" ("trước ngày 05/12/2025")."""
    return t.gettext("before {date}").format(date=t.date(due_before(deadline)))


def on_time_rule(deadline: date, t: Translates) -> str:
    """The deadline with its on-time rule spelt out: "before 05/12/2025, on time until the end of 04/12/2025"."""
    return t.gettext("before {date}, on time until the end of {last}").format(
        date=t.date(due_before(deadline)), last=t.date(deadline)
    )
