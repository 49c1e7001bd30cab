"""Where an indicator stands against its 2030 target. Pure.

Meeting a target (`meets`):
- `>`, `>=`, `<`, `<=` as written;
- `=` within 0.1 % of the target (so "100 % of communes" means all of them, and "7 urban areas" means 7);
- `~` ("khoảng", about) within 5 % of the target, or beyond it in the good direction: "giảm khoảng
  1,5%/năm" is met by a reduction of 2 or 3 points, which does more than asked, not less.

Status, in this order:
- **no data**: no aggregated value for the period;
- period-average targets (`judged: average`, see `assess_average`) are judged on the average since the
  programme's base period instead of the period's value: **on track** when the average meets the target
  before the target year, **achieved** when it meets it in the target year, else at risk or off track as
  for rates;
- **achieved**: the value meets the target (for a rate target, the period's rate meets the yearly target);
- rate targets (GRDP growth > 9 %/yr) that are not met: **at risk** when the shortfall is at most 10 % of
  the target, else **off track**;
- level targets with a path (a baseline year and value before this period): the value expected by this
  period lies on the path from the baseline to the target, straight for levels and compound for
  growth-type indicators (GRDP per capita). The shortfall is how far the value is behind that expected
  value, as a share of the whole baseline-to-target distance: **on track** when not behind, **at risk**
  when behind by at most 10 % of the distance, **off track** beyond;
- level targets without a path: **on track** when the value moved towards the target since the previous
  period, **at risk** when it stayed flat or moved away, and **cannot be assessed yet** without a previous
  value: with neither a path nor a history there is nothing to say whether the value is on its way.

Progress is the share of the way from the baseline to the target (without a baseline: value ÷ target,
or target ÷ value when lower is better), as a percentage.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.models import Comparator, Direction, Indicator, Judged, PathKind, Period, PeriodKind, TargetKind

EQUAL_TOLERANCE = 0.001
APPROX_TOLERANCE = 0.05
AT_RISK_SHARE = 0.10
_EPSILON = 1e-9  # figures are decimals typed by people; 0.1 must not become 0.1000000000000001


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NOT_ASSESSABLE = "not_assessable"  # a value, but neither a path nor a previous value to judge it by
    NO_DATA = "no_data"


class Trend(StrEnum):
    BETTER = "better"
    WORSE = "worse"
    SAME = "same"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class PeriodAverage:
    """The mean of the yearly values from `since` to `until`, over the years that have one. Years without a
    reported value are listed in `missing`, never filled in."""

    since: int
    until: int
    value: float | None
    years: tuple[int, ...]  # the years averaged
    missing: tuple[int, ...]  # the years of since..until without a value
    geometric: bool  # growth rates chain: their mean is geometric


@dataclass(frozen=True)
class Assessment:
    status: Status
    progress: float | None  # percent of the way to the target
    expected: float | None  # the value the path expects by this period
    distance: float | None  # what is left to reach the target (0 when achieved)
    trend: Trend
    average: PeriodAverage | None = None  # what a period-average target was judged on


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


def meets_in_direction(value: float, comparator: Comparator, target: float, direction: Direction) -> bool:
    """`meets`, with an approximate target also met by going beyond it in the good direction ("giảm khoảng
    1,5%/năm" reduced by 3 points); an exact `=` stays exact (a share of GRDP of 31,2 % is a structure,
    not a floor)."""
    if meets(value, comparator, target):
        return True
    if comparator is not Comparator.APPROX:
        return False
    return value > target if direction is Direction.HIGHER else value < target


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
    if meets_in_direction(value, target.comparator, target.value, indicator.direction):
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
    if moving is Trend.UNKNOWN:
        status = Status.NOT_ASSESSABLE
    else:
        status = Status.ON_TRACK if moving is Trend.BETTER else Status.AT_RISK
    return Assessment(status, _progress(value, target.value, None, sign), None, distance, moving)


def _progress(value: float, target: float, baseline: tuple[int, float] | None, sign: float) -> float | None:
    if baseline is not None and not math.isclose(baseline[1], target):
        return (value - baseline[1]) / (target - baseline[1]) * 100
    if sign > 0:
        return value / target * 100 if target else None
    return target / value * 100 if value and target and target > 0 and value > 0 else None


def period_average(yearly: Mapping[int, float], since: int, until: int, *, geometric: bool) -> PeriodAverage:
    """The average of `yearly` (year -> value) over since..until.

    Growth rates (a `rate` target such as GRDP growth) are averaged geometrically, as the statistics office
    computes "tốc độ tăng bình quân" over a period: the n-th root of the product of the yearly growth indices
    (1 + g), less 1. That is the one constant yearly rate that brings the level of `since - 1` to the level
    of `until`; the arithmetic mean overstates it whenever the rates vary (+20 % then -20 % is -2 % a year,
    not 0). Shares and other levels (TFP's contribution to growth) are averaged arithmetically."""
    years = tuple(year for year in range(since, until + 1) if year in yearly)
    missing = tuple(year for year in range(since, until + 1) if year not in yearly)
    values = [yearly[year] for year in years]
    if not values:
        mean = None
    elif geometric and all(value > -100 for value in values):
        mean = (math.prod(1 + value / 100 for value in values) ** (1 / len(values)) - 1) * 100
    else:
        mean = math.fsum(values) / len(values)
    return PeriodAverage(since, until, mean, years, missing, geometric)


def assess_average(
    indicator: Indicator, average: PeriodAverage, previous: float | None, value: float | None
) -> Assessment:
    """A period-average target judged on `average` (see the module docstring); the trend is the year's own."""
    moving = trend(value, previous, indicator.direction)
    target = indicator.target
    if average.value is None or target is None:
        return Assessment(Status.NO_DATA, None, None, None, moving, average)
    mean = average.value
    sign = 1.0 if indicator.direction is Direction.HIGHER else -1.0
    progress = _progress(mean, target.value, None, sign)
    if meets_in_direction(mean, target.comparator, target.value, indicator.direction):
        status = Status.ACHIEVED if average.until >= target.year else Status.ON_TRACK
        return Assessment(status, progress, None, 0.0, moving, average)
    distance = max(0.0, (target.value - mean) * sign)
    shortfall = distance / max(abs(target.value), 1e-9)
    status = Status.AT_RISK if shortfall <= AT_RISK_SHARE + _EPSILON else Status.OFF_TRACK
    return Assessment(status, progress, None, distance, moving, average)


def averaged_in(indicator: Indicator, period: Period) -> bool:
    """Whether the indicator is judged on its average in this period: a period-average target, in a year
    period from `since` on (a quarter or a month has no yearly value to average)."""
    return (
        indicator.judged is Judged.AVERAGE
        and indicator.since is not None
        and period.kind is PeriodKind.ANNUAL
        and indicator.since <= period.ends_on.year
    )


def judge(
    indicator: Indicator,
    period: Period,
    value: float | None,
    previous: float | None,
    baseline: tuple[int, float] | None,
    earlier: Mapping[int, float],
) -> Assessment:
    """The period's value against the target (`assess`), or, for a period-average target, the average of
    this year's value and the `earlier` years' values (year -> value) since `since` (`assess_average`)."""
    year = period.ends_on.year
    if not averaged_in(indicator, period) or indicator.since is None:
        return assess(indicator, value, year, previous, baseline)
    values = dict(earlier)
    if value is not None:
        values[year] = value
    average = period_average(values, indicator.since, year, geometric=indicator.kind is TargetKind.RATE)
    return assess_average(indicator, average, previous, value)
