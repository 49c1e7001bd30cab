"""Working days in Vietnam: Monday to Friday, less public holidays (Tết included), adjusted by the days
off and make-up working days the government decides each year.

Public holidays come from the `holidays` package for whatever year is asked (it computes the lunar
calendar, so Tết of 2031 or 2049 is known); the decisions on top of it are an override file, the
shipped one or the operator's own in the data directory (`DATA_DIR/holidays_vn.yaml`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import holidays
import yaml

SHIPPED_OVERRIDES = Path(__file__).resolve().parent.parent / "catalogues" / "holidays_vn.yaml"
OVERRIDES_NAME = "holidays_vn.yaml"


@cache
def public_holidays(year: int) -> frozenset[date]:
    """Vietnam's public holidays in `year`, as the `holidays` package computes them."""
    return frozenset(holidays.country_holidays("VN", years=year))


@dataclass(frozen=True)
class WorkCalendar:
    days_off: frozenset[date]  # decided on top of the public holidays
    working_days: frozenset[date] = field(default_factory=frozenset)  # make-up days, even on a weekend
    weekends_off: bool = True

    def is_working_day(self, day: date) -> bool:
        if day in self.working_days:
            return True
        if day in self.days_off or day in public_holidays(day.year):
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
    return WorkCalendar(
        days_off=frozenset(extra_days_off),
        working_days=frozenset(extra_working_days),
        weekends_off=weekends_off,
    )


def overrides_file(data_dir: Path | None) -> Path:
    """The operator's override file in the data directory if there is one, else the shipped one."""
    own = data_dir / OVERRIDES_NAME if data_dir else None
    return own if own is not None and own.is_file() else SHIPPED_OVERRIDES


@cache
def shipped_calendar(weekends_off: bool = True, overrides: Path = SHIPPED_OVERRIDES) -> WorkCalendar:
    """The Vietnamese calendar with an override file applied (the shipped one unless told otherwise)."""
    data = yaml.safe_load(overrides.read_text(encoding="utf-8")) or {}
    return vietnam_calendar(
        (entry["date"] for entry in data.get("days_off") or []),
        (entry["date"] for entry in data.get("working_days") or []),
        weekends_off,
    )
