"""The domain model: what the province tracks (indicators), what people type (data elements), who
reports (agencies), when (periods) and what they said (values).

Plain pydantic models with no I/O. Storage returns them; the pure core takes and returns them.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Comparator(StrEnum):
    GT = ">"
    GE = ">="
    LT = "<"
    LE = "<="
    EQ = "="
    APPROX = "~"


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


class TargetKind(StrEnum):
    """A level is where the value should stand (beds per 10,000); a rate is per year (GRDP growth)."""

    LEVEL = "level"
    RATE = "rate"


class PathKind(StrEnum):
    """How an indicator is expected to travel from its baseline to its target."""

    LINEAR = "linear"  # levels: the same step every year
    COMPOUND = "compound"  # growth-type: the same growth rate every year (GRDP per capita)


class Judged(StrEnum):
    """What a target is judged on: the period's own value, or the average of the yearly values since the
    programme's base period ("tăng trưởng GRDP bình quân trên 9%/năm" over 2021-2030)."""

    YEAR = "year"
    AVERAGE = "average"


class Aggregation(StrEnum):
    SUM = "sum"
    RATIO = "ratio"  # ratio of sums: sum(numerator) / sum(denominator) * factor
    WEIGHTED_MEAN = "weighted_mean"  # sum(value * weight) / sum(weight)
    SINGLE = "single"  # the lead agency's value
    MIN = "min"
    MAX = "max"
    LATEST = "latest"  # the most recently updated value


class ElementType(StrEnum):
    NUMBER = "number"
    COUNT = "count"
    PERCENT = "percent"
    MILESTONE = "milestone"  # yes / no
    TASK = "task"  # status + percent done + narrative


class TaskStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DELAYED = "delayed"


class AgencyKind(StrEnum):
    DEPARTMENT = "department"
    DISTRICT = "district"  # district-level units (huyện, thị xã, thành phố thuộc tỉnh), abolished 2025-07-01
    COMMUNE = "commune"  # commune-level units: xã,
    WARD = "ward"  # phường
    SPECIAL_ZONE = "special_zone"  # and đặc khu
    OTHER = "other"


# The kinds of local government below the province: `@local` names those of the current level.
LOCAL_KINDS = frozenset({AgencyKind.DISTRICT, AgencyKind.COMMUNE, AgencyKind.WARD, AgencyKind.SPECIAL_ZONE})


class AgencyStatus(StrEnum):
    ACTIVE = "active"
    MERGED = "merged"  # into one successor (successor_code)
    RETIRED = "retired"  # without a successor
    ABOLISHED = "abolished"  # its area taken over by several successors (Agency.successors)


class PeriodKind(StrEnum):
    ANNUAL = "annual"
    SEMIANNUAL = "semiannual"
    QUARTERLY = "quarterly"
    MONTHLY = "monthly"
    AD_HOC = "ad_hoc"


class PeriodState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    LOCKED = "locked"


class Role(StrEnum):
    ADMIN = "admin"
    FOCAL = "focal"
    BACKUP = "backup"
    VIEWER = "viewer"


class ValueStatus(StrEnum):
    """How final a figure is; statistics offices publish estimates first."""

    ESTIMATE = "estimate"
    PRELIMINARY = "preliminary"
    OFFICIAL = "official"


class Answer(StrEnum):
    """What kind of answer a stored value is."""

    VALUE = "value"
    SKIPPED = "skipped"
    NOT_APPLICABLE = "not_applicable"


class Target(Frozen):
    comparator: Comparator
    value: float
    year: int


class Programme(Frozen):
    id: int
    code: str
    title_vi: str
    title_en: str
    document: str = ""
    issued_on: date | None = None
    horizon_year: int
    baseline_year: int | None = None
    report_frequency: PeriodKind = PeriodKind.ANNUAL
    report_deadline: str = ""  # month-day of the document's deadline; "" when it states none
    report_to: str | None = None


class DataElement(Frozen):
    id: int
    programme_id: int
    code: str
    name_vi: str
    name_en: str
    type: ElementType
    unit: str = ""
    min_value: float | None = None
    max_value: float | None = None
    due_on: date | None = None  # tasks and milestones
    lead_agency: str | None = None
    position: int = 0
    active: bool = True

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_vi


class Indicator(Frozen):
    id: int
    programme_id: int
    code: str
    area: str
    name_vi: str
    name_en: str
    unit: str
    target: Target | None
    target_text_vi: str = ""
    target_text_en: str = ""
    kind: TargetKind = TargetKind.LEVEL
    direction: Direction = Direction.HIGHER
    path: PathKind = PathKind.LINEAR
    baseline_year: int | None = None
    baseline_value: float | None = None
    milestones: dict[int, float] = {}
    judged: Judged = Judged.YEAR
    since: int | None = None  # the first year a period-average target averages (judged: average)
    aggregation: Aggregation
    element: str | None = None  # the data element for sum/single/min/max/latest/weighted_mean
    numerator: str | None = None
    denominator: str | None = None
    weight: str | None = None
    factor: float = 1.0
    lead_agency: str | None = None
    position: int = 0
    active: bool = True

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_vi

    @property
    def element_codes(self) -> tuple[str, ...]:
        """Data elements this indicator reads, in formula order."""
        codes = (self.element, self.numerator, self.denominator, self.weight)
        return tuple(code for code in codes if code)


class FormerName(Frozen):
    """A name an agency had until a rename took effect on `until`."""

    until: date
    name_vi: str
    name_en: str


class Agency(Frozen):
    id: int
    code: str
    name_vi: str
    name_en: str
    kind: AgencyKind
    parent_code: str | None = None
    valid_from: date | None = None  # the first day it exists
    valid_to: date | None = None  # the first day it no longer exists (the day of its merger or abolition)
    status: AgencyStatus = AgencyStatus.ACTIVE
    successor_code: str | None = None
    province: str | None = None  # the province or city it belongs to (HAI-DUONG, HAI-PHONG...)
    formed_from: tuple[str, ...] = ()  # the former units it was formed from, as the resolution names them
    successors: tuple[str, ...] = ()  # an abolished unit's: those that took over its area
    former_names: tuple[FormerName, ...] = ()

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_vi

    def name_on(self, locale: str, day: date) -> str:
        """Its name on a date: the one it had then, if a rename came later."""
        for former in sorted(self.former_names, key=lambda former: former.until):
            if day < former.until:
                return former.name_en if locale == "en" else former.name_vi
        return self.name(locale)

    def exists_on(self, day: date) -> bool:
        """Whether it existed on that day (valid_from inclusive, valid_to exclusive)."""
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day < self.valid_to)


class Period(Frozen):
    id: int
    programme_id: int
    programme_code: str
    code: str
    kind: PeriodKind
    starts_on: date
    ends_on: date
    deadline: date
    state: PeriodState
    ad_hoc: bool = False


class User(Frozen):
    telegram_id: int
    full_name: str = ""
    username: str | None = None
    locale: str | None = None
    role: Role | None = None
    started_at: datetime | None = None
    unreachable_since: datetime | None = None
    paused_until: date | None = None


class Membership(Frozen):
    user_id: int
    agency_code: str
    primary: bool


class Invite(Frozen):
    token: str
    agency_code: str | None
    role: Role
    created_at: datetime
    expires_at: datetime
    used_by: int | None = None
    used_at: datetime | None = None


class Value(Frozen):
    """One agency's current answer for one data element in one period."""

    period_id: int
    agency_code: str
    element_code: str
    answer: Answer = Answer.VALUE
    number: float | None = None
    text: str | None = None  # task status, milestone "yes"/"no"
    note: str | None = None
    status: ValueStatus = ValueStatus.PRELIMINARY
    version: int = 1
    updated_by: int | None = None
    updated_at: datetime


class ValueChange(Frozen):
    """One row of the append-only audit trail."""

    period_id: int
    agency_code: str
    element_code: str
    version: int
    old_answer: Answer | None
    old_number: float | None
    old_text: str | None
    new_answer: Answer
    new_number: float | None
    new_text: str | None
    note: str | None
    status: ValueStatus
    changed_by: int | None
    changed_at: datetime


class Submission(Frozen):
    period_id: int
    agency_code: str
    submitted_at: datetime
    submitted_by: int | None
    on_time: bool
