"""Dated reorganisations as data: a YAML file lists, on each date, the units formed, renamed, moved to
another parent, merged into one, and abolished with the units that take over their area.

The file is read and validated like a catalogue (the same YAML loading, file:line for every problem), and
every event names its source: a key of the file's `sources`, whose text must carry the address the facts
were read at. Nothing undocumented enters the structure.

`plan` compares the file with the structure as it stands and returns only what is not in effect yet, so
applying a file twice changes nothing the second time; a file that contradicts the structure (merging a
unit already merged elsewhere, naming a code nobody knows) is refused with the lines at fault.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import Field, field_validator, model_validator

from bot.domain.agencies import Structure
from bot.domain.agency_list import AgencySpec
from bot.domain.models import Agency, AgencyKind, AgencyStatus
from bot.domain.spec_parsing import (
    CatalogueError,
    Parsed,
    Problem,
    Spec,
    dotted_field,
    load_yaml,
    read_text_file,
    validate_spec,
)

CODE = r"^[A-Z0-9][A-Z0-9_-]{0,29}$"


class NewUnitSpec(AgencySpec):
    """A unit formed on the event's date; `former_district` records the district-level units its area
    came from (for the reader: the abolitions' `successors` are what the bot follows)."""

    former_district: str | tuple[str, ...] | None = None


class MergeSpec(Spec):
    from_: tuple[str, ...] = Field(alias="from", min_length=1)
    into: str = Field(pattern=CODE)


class RenameSpec(Spec):
    code: str = Field(pattern=CODE)
    name_vi: str = Field(min_length=1)
    name_en: str = Field(min_length=1)


class TransferSpec(Spec):
    code: str = Field(pattern=CODE)
    parent: str = Field(pattern=CODE)
    province: str | None = Field(default=None, pattern=CODE)


class AbolishSpec(Spec):
    code: str = Field(pattern=CODE)
    successors: tuple[str, ...] = Field(min_length=1)


class EventSpec(Spec):
    on: date = Field(alias="date")
    source: str = Field(min_length=1)
    new: tuple[NewUnitSpec, ...] = ()
    rename: tuple[RenameSpec, ...] = ()
    transfer: tuple[TransferSpec, ...] = ()
    merge: tuple[MergeSpec, ...] = ()
    abolish: tuple[AbolishSpec, ...] = ()

    @model_validator(mode="after")
    def _says_something(self) -> EventSpec:
        if not (self.new or self.rename or self.transfer or self.merge or self.abolish):
            raise ValueError("an event needs at least one of new, rename, transfer, merge, abolish")
        return self


class ReorganisationSpec(Spec):
    sources: dict[str, str] = Field(min_length=1)  # key -> "what it is — https://address"
    reorganisation: tuple[EventSpec, ...]

    @field_validator("reorganisation")
    @classmethod
    def _has_events(cls, events: tuple[EventSpec, ...]) -> tuple[EventSpec, ...]:
        # Checked after the items (a min_length would also fire when every item failed, said twice).
        if not events:
            raise ValueError("a reorganisation needs at least one dated event")
        return events

    @field_validator("sources")
    @classmethod
    def _sources_have_addresses(cls, sources: dict[str, str]) -> dict[str, str]:
        for key, text in sources.items():
            if "http://" not in text and "https://" not in text:
                raise ValueError(f"source {key!r} gives no address (http:// or https://)")
        return sources


def parse_reorganisation(text: str, source: str) -> Parsed[ReorganisationSpec]:
    """Validate a reorganisation file; CatalogueError with lines for every problem."""
    data, line_of = load_yaml(text, source)
    parsed = validate_spec(data, source, ReorganisationSpec, line_of, dotted_field)
    problems = []
    for index, event in enumerate(parsed.spec.reorganisation):
        if event.source not in parsed.spec.sources:
            loc: tuple[str | int, ...] = ("reorganisation", index, "source")
            problems.append(Problem(line_of(loc), dotted_field(loc), f"no source {event.source!r} in sources"))
    if problems:
        raise CatalogueError(source, problems)
    return parsed


def read_reorganisation_file(path: Path) -> Parsed[ReorganisationSpec]:
    """Read and validate a reorganisation file."""
    return parse_reorganisation(read_text_file(path), str(path))


@dataclass(frozen=True)
class Change:
    """One thing a reorganisation changes. `action`: new, update, rename, transfer, merge, abolish."""

    action: str
    code: str
    on: date
    unit: AgencySpec | None = None  # new, update (with valid_from and province filled in)
    into: str | None = None  # merge
    successors: tuple[str, ...] = ()  # abolish
    name_vi: str = ""  # rename
    name_en: str = ""
    parent: str | None = None  # transfer
    province: str | None = None

    def describe(self) -> str:
        """One line of the diff."""
        if self.action in ("new", "update") and self.unit is not None:
            sign = "+" if self.action == "new" else "~"
            return f"{sign} {self.code} ({self.unit.kind.value}) {self.unit.name_vi}, from {self.on}"
        if self.action == "merge":
            return f"→ {self.code} merged into {self.into} on {self.on}"
        if self.action == "abolish":
            return f"✕ {self.code} abolished on {self.on}; its area to {', '.join(self.successors)}"
        if self.action == "rename":
            return f"✎ {self.code} renamed {self.name_vi!r} on {self.on}"
        return f"↷ {self.code} moved under {self.parent} on {self.on}"


def plan(parsed: Parsed[ReorganisationSpec], agencies: list[Agency]) -> list[Change]:
    """What applying the file would change, in order; [] when all of it is in effect. Raises
    CatalogueError (with lines) where the file contradicts the structure."""
    planner = _Planner(parsed, {agency.code: agency for agency in agencies})
    for index, event in sorted(enumerate(parsed.spec.reorganisation), key=lambda pair: pair[1].on):
        planner.event(index, event)
    if planner.problems:
        raise CatalogueError(parsed.source, planner.problems)
    return planner.changes


class _Planner:
    """Walks the events in date order, keeping the structure as it would stand after each change."""

    def __init__(self, parsed: Parsed[ReorganisationSpec], agencies: dict[str, Agency]) -> None:
        self.parsed = parsed
        self.agencies = agencies
        self.changes: list[Change] = []
        self.problems: list[Problem] = []
        self.pending: dict[str, Change] = {}  # what earlier changes of this file did to a code

    def problem(self, loc: tuple[str | int, ...], message: str) -> None:
        self.problems.append(Problem(self.parsed.line_of(loc), dotted_field(loc), message))

    def known(self, code: str) -> bool:
        return code in self.agencies or code in self.pending

    def event(self, index: int, event: EventSpec) -> None:
        at: tuple[str | int, ...] = ("reorganisation", index)
        for position, unit in enumerate(event.new):
            self.new((*at, "new", position), unit, event.on)
        for position, rename in enumerate(event.rename):
            self.rename((*at, "rename", position), rename, event.on)
        for position, transfer in enumerate(event.transfer):
            self.transfer((*at, "transfer", position), transfer, event.on)
        for position, merge in enumerate(event.merge):
            self.merge((*at, "merge", position), merge, event.on)
        for position, abolish in enumerate(event.abolish):
            self.abolish((*at, "abolish", position), abolish, event.on)

    def new(self, loc: tuple[str | int, ...], unit: NewUnitSpec, on: date) -> None:
        if unit.parent and not self.known(unit.parent):
            self.problem((*loc, "parent"), f"unknown agency {unit.parent!r}")
            return
        province = unit.province or (Structure.of(self.agencies.values()).province_of(unit.parent))
        wanted = AgencySpec(
            code=unit.code,
            name_vi=unit.name_vi,
            name_en=unit.name_en,
            kind=unit.kind,
            parent=unit.parent,
            valid_from=unit.valid_from or on,
            valid_to=unit.valid_to,
            province=province,
            formed_from=unit.formed_from,
        )
        existing = self.agencies.get(unit.code)
        if existing is not None and _same_unit(existing, wanted):
            return
        change = Change("new" if existing is None else "update", unit.code, on, unit=wanted)
        self.changes.append(change)
        self.pending[unit.code] = change

    def rename(self, loc: tuple[str | int, ...], rename: RenameSpec, on: date) -> None:
        agency = self.agencies.get(rename.code)
        if agency is None:
            self.problem((*loc, "code"), f"unknown agency {rename.code!r}")
            return
        if (agency.name_vi, agency.name_en) == (rename.name_vi, rename.name_en):
            return
        self.changes.append(Change("rename", rename.code, on, name_vi=rename.name_vi, name_en=rename.name_en))

    def transfer(self, loc: tuple[str | int, ...], transfer: TransferSpec, on: date) -> None:
        agency = self.agencies.get(transfer.code)
        for field, code in (("code", transfer.code), ("parent", transfer.parent)):
            if not self.known(code):
                self.problem((*loc, field), f"unknown agency {code!r}")
                return
        if agency is None or (agency.parent_code, agency.province) == (
            transfer.parent,
            transfer.province or agency.province,
        ):
            return
        self.changes.append(
            Change("transfer", transfer.code, on, parent=transfer.parent, province=transfer.province or agency.province)
        )

    def merge(self, loc: tuple[str | int, ...], merge: MergeSpec, on: date) -> None:
        if not self.known(merge.into):
            self.problem((*loc, "into"), f"unknown agency {merge.into!r}")
            return
        for position, code in enumerate(merge.from_):
            agency = self.agencies.get(code)
            if agency is None:
                self.problem((*loc, "from", position), f"unknown agency {code!r}")
            elif code == merge.into:
                self.problem((*loc, "from", position), f"{code}: cannot merge an agency into itself")
            elif agency.status is AgencyStatus.MERGED and agency.successor_code == merge.into:
                continue  # already in effect
            elif agency.status is not AgencyStatus.ACTIVE:
                self.problem((*loc, "from", position), f"{code}: already {agency.status.value}")
            else:
                self.changes.append(Change("merge", code, on, into=merge.into))

    def abolish(self, loc: tuple[str | int, ...], abolish: AbolishSpec, on: date) -> None:
        agency = self.agencies.get(abolish.code)
        if agency is None:
            self.problem((*loc, "code"), f"unknown agency {abolish.code!r}")
            return
        for position, code in enumerate(abolish.successors):
            if not self.known(code):
                self.problem((*loc, "successors", position), f"unknown agency {code!r}")
                return
        if agency.status is AgencyStatus.ABOLISHED and set(agency.successors) == set(abolish.successors):
            return
        if agency.status is not AgencyStatus.ACTIVE:
            self.problem((*loc, "code"), f"{abolish.code}: already {agency.status.value}")
            return
        self.changes.append(Change("abolish", abolish.code, on, successors=abolish.successors))


def _same_unit(agency: Agency, wanted: AgencySpec) -> bool:
    """Whether a stored agency already is the unit a file describes."""
    return (
        agency.name_vi,
        agency.name_en,
        agency.kind,
        agency.parent_code,
        agency.valid_from,
        agency.province,
        agency.formed_from,
    ) == (
        wanted.name_vi,
        wanted.name_en,
        AgencyKind(wanted.kind),
        wanted.parent,
        wanted.valid_from,
        wanted.province,
        wanted.formed_from,
    )
