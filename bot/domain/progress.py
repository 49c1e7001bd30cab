"""Where an indicator stands against its 2030 target. Pure.

Meeting a target (`meets`):
- `>`, `>=`, `<`, `<=` as written;
- `=` within 0.1 % of the target (so "100 % of communes" means all of them, and "7 urban areas" means 7);
- `~` ("khoảng", about) within 5 % of the target.

Status, in this order:
- **no data**: no aggregated value for the period;
- **achieved**: the value meets the target (for a rate target, the period's rate meets the yearly target);
- rate targets (GRDP growth > 9 %/yr) that are not met: **at risk** when the shortfall is at most 10 % of
  the target, else **off track**;
- level targets with a path (a baseline year and value before this period): the value expected by this
  period lies on the path from the baseline to the target, straight for levels and compound for
  growth-type indicators (GRDP per capita). The shortfall is how far the value is behind that expected
  value, as a share of the whole baseline-to-target distance: **on track** when not behind, **at risk**
  when behind by at most 10 % of the distance, **off track** beyond;
- level targets without a path: **on track** when the value moved towards the target since the previous
  period, **at risk** otherwise (no previous value, flat, or moving away).

Progress is the share of the way from the baseline to the target (without a baseline: value ÷ target,
or target ÷ value when lower is better), as a percentage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.models import Comparator, Direction, Indicator, PathKind, TargetKind

EQUAL_TOLERANCE = 0.001
APPROX_TOLERANCE = 0.05
AT_RISK_SHARE = 0.10
_EPSILON = 1e-9  # figures are decimals typed by people; 0.1 must not become 0.1000000000000001


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"


class Trend(StrEnum):
    BETTER = "better"
    WORSE = "worse"
    SAME = "same"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Assessment:
    status: Status
    progress: float | None  # percent of the way to the target
    expected: float | None  # the value the path expects by this period
    distance: float | None  # what is left to reach the target (0 when achieved)
    trend: Trend


def meets(value: float, comparator: Comparator, target: float) -> bool:
    if comparator is Comparator.GT:
        return value > target
    if comparator is Comparator.GE:
        return value >= target
    if comparator is Comparator.LT:
        return value < target
    if comparator is Comparator.LE:
        return value <= target
    tolerance = EQUAL_TOLERANCE if comparator is Comparator.EQ else APPROX_TOLERANCE
    return abs(value - target) <= tolerance * max(abs(target), 1e-9)


def expected_value(
    baseline_year: int, baseline: float, target_year: int, target: float, year: int, path: PathKind
) -> float:
    """The value a straight (or compound) path from the baseline to the target reaches in `year`."""
    if year >= target_year:
        return target
    share = (year - baseline_year) / (target_year - baseline_year)
    if path is PathKind.COMPOUND and baseline > 0 and target > 0:
        return baseline * (target / baseline) ** share
    return baseline + (target - baseline) * share


def trend(value: float | None, previous: float | None, direction: Direction) -> Trend:
    if value is None or previous is None:
        return Trend.UNKNOWN
    if math.isclose(value, previous, rel_tol=1e-9, abs_tol=1e-12):
        return Trend.SAME
    improved = value > previous if direction is Direction.HIGHER else value < previous
    return Trend.BETTER if improved else Trend.WORSE


def assess(
    indicator: Indicator,
    value: float | None,
    year: int,
    previous: float | None = None,
    baseline: tuple[int, float] | None = None,
) -> Assessment:
    """Status, progress and trend of `indicator` whose value for the period ending in `year` is `value`."""
    moving = trend(value, previous, indicator.direction)
    target = indicator.target
    if value is None:
        return Assessment(Status.NO_DATA, None, None, None, moving)
    if target is None:
        return Assessment(Status.NO_DATA if value is None else Status.ON_TRACK, None, None, None, moving)
    sign = 1.0 if indicator.direction is Direction.HIGHER else -1.0
    distance = max(0.0, (target.value - value) * sign)
    if meets(value, target.comparator, target.value):
        return Assessment(Status.ACHIEVED, _progress(value, target.value, baseline, sign), None, 0.0, moving)
    if indicator.kind is TargetKind.RATE:
        shortfall = distance / max(abs(target.value), 1e-9)
        status = Status.AT_RISK if shortfall <= AT_RISK_SHARE + _EPSILON else Status.OFF_TRACK
        return Assessment(status, _progress(value, target.value, None, sign), None, distance, moving)
    if baseline is not None and baseline[0] < year and not math.isclose(baseline[1], target.value):
        expected = expected_value(baseline[0], baseline[1], target.year, target.value, year, indicator.path)
        behind = (expected - value) * sign / abs(target.value - baseline[1])
        if behind <= _EPSILON:
            status = Status.ON_TRACK
        elif behind <= AT_RISK_SHARE + _EPSILON:
            status = Status.AT_RISK
        else:
            status = Status.OFF_TRACK
        return Assessment(status, _progress(value, target.value, baseline, sign), expected, distance, moving)
    status = Status.ON_TRACK if moving is Trend.BETTER else Status.AT_RISK
    return Assessment(status, _progress(value, target.value, None, sign), None, distance, moving)


def _progress(value: float, target: float, baseline: tuple[int, float] | None, sign: float) -> float | None:
    if baseline is not None and not math.isclose(baseline[1], target):
        return (value - baseline[1]) / (target - baseline[1]) * 100
    if sign > 0:
        return value / target * 100 if target else None
    return target / value * 100 if value and target and target > 0 and value > 0 else None
