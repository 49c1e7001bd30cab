"""What a provincial summary holds: each indicator aggregated and assessed, and each agency's report.

Built by `bot.services.summary`; read by the texts (`summary_text`), the files (`bot.files`) and the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.aggregation import Aggregate
from bot.domain.models import Agency, DataElement, Indicator, Period, Programme, Submission, ValueStatus
from bot.domain.progress import Assessment
from bot.domain.review import Confidence, Review, ReviewState, disagrees


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
    confidence: Confidence | None = None  # the lead agency's own view of how it is going

    @property
    def disagreement(self) -> bool:
        """Whether the lead agency's confidence contradicts the computed status."""
        return self.confidence is not None and disagrees(self.confidence.level, self.assessment.status)

    @property
    def value(self) -> float | None:
        return self.aggregate.value


@dataclass(frozen=True)
class AgencyReport:
    agency: Agency
    submission: Submission | None
    owed: int
    missing: tuple[str, ...]  # element codes without a figure
    review: Review | None = None  # the consolidating agency's decision: accepted, returned (None: none yet)

    @property
    def review_state(self) -> ReviewState | None:
        """Accepted or returned; None while the report waits for review or was never submitted."""
        if self.review is None or self.review.state is ReviewState.SUBMITTED:
            return None
        return self.review.state


@dataclass(frozen=True)
class Summary:
    programme: Programme
    period: Period
    previous_code: str | None
    indicators: list[IndicatorSummary]
    agencies: list[AgencyReport]
    elements: dict[str, DataElement]
    generated_at: datetime
    estimates: int = 0  # figures of the period still estimates (ước tính)

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

    @property
    def accepted(self) -> list[AgencyReport]:
        """Reports the consolidating agency accepted (their figures locked)."""
        return [a for a in self.agencies if a.review_state is ReviewState.ACCEPTED]

    @property
    def returned(self) -> list[AgencyReport]:
        """Reports the consolidating agency returned, owed again."""
        return [a for a in self.agencies if a.review_state is ReviewState.RETURNED]
