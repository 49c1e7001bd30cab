"""The provincial summary of one period: every indicator aggregated and assessed against its target, and
who has reported. Storage is read a fixed number of times per summary (never once per agency): the
period's answers are streamed once as light rows, then everything is computed in memory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.domain.aggregation import Aggregate, Figure, RolledUp, aggregate, roll_up
from bot.domain.models import (
    Agency,
    Answer,
    DataElement,
    Indicator,
    Period,
    Programme,
    Submission,
    ValueStatus,
)
from bot.domain.periods import previous_period_code
from bot.domain.progress import Assessment, assess
from storage import Storage

STATUS_ORDER = (ValueStatus.ESTIMATE, ValueStatus.PRELIMINARY, ValueStatus.OFFICIAL)


@dataclass(frozen=True)
class IndicatorSummary:
    indicator: Indicator
    aggregate: Aggregate
    assessment: Assessment
    previous: float | None
    baseline: tuple[int, float] | None
    value_status: ValueStatus | None  # the least final status among the figures used
    notes: tuple[tuple[str, str], ...]  # (agency code, note) on the figures used
    explanations: tuple[tuple[str, str, str | None], ...] = ()  # (agency code, question, answer) of /ask

    @property
    def value(self) -> float | None:
        return self.aggregate.value


@dataclass(frozen=True)
class AgencyReport:
    agency: Agency
    submission: Submission | None
    owed: int
    missing: tuple[str, ...]  # element codes without a figure


@dataclass(frozen=True)
class Summary:
    programme: Programme
    period: Period
    previous_code: str | None
    indicators: list[IndicatorSummary]
    agencies: list[AgencyReport]
    elements: dict[str, DataElement]
    figures: list[Figure]  # the raw answers, for details and exports
    generated_at: datetime

    @property
    def submitted(self) -> list[AgencyReport]:
        return [a for a in self.agencies if a.submission is not None]

    @property
    def on_time(self) -> list[AgencyReport]:
        return [a for a in self.submitted if a.submission is not None and a.submission.on_time]

    @property
    def late(self) -> list[AgencyReport]:
        return [a for a in self.submitted if a.submission is not None and not a.submission.on_time]

    @property
    def not_submitted(self) -> list[AgencyReport]:
        return [a for a in self.agencies if a.submission is None]


async def build_summary(storage: Storage, period: Period) -> Summary:
    programme = await storage.catalogue.programme_by_id(period.programme_id)
    assert programme is not None
    indicators = await storage.catalogue.indicators(programme.id)
    elements = {element.code: element for element in await storage.catalogue.elements(programme.id)}
    types = {code: element.type for code, element in elements.items()}
    agencies = {agency.code: agency for agency in await storage.agencies.all()}
    successors = await storage.agencies.successor_map()
    assignments = await storage.catalogue.assignments(programme.id)
    expected: dict[str, list[str]] = {}
    for agency_code, codes in assignments.items():
        for code in codes:
            expected.setdefault(code, []).append(agency_code)

    figures = await storage.values.figures(period.id)
    rolled = roll_up(figures, successors, types)

    previous_code = previous_period_code(period.code)
    previous_rolled = None
    earlier = await storage.periods.get(programme.id, previous_code) if previous_code else None
    if earlier is not None:
        previous_rolled = roll_up(await storage.values.figures(earlier.id), successors, types)
    baseline_rolled = None
    if programme.baseline_year is not None and programme.baseline_year < period.starts_on.year:
        baseline_period = await storage.periods.get(programme.id, str(programme.baseline_year))
        if baseline_period is not None:
            baseline_rolled = roll_up(await storage.values.figures(baseline_period.id), successors, types)

    by_element: dict[str, list[Figure]] = {}
    for figure in figures:
        by_element.setdefault(figure.element_code, []).append(figure)

    asked: dict[str, list[tuple[str, str, str | None]]] = {}
    for explanation in await storage.explanations.for_period(period.id):
        asked.setdefault(explanation.indicator_code, []).append(
            (explanation.agency_code, explanation.question, explanation.answer)
        )
    summaries = []
    for indicator in indicators:
        result = aggregate(indicator, rolled, expected)
        previous = aggregate(indicator, previous_rolled, expected).value if previous_rolled else None
        baseline = _baseline(indicator, programme, baseline_rolled, expected)
        covered = set(result.covered)
        used = [
            figure
            for code in indicator.element_codes
            for figure in by_element.get(code, ())
            if successors.get(figure.agency_code, figure.agency_code) in covered
        ]
        summaries.append(
            IndicatorSummary(
                indicator=indicator,
                aggregate=result,
                assessment=assess(indicator, result.value, period.ends_on.year, previous, baseline),
                previous=previous,
                baseline=baseline,
                value_status=_least_final(used),
                notes=tuple((f.agency_code, f.note) for f in used if f.note),
                explanations=tuple(asked.get(indicator.code, ())),
            )
        )
    submissions = await storage.values.submissions(period.id)
    reports = [
        _agency_report(agencies[code], codes, rolled, submissions.get(code))
        for code, codes in assignments.items()
        if code in agencies
    ]
    reports.sort(key=lambda report: (report.agency.kind.value, report.agency.code))
    return Summary(
        programme, period, previous_code if earlier else None, summaries, reports, elements, figures, datetime.now(UTC)
    )


def _baseline(
    indicator: Indicator, programme: Programme, rolled: RolledUp | None, expected: dict[str, list[str]]
) -> tuple[int, float] | None:
    """The catalogue's baseline, else the value aggregated for the programme's baseline year."""
    if indicator.baseline_year is not None and indicator.baseline_value is not None:
        return indicator.baseline_year, indicator.baseline_value
    if rolled is None or programme.baseline_year is None:
        return None
    value = aggregate(indicator, rolled, expected).value
    return (programme.baseline_year, value) if value is not None else None


def _least_final(figures: list[Figure]) -> ValueStatus | None:
    statuses = [ValueStatus(f.status) for f in figures if f.answer == Answer.VALUE]
    return min(statuses, key=STATUS_ORDER.index) if statuses else None


def _agency_report(agency: Agency, codes: list[str], rolled: RolledUp, submission: Submission | None) -> AgencyReport:
    missing = tuple(
        code
        for code in codes
        if (agency.code, code) not in rolled.figures and (agency.code, code) not in rolled.not_applicable
    )
    return AgencyReport(agency, submission, len(codes), missing)


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
