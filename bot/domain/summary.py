"""What a provincial summary holds: each indicator aggregated and assessed, and each agency's report.

Built by `bot.services.summary`; read by the texts (`summary_text`), the files (`bot.files`) and the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.aggregation import Aggregate
from bot.domain.models import Agency, DataElement, Indicator, Period, Programme, Submission, ValueStatus
from bot.domain.progress import Assessment


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
