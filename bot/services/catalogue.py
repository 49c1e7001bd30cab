"""Loading catalogues and agency lists: parse, check against the known agencies, diff, apply; and
finding an indicator by the code an admin typed.

Both the CLI and the Telegram handlers call these, so the rules live in one place. An uploaded file is
parsed in a worker thread (`plan_file`): YAML and pydantic validation, or openpyxl reading a workbook, are
CPU work that would otherwise hold up every other user's reply.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Protocol

from bot.domain.agencies import LOCAL_GROUP, expand_reporters, known_codes
from bot.domain.catalogue import (
    CatalogueDiff,
    CatalogueError,
    CatalogueSpec,
    Parsed,
    Problem,
    agency_reference_problems,
    diff_catalogue,
    parse_agencies,
    parse_catalogue,
)
from bot.domain.models import LOCAL_KINDS, Indicator
from bot.domain.spec_parsing import decode_text
from storage.agencies import AgencyRepository
from storage.catalogue import CatalogueRepository

# The main programme first, so that it is the default where one must be chosen.
SHIPPED_CATALOGUES = (
    "hai_duong_nq30.yaml",
    "hai_duong_congress_17.yaml",
    "hai_duong_vision_2050.yaml",
    "hai_phong_2020.yaml",
    "ha_nam_plan_2030.yaml",
)
# What `init` loads: Hải Dương's programmes and agencies as they stood in 2023, Hải Phòng city's People's
# Committee (the city Hải Dương became part of), and the dated 2025 reorganisation. The other provinces'
# catalogues are shipped as examples, each with its agency list (`agency load`, then `catalog load`).
INIT_AGENCIES = ("agencies_hai_duong.yaml", "agencies_hai_phong_city.yaml")
INIT_REORGANISATIONS = ("reorganisation_hai_phong_2025.yaml",)
INIT_CATALOGUES = SHIPPED_CATALOGUES[:3]


class CatalogueStorage(Protocol):
    """The repositories a catalogue is checked against and written to."""

    agencies: AgencyRepository
    catalogue: CatalogueRepository


@dataclass(frozen=True)
class CatalogueLoad:
    programme_code: str
    diff: CatalogueDiff


def shipped_catalogue_dir() -> Path:
    return Path(str(resources.files("bot.catalogues")))


async def plan_catalogue(storage: CatalogueStorage, parsed: Parsed[CatalogueSpec]) -> CatalogueDiff:
    """Check a parsed catalogue against the known agencies and return what loading it would change.
    Raises CatalogueError (with lines) if it names unknown agencies. A merged or renamed agency is known:
    the catalogue keeps its code, and obligations follow it to its successor on each period's day."""
    agencies = await storage.agencies.all()
    kinds = {agency.kind.value for agency in agencies}
    if any(agency.kind in LOCAL_KINDS for agency in agencies):
        kinds.add(LOCAL_GROUP)
    problems = agency_reference_problems(parsed, known_codes(agencies), kinds)
    if problems:
        raise CatalogueError(parsed.source, problems)
    return diff_catalogue(await storage.catalogue.spec(parsed.spec.programme.code), parsed.spec)


async def load_catalogue(
    storage: CatalogueStorage, parsed: Parsed[CatalogueSpec], loaded_by: int | None = None
) -> CatalogueLoad:
    """Validate and apply a catalogue; reloading an unchanged one writes nothing."""
    diff = await plan_catalogue(storage, parsed)
    if not diff.empty:
        # The assignments table is a snapshot of today's structure, kept for readers that have no period;
        # what a period owes is resolved on its own day (bot.services.obligations).
        reporters = expand_reporters(parsed.spec, await storage.agencies.all())
        await storage.catalogue.apply(parsed.spec, diff, reporters, parsed.source, loaded_by)
    return CatalogueLoad(parsed.spec.programme.code, diff)


CATALOGUE_SUFFIXES = (".yaml", ".yml", ".xlsx")
CATALOGUE_MAX_BYTES = 2 * 1024 * 1024


def parse_catalogue_bytes(content: bytes, name: str) -> Parsed[CatalogueSpec]:
    """A catalogue file as uploaded or read from disk: YAML or the Excel template, by its name."""
    suffix = Path(name).suffix.lower()
    if suffix not in CATALOGUE_SUFFIXES:
        raise CatalogueError(name, [Problem(None, "", "send a .yaml, .yml or .xlsx catalogue file")])
    if len(content) > CATALOGUE_MAX_BYTES:
        raise CatalogueError(name, [Problem(None, "", f"larger than {CATALOGUE_MAX_BYTES // 1024 // 1024} MB")])
    if suffix == ".xlsx":
        from bot.files.catalogue_xlsx import read_catalogue_xlsx

        return read_catalogue_xlsx(content, name)
    return parse_catalogue(decode_text(content, name), name)


async def plan_file(
    storage: CatalogueStorage, content: bytes, name: str
) -> tuple[Parsed[CatalogueSpec], CatalogueDiff]:
    """An uploaded catalogue file, parsed (in a worker thread), and what loading it would change. Raises
    CatalogueError."""
    parsed = await asyncio.to_thread(parse_catalogue_bytes, content, name)
    return parsed, await plan_catalogue(storage, parsed)


async def indicators_with_code(storage: CatalogueStorage, code: str) -> list[Indicator]:
    """The indicators with this code (as typed, any case) in every programme, in loading order."""
    return [
        indicator
        for programme in await storage.catalogue.programmes()
        for indicator in await storage.catalogue.indicators(programme.id)
        if indicator.code == code.upper()
    ]


async def load_agency_text(storage: CatalogueStorage, text: str, source: str) -> tuple[int, int]:
    """Load an agency list's text: new agencies added, known ones updated (each with the file's province)."""
    parsed = parse_agencies(text, source)
    return await storage.agencies.load(parsed.spec.resolved)


async def load_shipped(storage: CatalogueStorage) -> list[CatalogueLoad]:
    """Load every shipped agency list, then every shipped catalogue (idempotent), without the 2025
    reorganisation: the structure the catalogues were written for, which tests and the demo play in."""
    folder = shipped_catalogue_dir()
    for path in sorted(folder.glob("agencies_*.yaml")):
        await load_agency_text(storage, path.read_text(encoding="utf-8"), path.name)
    return [await load_shipped_catalogue(storage, name) for name in SHIPPED_CATALOGUES]


async def load_shipped_catalogue(storage: CatalogueStorage, name: str) -> CatalogueLoad:
    path = shipped_catalogue_dir() / name
    return await load_catalogue(storage, parse_catalogue(path.read_text(encoding="utf-8"), path.name))
