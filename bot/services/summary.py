"""The provincial summary of one period: every indicator aggregated and assessed against its target, and
who has reported.

Storage is read a fixed number of times per summary, never once per agency or per answer: one GROUP BY
per period gives each element's column (who answered, the totals), for this period, the previous one and
the baseline year side by side on read-only connections; small indexed reads add the answers that are not
numbers, the notes, and the few single figures some rules need (`aggregation.needs`). An element whose
answers come from agencies not assigned it (merged, retired or reassigned since) is rolled up from its
answers instead, the one way to know what they count for. So a province of a thousand agencies costs
about what one GROUP BY over its answers costs."""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from bot.domain.agencies import Structure, successor_map
from bot.domain.aggregation import (
    Column,
    Figure,
    aggregate,
    columns,
    roll_up,
)
from bot.domain.models import (
    Agency,
    ElementType,
    Indicator,
    Period,
    Programme,
    Submission,
    ValueStatus,
)
from bot.domain.periods import previous_period_code
from bot.domain.progress import averaged_in, judge
from bot.domain.summary import AgencyReport, IndicatorSummary, Summary
from bot.domain.summary_text import numbered
from bot.services import obligations
from bot.services.columns import Snapshot, read_columns, read_snapshots
from storage import Storage


@dataclass(frozen=True)
class _Compared:
    """The snapshots an indicator is read from: the period's, the one before and the baseline year's."""

    current: Snapshot
    previous: Snapshot | None
    baseline: Snapshot | None
    yearly: Mapping[str, Mapping[int, float]]  # period-average indicators: their values in earlier years


@dataclass(frozen=True)
class _Remarks:
    """What people wrote beside the figures of a period: notes per element code, and the /ask questions
    with their answers per indicator code."""

    notes: Mapping[str, list[Figure]]
    asked: Mapping[str, list[tuple[str, str, str | None]]]


async def build_summary(storage: Storage, period: Period, now: datetime | None = None) -> Summary:
    """The summary of one period: every indicator aggregated and assessed, and who has reported."""
    programme = await storage.catalogue.programme_by_id(period.programme_id)
    assert programme is not None
    previous_code = previous_period_code(period.code)
    earlier = await storage.periods.get(programme.id, previous_code) if previous_code else None
    baseline_period = await _baseline_period(storage, programme, period)
    compared_periods = [p for p in (period, earlier, baseline_period) if p is not None]
    read = [p.id for p in compared_periods]
    # Each period is owed by the units that existed on its day (districts for 2024, communes for 2025), and
    # a merger counts only from its date: the same indicator, each period complete on its own terms.
    everyone = await storage.agencies.all()
    structure = Structure.of(everyone)
    by_period = {
        p.id: await obligations.reporters_on(storage, programme, obligations.period_day(p), structure)
        for p in compared_periods
    }
    successors_by = {p.id: successor_map(everyone, obligations.period_day(p)) for p in compared_periods}
    reporters, successors = by_period[period.id], successors_by[period.id]
    # The GROUP BYs take longest: each period's runs on a read-only connection of its own, and the rest of
    # the catalogue is read on the main connection meanwhile.
    built, indicators, element_list = await asyncio.gather(
        read_columns(storage, read, reporters, by_period=by_period),
        storage.catalogue.indicators(programme.id),
        storage.catalogue.elements(programme.id),
    )
    elements = {element.code: element for element in element_list}
    types = {code: element.type for code, element in elements.items()}
    snapshots = await read_snapshots(
        storage, built, indicators, reporters, successors, types, by_period=by_period, successors_by=successors_by
    )
    compared = _Compared(
        current=snapshots[period.id],
        previous=snapshots[earlier.id] if earlier else None,
        baseline=snapshots[baseline_period.id] if baseline_period else None,
        yearly=await _earlier_years(storage, period, indicators, reporters, successors, types),
    )
    remarks = await _read_remarks(storage, period.id)
    submissions = await storage.values.submissions(period.id)
    # Every read is done. Aggregating and assessing a province's indicators is CPU work: a worker thread
    # does it, so that replies to everyone else go on meanwhile. Nothing it reads changes while it runs.
    summaries, reports = await asyncio.to_thread(
        _assess_all, indicators, programme, period, compared, remarks, successors, everyone, reporters, submissions
    )
    reviews = await storage.reviews.for_period(period.id)
    reports = [replace(report, review=reviews.get(report.agency.code)) for report in reports]
    estimates = (await storage.figures.status_counts(period.id)).get(ValueStatus.ESTIMATE.value, 0)
    confidences = await storage.figures.confidences(period.id)
    summaries = [replace(item, confidence=confidences.get(item.indicator.code)) for item in summaries]
    return Summary(
        programme,
        period,
        previous_code if earlier else None,
        summaries,
        reports,
        elements,
        now or datetime.now(UTC),
        estimates,
    )


def _assess_all(
    indicators: list[Indicator],
    programme: Programme,
    period: Period,
    compared: _Compared,
    remarks: _Remarks,
    successors: Mapping[str, str],
    everyone: list[Agency],
    reporters: Mapping[str, frozenset[str]],
    submissions: Mapping[str, Submission],
) -> tuple[list[IndicatorSummary], list[AgencyReport]]:
    """The pure part of a summary, after the reads: each indicator assessed, each agency's report."""
    summaries = [
        _indicator_summary(indicator, programme, period, compared, remarks, successors) for indicator in indicators
    ]
    agencies = {agency.code: agency for agency in everyone}
    return summaries, _agency_reports(agencies, reporters, compared.current.columns, submissions)


async def _baseline_period(storage: Storage, programme: Programme, period: Period) -> Period | None:
    """The period of the programme's baseline year, when that year comes before this period's."""
    if programme.baseline_year is None or programme.baseline_year >= period.starts_on.year:
        return None
    return await storage.periods.get(programme.id, str(programme.baseline_year))


async def _read_remarks(storage: Storage, period_id: int) -> _Remarks:
    """The period's notes and /ask explanations, grouped for the indicators."""
    notes: defaultdict[str, list[Figure]] = defaultdict(list)
    for figure in await storage.values.notes(period_id):
        notes[figure.element_code].append(figure)
    asked: dict[str, list[tuple[str, str, str | None]]] = {}
    for explanation in await storage.explanations.for_period(period_id):
        asked.setdefault(explanation.indicator_code, []).append(
            (explanation.agency_code, explanation.question, explanation.answer)
        )
    return _Remarks(notes, asked)


def _indicator_summary(
    indicator: Indicator,
    programme: Programme,
    period: Period,
    compared: _Compared,
    remarks: _Remarks,
    successors: Mapping[str, str],
) -> IndicatorSummary:
    """One indicator aggregated for the period, beside the period before and the baseline, with the notes
    on the figures it used (an agency's or its successor's) and the explanations asked of it."""
    result = aggregate(indicator, compared.current.columns, compared.current.rolled)
    previous = None
    if compared.previous is not None:
        previous = aggregate(indicator, compared.previous.columns, compared.previous.rolled).value
    baseline = _baseline(indicator, programme, compared.baseline)
    return IndicatorSummary(
        indicator=indicator,
        aggregate=result,
        assessment=judge(indicator, period, result.value, previous, baseline, compared.yearly.get(indicator.code, {})),
        previous=previous,
        baseline=baseline,
        value_status=ValueStatus(result.status) if result.status else None,
        notes=tuple(
            (figure.agency_code, figure.note)
            for code in indicator.element_codes
            for figure in remarks.notes.get(code, ())
            if figure.note and successors.get(figure.agency_code, figure.agency_code) in result.covered_agencies
        ),
        explanations=tuple(remarks.asked.get(indicator.code, ())),
    )


async def _earlier_years(
    storage: Storage,
    period: Period,
    indicators: list[Indicator],
    reporters: Mapping[str, frozenset[str]],
    successors: Mapping[str, str],
    types: Mapping[str, ElementType],
) -> dict[str, dict[int, float]]:
    """Each period-average indicator's value in every year from its `since` to the year before this
    period, from the programme's year periods; a year without a period or a value is simply absent. Only
    the few elements these indicators read are loaded, answer by answer, and aggregated as usual."""
    averaged = [indicator for indicator in indicators if averaged_in(indicator, period)]
    found: dict[str, dict[int, float]] = {indicator.code: {} for indicator in averaged}
    if not averaged:
        return found
    codes = sorted({code for indicator in averaged for code in indicator.element_codes})
    assigned = {code: reporters.get(code, frozenset()) for code in codes}
    for year in range(min(indicator.since or 0 for indicator in averaged), period.ends_on.year):
        earlier = await storage.periods.get(period.programme_id, str(year))
        if earlier is None:
            continue
        rolled = roll_up(await storage.values.figures(earlier.id, codes), successors, types)
        built = columns(rolled, assigned)
        for indicator in averaged:
            value = aggregate(indicator, built, rolled).value
            if value is not None and year >= (indicator.since or 0):
                found[indicator.code][year] = value
    return found


def _baseline(indicator: Indicator, programme: Programme, snapshot: Snapshot | None) -> tuple[int, float] | None:
    """The catalogue's baseline, else the value aggregated for the programme's baseline year."""
    if indicator.baseline_year is not None and indicator.baseline_value is not None:
        return indicator.baseline_year, indicator.baseline_value
    if snapshot is None or programme.baseline_year is None:
        return None
    value = aggregate(indicator, snapshot.columns, snapshot.rolled).value
    return (programme.baseline_year, value) if value is not None else None


def _agency_reports(
    agencies: Mapping[str, Agency],
    reporters: Mapping[str, frozenset[str]],
    found: Mapping[str, Column],
    submissions: Mapping[str, Submission],
) -> list[AgencyReport]:
    """Per agency that owes anything: how many items, which are still without a figure (in catalogue order)."""
    # Elements with the same reporters (every "@district" element) share a count: a province's hundred
    # elements make a handful of distinct sets, so this costs agencies × sets, not agencies × elements.
    owed: Counter[str] = Counter()
    for agencies_of, elements_of in Counter(reporters.values()).items():
        for agency in agencies_of:
            owed[agency] += elements_of
    missing: defaultdict[str, list[str]] = defaultdict(list)
    for code in reporters:  # catalogue order
        for agency in found[code].unanswered:
            missing[agency].append(code)
    reports = [
        AgencyReport(agencies[code], submissions.get(code), count, tuple(missing.get(code, ())))
        for code, count in owed.items()
        if code in agencies
    ]
    reports.sort(key=lambda report: (report.agency.kind.value, report.agency.code))
    return reports


async def find_period(storage: Storage, code: str | None, programme_code: str | None = None) -> list[Period]:
    """Periods matching a code (or the most recent open or closed one per programme when no code)."""
    periods = await storage.periods.all()
    if programme_code:
        periods = [p for p in periods if p.programme_code == programme_code]
    if code:
        return [p for p in periods if p.code == code.strip().upper()]
    latest: dict[int, Period] = {}
    for period in periods:  # newest first
        latest.setdefault(period.programme_id, period)
    return list(latest.values())


async def period_by_id(storage: Storage, period_id: int) -> Period | None:
    """The period a button names, or None when it no longer exists."""
    return await storage.periods.by_id(period_id)


@dataclass(frozen=True)
class IndicatorAnswers:
    """One indicator of a summary with every answer given to its elements: its detail page."""

    summary: Summary
    item: IndicatorSummary
    figures: list[Figure]


async def indicator_answers(storage: Storage, period: Period, number: int) -> IndicatorAnswers | None:
    """Indicator `number` of the period's summary (numbered as the summary shows them) with the answers to
    its elements; None when the summary has no such number."""
    summary = await build_summary(storage, period)
    item = dict(numbered(summary)).get(number)
    if item is None:
        return None
    return IndicatorAnswers(summary, item, await storage.values.figures(period.id, item.indicator.element_codes))


async def every_answer(storage: Storage, period: Period) -> list[Figure]:
    """Every answer of the period, by agency then in catalogue order: the Excel export's sheet of figures."""
    return await storage.values.figures(period.id)
