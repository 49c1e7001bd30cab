"""Status against the 2030 target, boundary by boundary."""

from __future__ import annotations

import pytest

from bot.domain.models import (
    Aggregation,
    Comparator,
    Direction,
    Indicator,
    PathKind,
    Target,
    TargetKind,
)
from bot.domain.progress import Status, Trend, assess, expected_value, meets


def indicator(
    comparator: str,
    value: float,
    *,
    kind: TargetKind = TargetKind.LEVEL,
    direction: Direction = Direction.HIGHER,
    path: PathKind = PathKind.LINEAR,
) -> Indicator:
    return Indicator(
        id=1,
        programme_id=1,
        code="X",
        area="economy",
        name_vi="x",
        name_en="x",
        unit="%",
        target=Target(comparator=Comparator(comparator), value=value, year=2030),
        kind=kind,
        direction=direction,
        path=path,
        aggregation=Aggregation.SINGLE,
        element="x",
        lead_agency="A",
    )


@pytest.mark.parametrize(
    ("comparator", "target", "value", "met"),
    [
        (">", 9, 9.0, False),
        (">", 9, 9.01, True),
        (">=", 40.5, 40.49, False),
        (">=", 40.5, 40.5, True),
        ("<", 3, 3.0, False),
        ("<", 3, 2.99, True),
        ("<=", -9, -8.99, False),
        ("<=", -9, -9, True),
        ("=", 100, 99.89, False),
        ("=", 100, 99.9, True),
        ("=", 7, 7, True),
        ("=", 7, 6.99, False),
        ("~", 35, 33.25, True),
        ("~", 35, 33.2, False),
        ("~", 35, 36.75, True),
        ("~", 35, 36.8, False),
    ],
)
def test_meeting_a_target(comparator: str, target: float, value: float, met: bool) -> None:
    assert meets(value, Comparator(comparator), target) is met


def test_no_data_and_achieved() -> None:
    beds = indicator(">=", 40.5)
    assert assess(beds, None, 2025).status is Status.NO_DATA
    achieved = assess(beds, 41, 2025)
    assert achieved.status is Status.ACHIEVED and achieved.distance == 0


@pytest.mark.parametrize(
    ("value", "status"),
    [(9.5, Status.ACHIEVED), (9.0, Status.AT_RISK), (8.1, Status.AT_RISK), (8.09, Status.OFF_TRACK)],
)
def test_rate_target_boundaries(value: float, status: Status) -> None:
    growth = indicator(">", 9, kind=TargetKind.RATE)  # GRDP growth above 9 %/yr
    assert assess(growth, value, 2025).status is status


@pytest.mark.parametrize(
    ("value", "status"),
    # Baseline 2020: 30 beds; target 2030: 40 beds; by 2025 the straight path expects 35.
    [
        (35.0, Status.ON_TRACK),
        (36.0, Status.ON_TRACK),
        (34.0, Status.AT_RISK),
        (34.01, Status.AT_RISK),
        (33.99, Status.OFF_TRACK),
    ],
)
def test_level_path_boundaries(value: float, status: Status) -> None:
    beds = indicator(">=", 40)
    result = assess(beds, value, 2025, baseline=(2020, 30.0))
    assert result.expected == 35.0
    assert result.status is status


def test_lower_is_better_path() -> None:
    unemployment = indicator("<", 3, direction=Direction.LOWER)
    # Baseline 2020: 5 %; target 3 %; 2025 expects 4 %; 10 % of the distance is 0.2 points.
    assert assess(unemployment, 3.9, 2025, baseline=(2020, 5.0)).status is Status.ON_TRACK
    assert assess(unemployment, 4.2, 2025, baseline=(2020, 5.0)).status is Status.AT_RISK
    assert assess(unemployment, 4.21, 2025, baseline=(2020, 5.0)).status is Status.OFF_TRACK
    assert assess(unemployment, 2.5, 2025, baseline=(2020, 5.0)).status is Status.ACHIEVED


def test_growth_type_trajectory_is_compound() -> None:
    # GRDP per capita from 100 (2020) to 200 million VND (2030): the compound path doubles in 10 years,
    # so halfway (2025) it expects 100 * 2 ** 0.5 ≈ 141.4, not the straight path's 150.
    assert expected_value(2020, 100, 2030, 200, 2025, PathKind.COMPOUND) == pytest.approx(141.421, abs=1e-3)
    assert expected_value(2020, 100, 2030, 200, 2025, PathKind.LINEAR) == 150
    per_capita = indicator(">=", 200, path=PathKind.COMPOUND)
    assert assess(per_capita, 142, 2025, baseline=(2020, 100.0)).status is Status.ON_TRACK
    assert assess(per_capita, 142, 2025, baseline=(2020, 100.0)).progress == pytest.approx(42.0)
    straight = indicator(">=", 200)
    assert assess(straight, 142, 2025, baseline=(2020, 100.0)).status is Status.AT_RISK


def test_without_a_path_the_trend_decides() -> None:
    communes = indicator("=", 100)
    assert assess(communes, 60, 2025, previous=55).status is Status.ON_TRACK
    assert assess(communes, 60, 2025, previous=60).status is Status.AT_RISK
    assert assess(communes, 60, 2025, previous=65).status is Status.AT_RISK
    assert assess(communes, 60, 2025, previous=65).trend is Trend.WORSE
    assert assess(communes, 60, 2025).progress == 60
