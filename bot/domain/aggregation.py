"""Aggregating agencies' values into one provincial figure per indicator, following its rule.

A percentage is never averaged across agencies: a ratio indicator sums its numerator and denominator
over the agencies that reported both, then divides. An agency that owes a value and has not given one is
listed as missing and never counted as zero. An answer of "not applicable" removes the agency from what
is expected (a district with no industrial zone); "skipped" leaves it missing.

Merged agencies are counted once, under their successor: `roll_up` maps each value to the active agency
that now answers for it. Additive elements (counts and amounts) are summed into the successor's row;
for shares, milestones and tasks the successor's own answer wins, else the most recent of the merged ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from bot.domain.models import Aggregation, Answer, ElementType, Indicator

ADDITIVE = frozenset({ElementType.NUMBER, ElementType.COUNT})


class Figure(NamedTuple):
    """One stored answer, as light as a database row (a `Value` model has the same fields)."""

    agency_code: str
    element_code: str
    answer: str
    number: float | None
    updated_at: Any  # comparable: ISO text from the database, or a datetime
    text: str | None = None
    note: str | None = None
    status: str = "preliminary"
    updated_by: int | None = None


@dataclass(frozen=True)
class Reported:
    """One agency's figure for one element after roll-up."""

    number: float
    updated_at: Any


@dataclass
class RolledUp:
    """Values per (agency, element) with merged agencies folded into their successors."""

    figures: dict[tuple[str, str], Reported] = field(default_factory=dict)
    not_applicable: set[tuple[str, str]] = field(default_factory=set)

    def get(self, agency: str, element: str) -> float | None:
        reported = self.figures.get((agency, element))
        return reported.number if reported else None


@dataclass(frozen=True)
class Aggregate:
    value: float | None
    covered: tuple[str, ...]  # agencies whose figures are in the value
    missing: tuple[str, ...]  # agencies that owe a figure and have not given it

    @property
    def partial(self) -> bool:
        return bool(self.covered) and bool(self.missing)


def roll_up(
    values: Iterable[Any],
    successors: Mapping[str, str],
    element_types: Mapping[str, ElementType],
) -> RolledUp:
    """Fold values into the agencies that answer for them now (see the module docstring)."""
    result = RolledUp()
    own: set[tuple[str, str]] = set()
    for value in values:
        agency = successors.get(value.agency_code, value.agency_code)
        key = (agency, value.element_code)
        if value.answer == Answer.NOT_APPLICABLE:
            result.not_applicable.add(key)
            continue
        if value.answer != Answer.VALUE or value.number is None:
            continue
        is_own = agency == value.agency_code
        existing = result.figures.get(key)
        if existing is None:
            result.figures[key] = Reported(value.number, value.updated_at)
        elif element_types.get(value.element_code) in ADDITIVE:
            latest = max(existing.updated_at, value.updated_at)
            result.figures[key] = Reported(existing.number + value.number, latest)
        elif is_own or (key not in own and value.updated_at > existing.updated_at):
            result.figures[key] = Reported(value.number, value.updated_at)
        if is_own:
            own.add(key)
        result.not_applicable.discard(key)
    return result


def aggregate(
    indicator: Indicator,
    rolled: RolledUp,
    expected: Mapping[str, Iterable[str]],
) -> Aggregate:
    """The provincial value of `indicator`. `expected` maps element code -> agencies that owe it."""
    elements = indicator.element_codes
    owing = sorted(
        {
            agency
            for element in elements
            for agency in expected.get(element, ())
            if (agency, element) not in rolled.not_applicable
        }
    )
    if indicator.aggregation is Aggregation.SINGLE:
        lead = indicator.lead_agency or ""
        number = rolled.get(lead, indicator.element or "")
        if number is None:
            return Aggregate(None, (), (lead,) if lead in owing or not owing else ())
        return Aggregate(number, (lead,), ())

    if indicator.aggregation is Aggregation.RATIO and _sources_differ(indicator, expected):
        return _cross_source_ratio(indicator, rolled, expected)
    figures = rolled.figures
    complete = [a for a in owing if all((a, e) in figures for e in elements)]
    done = set(complete)
    missing: tuple[str, ...] = tuple(a for a in owing if a not in done)
    if not complete:
        return Aggregate(None, (), missing)
    value = _combine(indicator, rolled, complete)
    return Aggregate(value, tuple(complete), missing)


def _sources_differ(indicator: Indicator, expected: Mapping[str, Iterable[str]]) -> bool:
    return set(expected.get(indicator.numerator or "", ())) != set(expected.get(indicator.denominator or "", ()))


def _cross_source_ratio(indicator: Indicator, rolled: RolledUp, expected: Mapping[str, Iterable[str]]) -> Aggregate:
    """Numerator and denominator from different agencies (hospital beds from Health, population from
    Statistics): each side is summed over its own reporters, and a value needs every one of them, since a
    partial numerator over a full denominator would understate the ratio."""
    totals: list[float] = []
    covered: set[str] = set()
    missing: set[str] = set()
    for code in (indicator.numerator or "", indicator.denominator or ""):
        total = 0.0
        for agency in expected.get(code, ()):
            if (agency, code) in rolled.not_applicable:
                continue
            number = rolled.get(agency, code)
            if number is None:
                missing.add(agency)
            else:
                covered.add(agency)
                total += number
        totals.append(total)
    if missing or totals[1] == 0:
        return Aggregate(None, tuple(sorted(covered - missing)), tuple(sorted(missing)))
    return Aggregate(totals[0] / totals[1] * indicator.factor, tuple(sorted(covered)), ())


def _combine(indicator: Indicator, rolled: RolledUp, agencies: list[str]) -> float | None:
    def column(element: str | None) -> list[float]:
        return [rolled.get(agency, element or "") or 0.0 for agency in agencies]

    rule = indicator.aggregation
    if rule is Aggregation.RATIO:
        denominator = sum(column(indicator.denominator))
        if denominator == 0:
            return None
        return sum(column(indicator.numerator)) / denominator * indicator.factor
    if rule is Aggregation.WEIGHTED_MEAN:
        weights = column(indicator.weight)
        if sum(weights) == 0:
            return None
        numbers = column(indicator.element)
        return sum(n * w for n, w in zip(numbers, weights, strict=True)) / sum(weights)
    numbers = column(indicator.element)
    if rule is Aggregation.SUM:
        return sum(numbers) * indicator.factor
    if rule is Aggregation.MIN:
        return min(numbers)
    if rule is Aggregation.MAX:
        return max(numbers)
    if rule is Aggregation.LATEST:
        latest = max(agencies, key=lambda a: rolled.figures[(a, indicator.element or "")].updated_at)
        return rolled.get(latest, indicator.element or "")
    raise ValueError(f"unknown aggregation {rule}")
