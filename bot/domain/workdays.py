"""Working days in Vietnam: Monday to Friday, less public holidays (Tết included), adjusted by the days
off and make-up working days the government decides each year."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import holidays
import yaml

FIRST_YEAR, LAST_YEAR = 2023, 2030
OVERRIDES = Path(__file__).resolve().parent.parent / "catalogues" / "holidays_vn.yaml"


@dataclass(frozen=True)
class WorkCalendar:
    days_off: frozenset[date]
    working_days: frozenset[date] = field(default_factory=frozenset)  # make-up days, even on a weekend
    weekends_off: bool = True

    def is_working_day(self, day: date) -> bool:
        if day in self.working_days:
            return True
        if day in self.days_off:
            return False
        return not (self.weekends_off and day.weekday() >= 5)

    def shift(self, day: date, working_days: int) -> date:
        """The date `working_days` working days after (positive) or before (negative) `day`."""
        step = 1 if working_days > 0 else -1
        remaining = abs(working_days)
        while remaining:
            day += timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def on_or_before(self, day: date) -> date:
        """`day` if it is a working day, else the last working day before it."""
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative if end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(
            1 for offset in range(1, (end - start).days + 1) if self.is_working_day(start + timedelta(days=offset))
        )


def vietnam_calendar(
    extra_days_off: Iterable[date] = (), extra_working_days: Iterable[date] = (), weekends_off: bool = True
) -> WorkCalendar:
    official = holidays.country_holidays("VN", years=range(FIRST_YEAR, LAST_YEAR + 1))
    return WorkCalendar(
        days_off=frozenset(official) | frozenset(extra_days_off),
        working_days=frozenset(extra_working_days),
        weekends_off=weekends_off,
    )


@cache
def shipped_calendar(weekends_off: bool = True) -> WorkCalendar:
    """The Vietnamese calendar with the shipped override file applied."""
    data = yaml.safe_load(OVERRIDES.read_text(encoding="utf-8")) or {}
    return vietnam_calendar(
        (entry["date"] for entry in data.get("days_off") or []),
        (entry["date"] for entry in data.get("working_days") or []),
        weekends_off,
    )
