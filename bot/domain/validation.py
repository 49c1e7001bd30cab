"""Is a typed value acceptable for a data element? Pure: element, text, previous value in; verdict out.

Type and range:
- percent: 0–100 unless the element sets its own range; a `%` sign is optional;
- count: a whole number, never negative; a `%` sign is refused (a count is not a share);
- number: within the element's min/max when it has them; a `%` sign is accepted only if the unit is %.

Implausible jumps need a confirmation rather than a refusal, because real figures do jump (a new hospital
opens). Against the previous period's value `p` (when there is one and it is not zero), a new value `v`
needs confirming when
- the element is a percent and |v − p| ≥ 20 percentage points, or
- otherwise when v ≥ 2·p or v ≤ p/2 (doubled or halved), or when the sign flips.

A figure is also echoed, and saved only once confirmed, whenever what will be saved is not simply what was
typed (`NeedsConfirmation.reason`):
- "ambiguous": the separator reads two ways (`1.234` in English, `1,234` in Vietnamese, see
  `bot.domain.numbers`) and both readings fit the item: the user picks one (`alternative` is the other);
- "separator": it reads two ways but only the other locale's reading fits the item (`1,234` typed in
  Vietnamese for a count is 1.234, which no count can be; `1,234` typed in English for a percentage);
- "scaled": a multiplier word changed the figure in the item's unit (`1,2 tỷ` in *triệu đồng* is 1.200,
  `1,2 triệu` people is 1.200.000; `bot.domain.units`). A multiplier word in a share (%) is refused.

A first-period figure (no previous value) outside the item's plausible range (`plausible_range`) asks too
("implausible"). The range, decided from what the catalogue knows of the item:
- when an indicator reads the element directly (not as a ratio's part) in the same unit, and has a target,
  a baseline or a milestone, its largest magnitude R gives [R/1000, 10·R]: a figure a thousand times off
  either way (a slipped multiplier or separator) is outside, a district's share of a provincial sum is not;
- else a money unit gives [1 triệu đồng, 10 triệu tỷ đồng] in its own scale (less is a slip for a
  province's accounts, more is above Vietnam's whole GDP);
- else people or households (người, hộ) give at most 100 million (Vietnam's population);
- else no range: the element's own min/max decide. Zero is never implausible.

Whatever the element says, a figure stays within ±LIMIT and is finite before it is stored, so that every
screen can show it; -0 is stored as 0. `validate_number` and `validate_task_percent` never raise: any text
gets a verdict, and a previous value or a bound that is not finite (stored before these limits) is ignored.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from bot.domain.models import DataElement, ElementType, Indicator
from bot.domain.numbers import NumberParseError, parse_number
from bot.domain.units import UnitKind, in_unit, money_scale, unit_kind, without_unit

PERCENT_JUMP_POINTS = 20.0
RATIO_JUMP = 2.0
# The largest magnitude of any figure: a quadrillion (một triệu tỷ). A province's largest figures in đồng
# stay two orders below; beyond it a figure is a slip (a pasted phone number, a key held down), and a float
# keeps whole numbers exact only up to 2**53 (about 9·10^15).
LIMIT = 10.0**15
PLAUSIBLE_ABOVE = 10.0  # times the largest target, baseline or milestone
PLAUSIBLE_BELOW = 1000.0  # a thousandth of it
MONEY_FLOOR_DONG = 10.0**6  # 1 triệu đồng
MONEY_CEILING_DONG = 10.0**16  # 10 triệu tỷ đồng: above Vietnam's yearly GDP
PEOPLE_CEILING = 10.0**8  # above Vietnam's population
PEOPLE_UNITS = ("người", "hộ")


@dataclass(frozen=True)
class Accepted:
    number: float


@dataclass(frozen=True)
class Rejected:
    """`reason` is a stable key the handler translates; `params` fill its message."""

    reason: str
    params: dict[str, float | str] = field(default_factory=dict)


@dataclass(frozen=True)
class NeedsConfirmation:
    number: float
    previous: float | None
    reason: str  # "jump_points", "jump_ratio", "ambiguous", "separator", "scaled" or "implausible"
    alternative: float | None = None  # "ambiguous": the other reading, also valid for the item
    typed: str = ""  # what the user typed, to show beside the figure it becomes


Verdict = Accepted | Rejected | NeedsConfirmation


def validate_number(
    element: DataElement,
    text: str,
    locale: str,
    previous: float | None,
    plausible: tuple[float, float] | None = None,
) -> Verdict:
    """Parse and check a typed value for a numeric element (number, count or percent); echo it when it is
    not what was typed, and ask when it is far from last period's or, in a first period, from `plausible`."""
    try:
        parsed = parse_number(without_unit(text, element.unit), locale)
    except NumberParseError:
        return Rejected("not_a_number")
    if parsed.multiplier is not None and (
        element.type is ElementType.PERCENT or unit_kind(element.unit) is UnitKind.SHARE
    ):
        return Rejected("multiplier_in_share", {"word": parsed.multiplier})
    factor = parsed.factor if parsed.multiplier is not None else None
    verdict = _checked(element, in_unit(parsed.figure, factor, element.unit), parsed.percent)
    if parsed.alternative is not None:
        other = in_unit(parsed.alternative / parsed.factor, factor, element.unit)
        alternative = _checked(element, other, parsed.percent)
        if isinstance(verdict, Accepted) and isinstance(alternative, Accepted) and parsed.ambiguous:
            return NeedsConfirmation(verdict.number, previous, "ambiguous", alternative.number, text)
        if isinstance(verdict, Rejected) and isinstance(alternative, Accepted):
            return NeedsConfirmation(alternative.number, previous, "separator", typed=text)
    if isinstance(verdict, Rejected):
        return verdict
    number = verdict.number
    if parsed.multiplier is not None and Decimal(repr(number)) != parsed.figure:
        return NeedsConfirmation(number, previous, "scaled", typed=text)
    if previous is not None and math.isfinite(previous) and previous != 0:
        jump = _jump(element, number, previous)
        return NeedsConfirmation(number, previous, jump, typed=text) if jump else verdict
    if previous is None and plausible is not None and number != 0:
        low, high = plausible
        if not low <= abs(number) <= high:
            return NeedsConfirmation(number, None, "implausible", typed=text)
    return verdict


def _checked(element: DataElement, value: Decimal, percent: bool) -> Accepted | Rejected:
    """A value in the item's unit against its type and range."""
    if element.type is ElementType.COUNT:
        if percent:
            return Rejected("count_not_percent")
        if value != value.to_integral_value():
            return Rejected("count_not_whole")
    if percent and element.type is ElementType.NUMBER and element.unit.strip() != "%":
        return Rejected("no_percent_sign", {"unit": element.unit})
    low, high = _range(element)
    if value < Decimal(repr(low)):
        return Rejected("below_min", {"min": low})
    if value > Decimal(repr(high)):
        return Rejected("above_max", {"max": high})
    return Accepted(float(value) + 0.0)  # adding 0.0 turns -0.0 into 0.0


def plausible_range(element: DataElement, indicators: Sequence[Indicator]) -> tuple[float, float] | None:
    """The magnitudes a first-period figure may take without a question (see the module docstring)."""
    references = [
        abs(value)
        for indicator in indicators
        if indicator.element == element.code and indicator.unit.strip() == element.unit.strip()
        for value in (
            indicator.target.value if indicator.target else None,
            indicator.baseline_value,
            *indicator.milestones.values(),
        )
        if value is not None and math.isfinite(value)
    ]
    if references and max(references) > 0:
        largest = max(references)
        return largest / PLAUSIBLE_BELOW, largest * PLAUSIBLE_ABOVE
    scale = money_scale(element.unit)
    if scale is not None:
        return MONEY_FLOOR_DONG / float(scale), MONEY_CEILING_DONG / float(scale)
    words = element.unit.split("/", 1)[0].split()
    if words and words[0].lower() in PEOPLE_UNITS:
        return 0.0, PEOPLE_CEILING
    return None


def recheck(element: DataElement, number: float) -> Accepted | Rejected:
    """A figure checked before (confirmed after a jump warning, or kept in a conversation from an older
    version) checked again against the range and the limits before it is stored."""
    low, high = _range(element)
    if not math.isfinite(number) or number > high:
        return Rejected("above_max", {"max": high})
    if number < low:
        return Rejected("below_min", {"min": low})
    return Accepted(number + 0.0)


def _range(element: DataElement) -> tuple[float, float]:
    """The element's own range within ±LIMIT; a bound that is missing or not finite means none."""
    low = element.min_value if element.min_value is not None and math.isfinite(element.min_value) else None
    high = element.max_value if element.max_value is not None and math.isfinite(element.max_value) else None
    if element.type is ElementType.PERCENT:
        low, high = (0.0 if low is None else low), (100.0 if high is None else high)
    elif element.type is ElementType.COUNT:
        low = 0.0 if low is None else max(0.0, low)
    return max(-LIMIT, -LIMIT if low is None else low), min(LIMIT, LIMIT if high is None else high)


def _jump(element: DataElement, number: float, previous: float) -> str | None:
    if element.type is ElementType.PERCENT:
        return "jump_points" if abs(number - previous) >= PERCENT_JUMP_POINTS else None
    if (number < 0) != (previous < 0) and number != 0:
        return "jump_ratio"
    ratio = number / previous
    return "jump_ratio" if ratio >= RATIO_JUMP or ratio <= 1 / RATIO_JUMP else None


def validate_task_percent(text: str, locale: str) -> Accepted | Rejected:
    """A task's percentage done: 0–100."""
    try:
        value = parse_number(text, locale).value
    except NumberParseError:
        return Rejected("not_a_number")
    if not 0 <= value <= 100:
        return Rejected("percent_range")
    return Accepted(float(value) + 0.0)
