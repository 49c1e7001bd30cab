"""The agency list: the bodies that report to the province, read from a human-edited YAML file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import Field

from bot.domain.models import AgencyKind
from bot.domain.spec_parsing import (
    CatalogueError,
    Parsed,
    Spec,
    dotted_field,
    duplicate_code_problems,
    load_yaml,
    read_text_file,
    validate_spec,
)


class AgencySpec(Spec):
    """One agency (a department, a district, a commune, ward or special zone, or another body) and, if
    bounded, the dates it is valid for (`valid_to`: the first day it no longer exists)."""

    code: str = Field(pattern=r"^[A-Z0-9][A-Z0-9_-]{0,29}$")
    name_vi: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    kind: AgencyKind
    parent: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    province: str | None = Field(default=None, pattern=r"^[A-Z0-9][A-Z0-9_-]{0,29}$")
    formed_from: tuple[str, ...] = ()  # the former units it was formed from, as the founding act names them


class AgencyListSpec(Spec):
    province: str | None = Field(default=None, pattern=r"^[A-Z0-9][A-Z0-9_-]{0,29}$")  # every agency's default
    agencies: tuple[AgencySpec, ...] = Field(min_length=1)

    @property
    def resolved(self) -> tuple[AgencySpec, ...]:
        """The agencies, each with the file's province where it names none."""
        return tuple(
            agency if agency.province or not self.province else agency.model_copy(update={"province": self.province})
            for agency in self.agencies
        )


def parse_agencies(text: str, source: str) -> Parsed[AgencyListSpec]:
    """Validate an agency list YAML; raise CatalogueError with lines."""
    data, line_of = load_yaml(text, source)
    parsed = validate_spec(data, source, AgencyListSpec, line_of, dotted_field)
    problems = duplicate_code_problems(
        ((("agencies", index, "code"), spec.code) for index, spec in enumerate(parsed.spec.agencies)),
        parsed.line_of,
        parsed.field_of,
    )
    if problems:
        raise CatalogueError(source, problems)
    return parsed


def read_agency_file(path: Path) -> Parsed[AgencyListSpec]:
    """Read and validate an agency list file."""
    return parse_agencies(read_text_file(path), str(path))
