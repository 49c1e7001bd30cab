"""The value checks of the reporting conversation, boundary by boundary."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.models import DataElement, ElementType
from bot.domain.reporting import is_on_time, next_question, previous_question
from bot.domain.validation import (
    Accepted,
    NeedsConfirmation,
    Rejected,
    validate_number,
    validate_task_percent,
)


def element(
    kind: ElementType, unit: str = "", low: float | None = None, high: float | None = None, code: str = "x"
) -> DataElement:
    return DataElement(
        id=1, programme_id=1, code=code, name_vi=code, name_en=code, type=kind, unit=unit, min_value=low, max_value=high
    )


COUNT = element(ElementType.COUNT, "xã")
PERCENT = element(ElementType.PERCENT, "%")
GROWTH = element(ElementType.NUMBER, "%", -30, 50)
MONEY = element(ElementType.NUMBER, "tỷ đồng", 0)


@pytest.mark.parametrize(
    ("item", "typed", "verdict"),
    [
        (COUNT, "26", Accepted(26)),
        (COUNT, "1.234", Accepted(1234)),
        (COUNT, "0", Accepted(0)),
        (COUNT, "-1", Rejected("below_min", {"min": 0.0})),
        (COUNT, "9,5", Rejected("count_not_whole")),
        (COUNT, "95%", Rejected("count_not_percent")),
        (COUNT, "mười", Rejected("not_a_number")),
        (PERCENT, "100", Accepted(100)),
        (PERCENT, "95%", Accepted(95)),
        (PERCENT, "100,01", Rejected("above_max", {"max": 100.0})),
        (PERCENT, "-0,1", Rejected("below_min", {"min": 0.0})),
        (GROWTH, "9,2%", Accepted(9.2)),
        (GROWTH, "-3", Accepted(-3)),
        (GROWTH, "51", Rejected("above_max", {"max": 50})),
        (MONEY, "1,2 tỷ", Accepted(1.2)),  # read against the unit: 1,2 tỷ đồng
        (MONEY, "5%", Rejected("no_percent_sign", {"unit": "tỷ đồng"})),
    ],
)
def test_type_and_range(item: DataElement, typed: str, verdict: object) -> None:
    assert validate_number(item, typed, "vi", None) == verdict


@pytest.mark.parametrize(
    ("item", "previous", "typed", "needs_confirmation"),
    [
        (COUNT, 100, "199", False),  # just under double
        (COUNT, 100, "200", True),  # doubled
        (COUNT, 100, "51", False),  # just above half
        (COUNT, 100, "50", True),  # halved
        (COUNT, 0, "500", False),  # no ratio against zero
        (PERCENT, 50, "69,9", False),
        (PERCENT, 50, "70", True),  # 20 percentage points
        (PERCENT, 50, "30", True),
        (PERCENT, 2, "3,9", False),  # a ratio jump is normal for small shares: points decide
        (GROWTH, 8.5, "-1", True),  # the sign flips
        (GROWTH, 8.5, "9,2", False),
    ],
)
def test_implausible_jump_rule(item: DataElement, previous: float, typed: str, needs_confirmation: bool) -> None:
    verdict = validate_number(item, typed, "vi", previous)
    assert isinstance(verdict, NeedsConfirmation) is needs_confirmation
    assert isinstance(verdict, NeedsConfirmation | Accepted)


def test_task_percent() -> None:
    assert validate_task_percent("60", "vi") == Accepted(60)
    assert validate_task_percent("101", "vi") == Rejected("percent_range")
    assert validate_task_percent("nhiều", "vi") == Rejected("not_a_number")


ITEMS = [element(ElementType.COUNT, code=code) for code in ("a", "b", "c", "d")]


def test_question_order() -> None:
    assert next_question(ITEMS, set(), None) == "a"
    assert next_question(ITEMS, {"a"}, "a") == "b"
    assert next_question(ITEMS, {"a", "c"}, "a") == "b"
    assert next_question(ITEMS, {"a", "b", "c"}, "c") == "d"
    assert next_question(ITEMS, {"b", "c", "d"}, "d") == "a"  # wraps round to what is still missing
    assert next_question(ITEMS, {"a", "b", "c", "d"}, "b") is None
    assert previous_question(ITEMS, "c") == "b" and previous_question(ITEMS, "a") is None


def test_on_time_means_by_the_end_of_the_deadline_day_locally() -> None:
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    deadline = date(2025, 12, 5)
    assert is_on_time(datetime(2025, 12, 5, 16, 59, tzinfo=UTC), deadline, zone)  # 23:59 in Hà Nội
    assert not is_on_time(datetime(2025, 12, 5, 17, 0, tzinfo=UTC), deadline, zone)  # 00:00 on the 6th


def test_a_confirmed_figure_is_checked_again_before_it_is_stored() -> None:
    from bot.domain.reporting import ConfirmedNumber, Draft, prepare

    beds = element(ElementType.COUNT)
    assert prepare(ConfirmedNumber(7100.0), beds, None, None) == Draft(number=7100.0)
    for wedge in (1e28, float("inf"), float("nan")):  # held in a conversation from before the limits
        assert isinstance(prepare(ConfirmedNumber(wedge), beds, None, None), Rejected)
    assert isinstance(prepare(ConfirmedNumber(-1.0), beds, None, None), Rejected)  # a count is never negative
