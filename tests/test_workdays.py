"""Working days for any year the `holidays` package knows, with the operator's overrides in the data directory."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.config import Settings
from bot.domain.workdays import SHIPPED_OVERRIDES, overrides_file, shipped_calendar


def test_tet_2031_is_not_a_working_day() -> None:
    calendar = shipped_calendar()
    assert not calendar.is_working_day(date(2031, 1, 1))  # New Year's Day, a Wednesday
    assert not calendar.is_working_day(date(2031, 1, 23))  # Tết (1st day of the lunar year), a Thursday
    assert calendar.is_working_day(date(2031, 1, 28))  # the Tuesday after the Tết holiday
    # Counting back from Wed 29 Jan 2031 skips 21-27 January: Tue 28, Mon 20, then Fri 17.
    assert calendar.shift(date(2031, 1, 29), -3) == date(2031, 1, 17)


def test_a_far_year_is_known_too() -> None:
    assert not shipped_calendar().is_working_day(date(2049, 9, 2))  # National Day


def test_the_operators_override_file_in_the_data_directory_wins(tmp_path: Path) -> None:
    assert overrides_file(tmp_path) == SHIPPED_OVERRIDES  # nothing of their own yet
    (tmp_path / "holidays_vn.yaml").write_text(
        "days_off:\n  - {date: 2031-02-03, name: 'Nghỉ bù'}\nworking_days:\n  - {date: 2031-02-08, name: 'Làm bù'}\n",
        encoding="utf-8",
    )
    calendar = Settings(data_dir=tmp_path).work_calendar()
    assert not calendar.is_working_day(date(2031, 2, 3))  # a Monday made a day off
    assert calendar.is_working_day(date(2031, 2, 8))  # a Saturday worked in exchange
    assert shipped_calendar().is_working_day(date(2031, 2, 3))  # the shipped calendar is untouched
