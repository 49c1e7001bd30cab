"""Programme catalogues: the human-edited YAML files that say what a province tracks.

A catalogue is validated by pydantic and every problem is reported with the file, the line and the field,
so that an officer who mistyped a comparator is told where. Cross-references (an indicator naming a data
element that does not exist, a reporter that is not a known agency) are checked here too, with lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.domain.models import (
    AgencyKind,
    Aggregation,
    Comparator,
    Direction,
    ElementType,
    PathKind,
    PeriodKind,
    TargetKind,
)

SpecT = TypeVar("SpecT", bound="Spec")
AREAS = ("economy", "society", "environment", "infrastructure", "security")
GROUP_PREFIX = "@"  # "@district" in reporters means every active agency of that kind


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TargetSpec(Spec):
    comparator: Comparator
    value: float
    year: int = Field(ge=2000, le=2100)


class BaselineSpec(Spec):
    year: int
    value: float


class ReportingSpec(Spec):
    frequency: PeriodKind = PeriodKind.ANNUAL
    deadline: str = Field(default="12-05", pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
    report_to: str | None = None


class ProgrammeSpec(Spec):
    code: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
    title_vi: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    document: str = ""
    issued_on: date | None = None
    horizon_year: int = Field(ge=2000, le=2100)
    baseline_year: int | None = None
    reporting: ReportingSpec = ReportingSpec()


class ElementSpec(Spec):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_]{0,59}$")
    name_vi: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    type: ElementType
    unit: str = ""
    min: float | None = None
    max: float | None = None
    reporters: tuple[str, ...] = Field(min_length=1)

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
    milestones: dict[int, float] = {}
    aggregation: Aggregation
    element: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    weight: str | None = None
    factor: float = 1.0
    lead: str | None = None

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


class TaskSpec(Spec):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_]{0,59}$")
    name_vi: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    type: ElementType = ElementType.TASK
    due_on: date | None = None
    lead: str
    reporters: tuple[str, ...] = ()
    section: str = ""

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


class AgencySpec(Spec):
    code: str = Field(pattern=r"^[A-Z0-9][A-Z0-9_-]{0,29}$")
    name_vi: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    kind: AgencyKind
    parent: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None


class AgencyListSpec(Spec):
    agencies: tuple[AgencySpec, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Problem:
    line: int | None
    field: str
    message: str


@dataclass
class CatalogueError(Exception):
    """A catalogue file that cannot be loaded; nothing was changed."""

    source: str
    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(
            f"{self.source}:{problem.line or '?'}: {problem.field}: {problem.message}"
            if problem.field
            else f"{self.source}:{problem.line or '?'}: {problem.message}"
            for problem in self.problems
        )


Locator = Callable[[tuple[str | int, ...]], int | None]
Namer = Callable[[tuple[str | int, ...]], str]


@dataclass(frozen=True)
class Parsed(Generic[SpecT]):
    spec: SpecT
    source: str
    line_of: Locator  # where an item is: a line of YAML, a row of a sheet
    field_of: Namer = field(default=lambda loc: _dotted(loc))  # how to name a field in a message


def parse_catalogue(text: str, source: str) -> Parsed[CatalogueSpec]:
    """Validate catalogue YAML; raise CatalogueError with lines for every problem found."""
    data, line_of = _load_yaml(text, source)
    return parse_catalogue_data(data, source, line_of)


def parse_catalogue_data(
    data: object, source: str, line_of: Locator, field_of: Namer | None = None
) -> Parsed[CatalogueSpec]:
    """Validate a catalogue already read into plain data (from YAML or a workbook)."""
    parsed = _validate(data, source, CatalogueSpec, line_of, field_of or _dotted)
    problems = _internal_reference_problems(parsed.spec, parsed.line_of, parsed.field_of)
    if problems:
        raise CatalogueError(source, problems)
    return parsed


def parse_agencies(text: str, source: str) -> Parsed[AgencyListSpec]:
    """Validate an agency list YAML; raise CatalogueError with lines."""
    data, line_of = _load_yaml(text, source)
    parsed = _validate(data, source, AgencyListSpec, line_of, _dotted)
    problems = _duplicates(
        ((("agencies", index, "code"), spec.code) for index, spec in enumerate(parsed.spec.agencies)),
        parsed.line_of,
        parsed.field_of,
    )
    if problems:
        raise CatalogueError(source, problems)
    return parsed


def read_catalogue_file(path: Path) -> Parsed[CatalogueSpec]:
    return parse_catalogue(_read(path), str(path))


def read_agency_file(path: Path) -> Parsed[AgencyListSpec]:
    return parse_agencies(_read(path), str(path))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogueError(str(path), [Problem(None, "", "file not found")]) from None
    except UnicodeDecodeError:
        raise CatalogueError(str(path), [Problem(None, "", "not UTF-8 text")]) from None
    except OSError as error:
        raise CatalogueError(str(path), [Problem(None, "", error.strerror or str(error))]) from None


def _load_yaml(text: str, source: str) -> tuple[object, Locator]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(error, "problem", None) or str(error)
        raise CatalogueError(source, [Problem(line, "", f"YAML syntax: {reason}")]) from None

    def line_of(loc: tuple[str | int, ...]) -> int | None:
        return _line_of(root, loc)

    return data, line_of


def _validate(data: object, source: str, model: type[SpecT], line_of: Locator, field_of: Namer) -> Parsed[SpecT]:
    if not isinstance(data, dict):
        raise CatalogueError(source, [Problem(1, "", "expected a mapping at the top level")])
    try:
        spec = model.model_validate(data)
    except ValidationError as error:
        problems = [
            Problem(line_of(tuple(item["loc"])), field_of(tuple(item["loc"])), _message(item))
            for item in error.errors()
        ]
        raise CatalogueError(source, problems) from None
    return Parsed(spec, source, line_of, field_of)


def _message(item: Any) -> str:
    return str(item["msg"]).removeprefix("Value error, ")


def _dotted(loc: Iterable[str | int]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _line_of(node: yaml.Node | None, loc: tuple[str | int, ...]) -> int | None:
    """The 1-based line of the deepest YAML node that `loc` reaches."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if str(key.value) == str(part):
                    child = value
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if 0 <= part < len(node.value) else None
        if child is None:
            return line
        node, line = child, child.start_mark.line + 1
    return line


def _duplicates(
    entries: Iterable[tuple[tuple[str | int, ...], str]], line_of: Locator, field_of: Namer
) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for loc, code in entries:
        if code in seen:
            problems.append(Problem(line_of(loc), field_of(loc), f"duplicate code {code!r}"))
        seen.add(code)
    return problems


def _internal_reference_problems(spec: CatalogueSpec, line_of: Locator, field_of: Namer) -> list[Problem]:
    problems = _duplicates(
        [(("elements", i, "code"), e.code) for i, e in enumerate(spec.elements)]
        + [(("tasks", i, "code"), t.code) for i, t in enumerate(spec.tasks)],
        line_of,
        field_of,
    )
    problems += _duplicates(
        ((("indicators", i, "code"), ind.code) for i, ind in enumerate(spec.indicators)), line_of, field_of
    )
    element_types = {element.code: element.type for element in spec.elements}
    numeric = {ElementType.NUMBER, ElementType.COUNT, ElementType.PERCENT}
    for index, indicator in enumerate(spec.indicators):
        for part in ("element", "numerator", "denominator", "weight"):
            code = getattr(indicator, part)
            if code is None:
                continue
            loc: tuple[str | int, ...] = ("indicators", index, part)
            if code not in element_types:
                problems.append(Problem(line_of(loc), field_of(loc), f"no data element {code!r}"))
            elif element_types[code] not in numeric:
                problems.append(Problem(line_of(loc), field_of(loc), f"{code!r} is not numeric"))
    return problems


def agency_reference_problems(
    parsed: Parsed[CatalogueSpec], agency_codes: set[str], agency_kinds: set[str]
) -> list[Problem]:
    """Reporters and leads that name no known agency (or no known kind, for `@kind` groups)."""
    spec, line_of, field_of = parsed.spec, parsed.line_of, parsed.field_of
    problems = []

    def check(loc: tuple[str | int, ...], code: str | None) -> None:
        if code is None:
            return
        if code.startswith(GROUP_PREFIX):
            if code[1:] not in agency_kinds:
                problems.append(Problem(line_of(loc), field_of(loc), f"no agency of kind {code[1:]!r}"))
        elif code not in agency_codes:
            problems.append(Problem(line_of(loc), field_of(loc), f"unknown agency {code!r}"))

    check(("programme", "reporting", "report_to"), spec.programme.reporting.report_to)
    for index, element in enumerate(spec.elements):
        for position, code in enumerate(element.reporters):
            check(("elements", index, "reporters", position), code)
    for index, indicator in enumerate(spec.indicators):
        check(("indicators", index, "lead"), indicator.lead)
    for index, task in enumerate(spec.tasks):
        check(("tasks", index, "lead"), task.lead)
        for position, code in enumerate(task.reporters):
            check(("tasks", index, "reporters", position), code)
    return problems


@dataclass(frozen=True)
class CatalogueDiff:
    """What loading a catalogue would change, by code."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


def diff_catalogue(old: CatalogueSpec | None, new: CatalogueSpec) -> CatalogueDiff:
    """Compare two catalogues item by item: `programme`, `element:x`, `indicator:X`, `task:x`."""
    if old is None:
        return CatalogueDiff(added=tuple(_items(new)))
    before, after = _items(old), _items(new)
    return CatalogueDiff(
        added=tuple(key for key in after if key not in before),
        changed=tuple(key for key in after if key in before and before[key] != after[key]),
        removed=tuple(key for key in before if key not in after),
    )


def _items(spec: CatalogueSpec) -> dict[str, Spec]:
    items: dict[str, Spec] = {"programme": spec.programme}
    items |= {f"element:{element.code}": element for element in spec.elements}
    items |= {f"indicator:{indicator.code}": indicator for indicator in spec.indicators}
    items |= {f"task:{task.code}": task for task in spec.tasks}
    return items
