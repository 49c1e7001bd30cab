"""Applying a dated reorganisation file, and `init`'s whole setup: the province's agencies, its
reorganisations and its catalogues.

Planning reads the structure and returns only what is not in effect yet (`bot.domain.reorganisation`), so
applying a file twice writes nothing the second time; a dry run stops after the plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.domain.reorganisation import Change, parse_reorganisation, plan
from bot.domain.spec_parsing import read_text_file
from bot.services.catalogue import (
    INIT_AGENCIES,
    INIT_CATALOGUES,
    INIT_REORGANISATIONS,
    CatalogueLoad,
    CatalogueStorage,
    load_agency_text,
    load_shipped_catalogue,
    shipped_catalogue_dir,
)


@dataclass(frozen=True)
class Reorganised:
    """What a reorganisation file changes (or changed): empty when all of it was in effect already."""

    source: str
    changes: list[Change]
    applied: bool


async def reorganise_text(storage: CatalogueStorage, text: str, source: str, *, dry_run: bool = False) -> Reorganised:
    """Validate a reorganisation file against the structure and, unless a dry run, apply what it changes.
    Raises CatalogueError (file:line) for a malformed file or one that contradicts the structure."""
    parsed = parse_reorganisation(text, source)
    changes = plan(parsed, await storage.agencies.all())
    if changes and not dry_run:
        await storage.agencies.reorganise(changes, source)
    return Reorganised(source, changes, applied=bool(changes) and not dry_run)


async def reorganise_file(storage: CatalogueStorage, path: Path, *, dry_run: bool = False) -> Reorganised:
    """`reorganise_text` for a file on disk."""
    return await reorganise_text(storage, read_text_file(path), str(path), dry_run=dry_run)


@dataclass(frozen=True)
class Setup:
    """What `init` loaded: agencies added and updated, the reorganisations, and each catalogue's diff."""

    added: int
    updated: int
    reorganisations: list[Reorganised]
    catalogues: list[CatalogueLoad]


async def init_shipped(storage: CatalogueStorage) -> Setup:
    """Hải Dương's agencies as of 2023 and Hải Phòng city's People's Committee, the dated 2025
    reorganisation, then Hải Dương's catalogues (idempotent: a second run changes nothing)."""
    folder = shipped_catalogue_dir()
    added = updated = 0
    for name in INIT_AGENCIES:
        more, changed = await load_agency_text(storage, (folder / name).read_text(encoding="utf-8"), name)
        added, updated = added + more, updated + changed
    reorganised = [
        await reorganise_text(storage, (folder / name).read_text(encoding="utf-8"), name)
        for name in INIT_REORGANISATIONS
    ]
    loads = [await load_shipped_catalogue(storage, name) for name in INIT_CATALOGUES]
    return Setup(added, updated, reorganised, loads)
