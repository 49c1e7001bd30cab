"""Programme catalogues: the human-edited YAML files that say what a province tracks.

A catalogue is validated by pydantic and every problem is reported with the file, the line and the field,
so that an officer who mistyped a comparator is told where. Cross-references (an indicator naming a data
element that does not exist, a reporter that is not a known agency) are checked here too, with lines.

The parts live apart: the models in `catalogue_spec`, the file-reading machinery in `spec_parsing`, the
agency list in `agency_list`, the diff in `catalogue_diff`. Their names stay importable from here.
"""

from __future__ import annotations

from pathlib import Path

from bot.domain.agency_list import AgencyListSpec, AgencySpec, parse_agencies, read_agency_file
from bot.domain.catalogue_diff import CatalogueDiff, diff_catalogue
from bot.domain.catalogue_spec import (
    AREAS,
    GROUP_PREFIX,
    BaselineSpec,
    CatalogueSpec,
    ElementSpec,
    IndicatorSpec,
    ProgrammeSpec,
    ReportingSpec,
    TargetSpec,
    TaskSpec,
)
from bot.domain.models import ElementType
from bot.domain.spec_parsing import (
    CatalogueError,
    Locator,
    Namer,
    Parsed,
    Problem,
    Spec,
    dotted_field,
    duplicate_code_problems,
    load_yaml,
    read_text_file,
    validate_spec,
)

__all__ = [
    "AREAS",
    "GROUP_PREFIX",
    "AgencyListSpec",
    "AgencySpec",
    "BaselineSpec",
    "CatalogueDiff",
    "CatalogueError",
    "CatalogueSpec",
    "ElementSpec",
    "IndicatorSpec",
    "Locator",
    "Namer",
    "Parsed",
    "Problem",
    "ProgrammeSpec",
    "ReportingSpec",
    "Spec",
    "TargetSpec",
    "TaskSpec",
    "agency_reference_problems",
    "diff_catalogue",
    "parse_agencies",
    "parse_catalogue",
    "parse_catalogue_data",
    "read_agency_file",
    "read_catalogue_file",
]


def parse_catalogue(text: str, source: str) -> Parsed[CatalogueSpec]:
    """Validate catalogue YAML; raise CatalogueError with lines for every problem found."""
    data, line_of = load_yaml(text, source)
    return parse_catalogue_data(data, source, line_of)


def parse_catalogue_data(
    data: object, source: str, line_of: Locator, field_of: Namer | None = None
) -> Parsed[CatalogueSpec]:
    """Validate a catalogue already read into plain data (from YAML or a workbook)."""
    parsed = validate_spec(data, source, CatalogueSpec, line_of, field_of or dotted_field)
    problems = _internal_reference_problems(parsed.spec, parsed.line_of, parsed.field_of)
    if problems:
        raise CatalogueError(source, problems)
    return parsed


def read_catalogue_file(path: Path) -> Parsed[CatalogueSpec]:
    """Read and validate a catalogue file."""
    return parse_catalogue(read_text_file(path), str(path))


def _internal_reference_problems(spec: CatalogueSpec, line_of: Locator, field_of: Namer) -> list[Problem]:
    problems = duplicate_code_problems(
        [(("elements", i, "code"), e.code) for i, e in enumerate(spec.elements)]
        + [(("tasks", i, "code"), t.code) for i, t in enumerate(spec.tasks)],
        line_of,
        field_of,
    )
    problems += duplicate_code_problems(
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
