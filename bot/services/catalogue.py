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

from bot.domain.agencies import expand_reporters
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
from bot.domain.models import Indicator
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
    Raises CatalogueError (with lines) if it names unknown agencies."""
    agencies = await storage.agencies.all(include_inactive=False)
    problems = agency_reference_problems(
        parsed, {agency.code for agency in agencies}, {agency.kind.value for agency in agencies}
    )
    if problems:
        raise CatalogueError(parsed.source, problems)
    return diff_catalogue(await storage.catalogue.spec(parsed.spec.programme.code), parsed.spec)


async def load_catalogue(
    storage: CatalogueStorage, parsed: Parsed[CatalogueSpec], loaded_by: int | None = None
) -> CatalogueLoad:
    """Validate and apply a catalogue; reloading an unchanged one writes nothing."""
    diff = await plan_catalogue(storage, parsed)
    if not diff.empty:
        agencies = await storage.agencies.all(include_inactive=False)
        reporters = expand_reporters(parsed.spec, agencies)
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
    parsed = parse_agencies(text, source)
    return await storage.agencies.load(parsed.spec.agencies)


async def load_shipped(storage: CatalogueStorage) -> list[CatalogueLoad]:
    """Load every shipped agency list, then every shipped catalogue (idempotent)."""
    folder = shipped_catalogue_dir()
    for path in sorted(folder.glob("agencies_*.yaml")):
        await load_agency_text(storage, path.read_text(encoding="utf-8"), path.name)
    loads = []
    for name in SHIPPED_CATALOGUES:
        path = folder / name
        parsed = parse_catalogue(path.read_text(encoding="utf-8"), path.name)
        loads.append(await load_catalogue(storage, parsed))
    return loads
