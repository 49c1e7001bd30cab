from datetime import date

import pytest

from bot.domain.models import PeriodKind
from bot.domain.periods import PeriodCodeError, default_deadline, parse_period, previous_period_code


@pytest.mark.parametrize(
    ("code", "kind", "start", "end"),
    [
        ("2025", PeriodKind.ANNUAL, date(2025, 1, 1), date(2025, 12, 31)),
        ("2025-H1", PeriodKind.SEMIANNUAL, date(2025, 1, 1), date(2025, 6, 30)),
        ("2025-h2", PeriodKind.SEMIANNUAL, date(2025, 7, 1), date(2025, 12, 31)),
        ("2025-Q3", PeriodKind.QUARTERLY, date(2025, 7, 1), date(2025, 9, 30)),
        ("2024-02", PeriodKind.MONTHLY, date(2024, 2, 1), date(2024, 2, 29)),
        ("2025-X1", PeriodKind.AD_HOC, date(2025, 1, 1), date(2025, 12, 31)),
    ],
)
def test_period_codes(code: str, kind: PeriodKind, start: date, end: date) -> None:
    span = parse_period(code)
    assert (span.kind, span.starts_on, span.ends_on) == (kind, start, end)


@pytest.mark.parametrize("code", ["", "25", "2025-Q5", "2025-13", "2025-H3", "abcd", "1999"])
def test_bad_period_codes(code: str) -> None:
    with pytest.raises(PeriodCodeError):
        parse_period(code)


def test_previous_period() -> None:
    assert previous_period_code("2025") == "2024"
    assert previous_period_code("2025-Q1") == "2024-Q4"
    assert previous_period_code("2025-H2") == "2025-H1"
    assert previous_period_code("2025-01") == "2024-12"
    assert previous_period_code("2025-07") == "2025-06"


def test_programme_default_deadline_is_the_day_before_5_december() -> None:
    # The document: "trước ngày 05 tháng 12", before 5 December; the period keeps its last day on time.
    assert default_deadline(parse_period("2025")) == date(2025, 12, 4)
