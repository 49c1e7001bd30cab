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

Whatever the element says, a figure stays within ±LIMIT and is finite before it is stored, so that every
screen can show it; -0 is stored as 0. `validate_number` and `validate_task_percent` never raise: any text
gets a verdict, and a previous value or a bound that is not finite (stored before these limits) is ignored.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from bot.domain.models import DataElement, ElementType
from bot.domain.numbers import NumberParseError, parse_number

PERCENT_JUMP_POINTS = 20.0
RATIO_JUMP = 2.0
# The largest magnitude of any figure: a quadrillion (một triệu tỷ). A province's largest figures in đồng
# stay two orders below; beyond it a figure is a slip (a pasted phone number, a key held down), and a float
# keeps whole numbers exact only up to 2**53 (about 9·10^15).
LIMIT = 10.0**15


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
    previous: float
    reason: str  # "jump_points" or "jump_ratio"


Verdict = Accepted | Rejected | NeedsConfirmation


def validate_number(element: DataElement, text: str, locale: str, previous: float | None) -> Verdict:
    """Parse and check a typed value for a numeric element (number, count or percent)."""
    try:
        parsed = parse_number(text, locale)
    except NumberParseError:
        return Rejected("not_a_number")
    value = parsed.value
    if element.type is ElementType.COUNT:
        if parsed.percent:
            return Rejected("count_not_percent")
        if value != value.to_integral_value():
            return Rejected("count_not_whole")
    if parsed.percent and element.type is ElementType.NUMBER and element.unit.strip() != "%":
        return Rejected("no_percent_sign", {"unit": element.unit})
    low, high = _range(element)
    if value < Decimal(repr(low)):
        return Rejected("below_min", {"min": low})
    if value > Decimal(repr(high)):
        return Rejected("above_max", {"max": high})
    number = float(value) + 0.0  # adding 0.0 turns -0.0 into 0.0
    if previous is not None and math.isfinite(previous) and previous != 0:
        jump = _jump(element, number, previous)
        if jump:
            return NeedsConfirmation(number, previous, jump)
    return Accepted(number)


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
