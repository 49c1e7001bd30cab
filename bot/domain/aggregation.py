"""Aggregating agencies' values into one provincial figure per indicator, following its rule.

A percentage is never averaged across agencies: a ratio indicator sums its numerator and denominator
over the agencies that reported both, then divides. An agency that owes a value and has not given one is
listed as missing and never counted as zero. An answer of "not applicable" removes the agency from what
is expected (a district with no industrial zone); "skipped" leaves it missing.

Merged agencies are counted once, under their successor: `roll_up` maps each value to the active agency
that now answers for it. Additive elements (counts and amounts) are summed into the successor's row;
for shares, milestones and tasks the successor's own answer wins, else the most recent of the merged ones.

Aggregation reads one `Column` per data element: who owes it, who has given a number, and the totals of
those numbers. A column is either built here from rolled-up answers, or straight from one SQL GROUP BY
(`storage.values.element_totals`), so that a province-wide summary never has to load every answer. Where a
rule needs single agencies' numbers (the lead agency's, the agencies a paired ratio must leave out, a
weighted mean's or the latest figure), `needs` names them, and `aggregate` reads them from a `RolledUp`
holding at least those.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from bot.domain.models import Aggregation, Answer, ElementType, Indicator, ValueStatus

ADDITIVE = frozenset({ElementType.NUMBER, ElementType.COUNT})
# From the least final to the most: a figure built from an estimate is an estimate.
STATUS_ORDER = (ValueStatus.ESTIMATE.value, ValueStatus.PRELIMINARY.value, ValueStatus.OFFICIAL.value)
NO_STATUSES = (0, 0, 0)
NO_AGENCIES: frozenset[str] = frozenset()


class Figure(NamedTuple):
    """One stored answer, as light as a database row (a `Value` model has the same fields)."""

    agency_code: str
    element_code: str
    answer: str
    number: float | None
    updated_at: Any  # comparable: ISO text from the database, or a datetime
    text: str | None = None
    note: str | None = None
    status: str = ValueStatus.PRELIMINARY.value
    updated_by: int | None = None


@dataclass(frozen=True)
class Reported:
    """One agency's figure for one element after roll-up."""

    number: float
    updated_at: Any
    status: str = ValueStatus.PRELIMINARY.value


@dataclass
class RolledUp:
    """Values per (agency, element) with merged agencies folded into their successors. A number and a
    "not applicable" never share a key: a number wins."""

    figures: dict[tuple[str, str], Reported] = field(default_factory=dict)
    not_applicable: set[tuple[str, str]] = field(default_factory=set)

    def get(self, agency: str, element: str) -> float | None:
        reported = self.figures.get((agency, element))
        return reported.number if reported else None


@dataclass(frozen=True)
class Column:
    """One data element in one period, ready to aggregate. Agencies are held as sets of codes; a column's
    `unanswered` set is usually small, and the rules below work on it rather than on the large ones, since
    a province-wide element has a thousand agencies."""

    owing: frozenset[str] = NO_AGENCIES  # agencies assigned the element, less those that answered "not applicable"
    answered: frozenset[str] = NO_AGENCIES  # those of them that gave a number
    unanswered: frozenset[str] = NO_AGENCIES  # the others: owing - answered
    total: float = 0.0  # of the answered numbers
    lowest: float | None = None
    highest: float | None = None
    statuses: tuple[int, int, int] = NO_STATUSES  # answered numbers per status, in STATUS_ORDER
    expected: frozenset[str] = NO_AGENCIES  # agencies assigned the element


EMPTY = Column()


@dataclass(frozen=True)
class Aggregate:
    value: float | None
    owing_agencies: frozenset[str]  # agencies that owe a figure for it
    missing_agencies: frozenset[str]  # those that have not given it
    status: str | None = None  # the least final status among the figures in the value

    @cached_property
    def covered_agencies(self) -> frozenset[str]:
        """Agencies whose figures are in the value (worked out only when asked: most aggregates are read
        for their value and who is missing)."""
        return self.owing_agencies - self.missing_agencies

    @cached_property
    def covered(self) -> tuple[str, ...]:
        return tuple(sorted(self.covered_agencies))

    @cached_property
    def missing(self) -> tuple[str, ...]:
        return tuple(sorted(self.missing_agencies))

    @property
    def partial(self) -> bool:
        return bool(self.missing_agencies) and len(self.missing_agencies) < len(self.owing_agencies)


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
            if key not in result.figures:
                result.not_applicable.add(key)
            continue
        if value.answer != Answer.VALUE or value.number is None:
            continue
        is_own = agency == value.agency_code
        status = str(value.status)
        existing = result.figures.get(key)
        if existing is None:
            result.figures[key] = Reported(value.number, value.updated_at, status)
        elif element_types.get(value.element_code) in ADDITIVE:
            result.figures[key] = Reported(
                existing.number + value.number,
                max(existing.updated_at, value.updated_at),
                min(existing.status, status, key=STATUS_ORDER.index),
            )
        elif is_own or (key not in own and value.updated_at > existing.updated_at):
            result.figures[key] = Reported(value.number, value.updated_at, status)
        if is_own:
            own.add(key)
        result.not_applicable.discard(key)
    return result


def columns(rolled: RolledUp, expected: Mapping[str, Iterable[str]]) -> dict[str, Column]:
    """Every expected element's column, from rolled-up answers."""
    result = {}
    for element, agencies in expected.items():
        assigned = frozenset(agencies)
        owing = frozenset(a for a in assigned if (a, element) not in rolled.not_applicable)
        reported = {a: rolled.figures[(a, element)] for a in owing if (a, element) in rolled.figures}
        numbers = [figure.number for figure in reported.values()]
        answered = frozenset(reported)
        result[element] = Column(
            owing=owing,
            answered=answered,
            unanswered=owing - answered,
            total=sum(numbers),
            lowest=min(numbers, default=None),
            highest=max(numbers, default=None),
            statuses=status_counts(figure.status for figure in reported.values()),
            expected=assigned,
        )
    return result


def status_counts(statuses: Iterable[str]) -> tuple[int, int, int]:
    counts = [0, 0, 0]
    for status in statuses:
        counts[STATUS_ORDER.index(status)] += 1
    return counts[0], counts[1], counts[2]


def least_final(statuses: Iterable[str]) -> str | None:
    present = set(statuses)
    return next((status for status in STATUS_ORDER if status in present), None)


def needs(indicator: Indicator, columns: Mapping[str, Column]) -> set[tuple[str, str]]:
    """The (agency, element) figures that `aggregate` must read one by one for this indicator; everything
    else comes from the columns' totals."""
    rule = indicator.aggregation
    if rule is Aggregation.SINGLE:
        return {(indicator.lead_agency or "", indicator.element or "")}
    if rule is Aggregation.RATIO and _sources_differ(indicator, columns):
        return set()
    picked = [columns.get(code, EMPTY) for code in indicator.element_codes]
    if rule is Aggregation.RATIO:
        return set(_one_sided(indicator, picked, _missing(picked)))
    if rule in (Aggregation.WEIGHTED_MEAN, Aggregation.LATEST):
        complete = _owing(picked) - _missing(picked)
        return {(agency, code) for code in indicator.element_codes for agency in complete}
    return set()


def aggregate(indicator: Indicator, columns: Mapping[str, Column], rolled: RolledUp) -> Aggregate:
    """The provincial value of `indicator`; `rolled` holds at least the figures `needs` names."""
    if indicator.aggregation is Aggregation.SINGLE:
        lead, code = indicator.lead_agency or "", indicator.element or ""
        owing = columns.get(code, EMPTY).owing
        reported = rolled.figures.get((lead, code))
        if reported is None:
            lead_owes = frozenset({lead}) if lead in owing or not owing else NO_AGENCIES
            return Aggregate(None, lead_owes, lead_owes)
        return Aggregate(reported.number, frozenset({lead}), NO_AGENCIES, reported.status)
    if indicator.aggregation is Aggregation.RATIO and _sources_differ(indicator, columns):
        return _cross_source_ratio(indicator, columns)
    picked = [columns.get(code, EMPTY) for code in indicator.element_codes]
    owing, missing = _owing(picked), _missing(picked)
    if len(missing) == len(owing):
        return Aggregate(None, owing, missing)
    value, status = _combine(indicator, picked, owing, missing, rolled)
    return Aggregate(_tidy(value), owing, missing, status)


def _owing(picked: Sequence[Column]) -> frozenset[str]:
    if _same_owing(picked):
        return picked[0].owing  # no copy: a province-wide element has a thousand agencies
    return picked[0].owing.union(*(column.owing for column in picked[1:]))


def _same_owing(picked: Sequence[Column]) -> bool:
    first = picked[0].owing
    return all(column.owing is first or column.owing == first for column in picked[1:])


def _missing(picked: Sequence[Column]) -> frozenset[str]:
    """The agencies that owe one of the elements and lack a figure for one of them."""
    if _same_owing(picked):
        # The usual case, and cheap: only the small sets of the unanswered are touched.
        return picked[0].unanswered.union(*(column.unanswered for column in picked[1:]))
    return _owing(picked) - picked[0].answered.intersection(*(column.answered for column in picked[1:]))


def _one_sided(indicator: Indicator, picked: Sequence[Column], missing: frozenset[str]) -> list[tuple[str, str]]:
    """The (agency, element) figures given by agencies that lack another element of the indicator."""
    return [
        (agency, code)
        for code, column in zip(indicator.element_codes, picked, strict=True)
        for agency in missing
        if agency in column.answered
    ]


def _sources_differ(indicator: Indicator, columns: Mapping[str, Column]) -> bool:
    numerator = columns.get(indicator.numerator or "", EMPTY)
    denominator = columns.get(indicator.denominator or "", EMPTY)
    return numerator.expected is not denominator.expected and numerator.expected != denominator.expected


def _cross_source_ratio(indicator: Indicator, columns: Mapping[str, Column]) -> Aggregate:
    """Numerator and denominator from different agencies (hospital beds from Health, population from
    Statistics): each side is summed over its own reporters, and a value needs every one of them, since a
    partial numerator over a full denominator would understate the ratio."""
    numerator = columns.get(indicator.numerator or "", EMPTY)
    denominator = columns.get(indicator.denominator or "", EMPTY)
    missing = numerator.unanswered | denominator.unanswered
    covered = (numerator.answered | denominator.answered) - missing
    if missing or denominator.total == 0:
        return Aggregate(None, covered | missing, missing)
    status = _least_final((numerator, denominator))
    return Aggregate(_tidy(numerator.total / denominator.total * indicator.factor), covered, NO_AGENCIES, status)


def _combine(
    indicator: Indicator, picked: Sequence[Column], owing: frozenset[str], missing: frozenset[str], rolled: RolledUp
) -> tuple[float | None, str | None]:
    rule = indicator.aggregation
    codes = indicator.element_codes
    if rule is Aggregation.RATIO:
        # The columns' totals less the figures of agencies that gave only one side of the pair.
        left_out = _by_element(_one_sided(indicator, picked, missing), codes)
        numerator, denominator = (
            column.total - sum(rolled.figures[pair].number for pair in left_out[code])
            for code, column in zip(codes, picked, strict=True)
        )
        if denominator == 0:
            return None, None
        figures = [rolled.figures[pair] for pairs in left_out.values() for pair in pairs]
        return numerator / denominator * indicator.factor, _least_final(picked, figures)
    if rule in (Aggregation.WEIGHTED_MEAN, Aggregation.LATEST):
        complete = sorted(owing - missing)
        used = {code: [rolled.figures[(agency, code)] for agency in complete] for code in codes}
        status = least_final(f.status for figures in used.values() for f in figures)
        numbers = used[indicator.element or ""]
        if rule is Aggregation.LATEST:
            return max(numbers, key=lambda f: f.updated_at).number, status
        weights = [f.number for f in used[indicator.weight or ""]]
        if sum(weights) == 0:
            return None, None
        return sum(f.number * w for f, w in zip(numbers, weights, strict=True)) / sum(weights), status
    (column,) = picked
    status = _least_final(picked)
    if rule is Aggregation.SUM:
        return column.total * indicator.factor, status
    if rule is Aggregation.MIN:
        return column.lowest, status
    if rule is Aggregation.MAX:
        return column.highest, status
    raise ValueError(f"unknown aggregation {rule}")


def _by_element(pairs: Iterable[tuple[str, str]], codes: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    grouped: dict[str, list[tuple[str, str]]] = {code: [] for code in codes}
    for pair in pairs:
        grouped[pair[1]].append(pair)
    return grouped


def _least_final(columns: Sequence[Column], left_out: Iterable[Reported] = ()) -> str | None:
    """The least final status among the columns' numbers, less those left out of the value."""
    counts = [sum(column.statuses[i] for column in columns) for i in range(len(STATUS_ORDER))]
    for figure in left_out:
        counts[STATUS_ORDER.index(figure.status)] -= 1
    return next((status for status, count in zip(STATUS_ORDER, counts, strict=True) if count > 0), None)


def _tidy(value: float | None) -> float | None:
    """Nine decimal places: far beyond any statistic's precision, every digit of the largest amount in
    đồng kept, and free of the float noise that the order of additions and subtractions leaves
    (38.00000000000001)."""
    return None if value is None else round(value, 9)
