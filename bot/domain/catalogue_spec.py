"""The programme catalogue's shape: what a province tracks, as frozen pydantic models.

Each model checks what it can see on its own (a code's pattern, a range that is ordered, a formula that
fits its aggregation); checks across items (a reference to an element, a reporter that is a known agency)
are made in `bot.domain.catalogue`, which parses the files.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from bot.domain.models import (
    Aggregation,
    Comparator,
    Direction,
    ElementType,
    Judged,
    PathKind,
    PeriodKind,
    TargetKind,
)
from bot.domain.spec_parsing import Spec
from bot.domain.units import UNIT_TABLE, has_english_form

AREAS = ("economy", "society", "environment", "infrastructure", "security")
GROUP_PREFIX = "@"  # "@district" in reporters means every active agency of that kind
# A year a baseline or a milestone can name. Unbounded, 10**30 would pass validation and then fail in
# SQLite (integers are 64-bit) with a traceback instead of a line.
Year = Annotated[int, Field(ge=1900, le=2100)]


class TargetSpec(Spec):
    comparator: Comparator
    value: float
    year: int = Field(ge=2000, le=2100)


class BaselineSpec(Spec):
    year: Year
    value: float


class ReportingSpec(Spec):
    """Who reports to whom and by when, as the document states it. No rule is invented: a document that
    names no deadline leaves `deadline` empty, and each period is then opened with an explicit one."""

    frequency: PeriodKind = PeriodKind.ANNUAL
    # The month-day reports must arrive *before*, as documents word it ("trước ngày 05 tháng 12"): a period's
    # last day on time is the day before (bot.domain.periods.default_deadline).
    # None when the document states no deadline: a period then needs one given (docs/CATALOGUES.md).
    deadline: str | None = Field(default=None, pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
    report_to: str | None = None


class ProgrammeSpec(Spec):
    code: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
    title_vi: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    document: str = ""
    issued_on: date | None = None
    horizon_year: int = Field(ge=2000, le=2100)
    baseline_year: Year | None = None
    reporting: ReportingSpec = ReportingSpec()


def _known_unit(unit: str) -> str:
    """A unit with an English form in the shared table, so that no English reader is shown Vietnamese."""
    if not has_english_form(unit):
        raise ValueError(f"unit {unit!r} has no English form: add it to bot/catalogues/{UNIT_TABLE}")
    return unit


class ElementSpec(Spec):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_]{0,59}$")
    name_vi: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    type: ElementType
    unit: str = ""
    min: float | None = None
    max: float | None = None
    reporters: tuple[str, ...] = Field(min_length=1)

    _unit_has_english = field_validator("unit")(_known_unit)

    @model_validator(mode="after")
    def _range_is_ordered(self) -> ElementSpec:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is greater than max")
        return self


class IndicatorSpec(Spec):
    code: str = Field(pattern=r"^[A-Z0-9][A-Z0-9_.-]{0,39}$")
    area: str
    name_vi: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    unit: str = ""
    target: TargetSpec | None = None
    target_text_vi: str = ""
    target_text_en: str = ""
    kind: TargetKind = TargetKind.LEVEL
    direction: Direction = Direction.HIGHER
    path: PathKind = PathKind.LINEAR
    baseline: BaselineSpec | None = None
    milestones: dict[Year, float] = {}  # noqa: RUF012 - a pydantic field (Spec is a BaseModel): copied per instance
    # `judged: average` with `since: 2021`: the target is an average over the years from `since` ("bình quân
    # trên 9%/năm" for 2021-2030), judged on the mean of the yearly values reported so far (see
    # bot.domain.progress), not on one year alone.
    judged: Judged = Judged.YEAR
    since: Year | None = None
    aggregation: Aggregation
    element: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    weight: str | None = None
    factor: float = 1.0
    lead: str | None = None
    section: str = ""  # where the document states it, e.g. "II.2"
    quote: str = ""  # the document's own words for it, verbatim

    _unit_has_english = field_validator("unit")(_known_unit)

    @field_validator("area")
    @classmethod
    def _known_area(cls, area: str) -> str:
        if area not in AREAS:
            raise ValueError(f"area must be one of {', '.join(AREAS)}")
        return area

    @model_validator(mode="after")
    def _formula_fits_aggregation(self) -> IndicatorSpec:
        if self.aggregation is Aggregation.RATIO:
            if not (self.numerator and self.denominator) or self.element:
                raise ValueError("a ratio needs numerator and denominator (and no element)")
        elif not self.element or self.numerator or self.denominator:
            raise ValueError(f"aggregation {self.aggregation.value} needs element (and no ratio)")
        if (self.aggregation is Aggregation.WEIGHTED_MEAN) != bool(self.weight):
            raise ValueError("weight is needed by, and only by, weighted_mean")
        if self.aggregation is Aggregation.SINGLE and not self.lead:
            raise ValueError("single-source aggregation needs a lead agency")
        return self

    @model_validator(mode="after")
    def _average_has_its_years(self) -> IndicatorSpec:
        if self.judged is Judged.AVERAGE:
            if self.since is None or self.target is None:
                raise ValueError("judged: average needs since (the first year averaged) and a target")
            if self.since > self.target.year:
                raise ValueError("since is after the target year")
        elif self.since is not None:
            raise ValueError("since is only for judged: average")
        return self


class TaskSpec(Spec):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_]{0,59}$")
    name_vi: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    type: ElementType = ElementType.TASK
    due_on: date | None = None
    lead: str
    reporters: tuple[str, ...] = ()
    section: str = ""
    quote: str = ""  # the document's own words for it, verbatim

    @model_validator(mode="after")
    def _is_task_or_milestone(self) -> TaskSpec:
        if self.type not in (ElementType.TASK, ElementType.MILESTONE):
            raise ValueError("a task's type is task or milestone")
        return self

    @property
    def reporting_agencies(self) -> tuple[str, ...]:
        return self.reporters or (self.lead,)


class CatalogueSpec(Spec):
    programme: ProgrammeSpec
    elements: tuple[ElementSpec, ...] = ()
    indicators: tuple[IndicatorSpec, ...] = ()
    tasks: tuple[TaskSpec, ...] = ()
