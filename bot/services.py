"""Use cases that combine the pure core with storage: loading catalogues and agencies, opening periods.

Both the CLI and the Telegram handlers call these, so the rules live in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

from bot.domain.catalogue import (
    GROUP_PREFIX,
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
from bot.domain.models import Agency, AgencyStatus, Period
from bot.domain.periods import default_deadline, parse_period
from storage import Storage

# The main programme first, so that it is the default where one must be chosen.
SHIPPED_CATALOGUES = (
    "hai_duong_nq30.yaml",
    "hai_duong_congress_17.yaml",
    "hai_duong_vision_2050.yaml",
    "hai_phong_2020.yaml",
    "ha_nam_plan_2030.yaml",
)


@dataclass(frozen=True)
class CatalogueLoad:
    programme_code: str
    diff: CatalogueDiff


def shipped_catalogue_dir() -> Path:
    return Path(str(resources.files("bot.catalogues")))


async def plan_catalogue(storage: Storage, parsed: Parsed[CatalogueSpec]) -> CatalogueDiff:
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
    storage: Storage, parsed: Parsed[CatalogueSpec], loaded_by: int | None = None
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
        from bot.catalogue_xlsx import read_catalogue_xlsx

        return read_catalogue_xlsx(content, name)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise CatalogueError(name, [Problem(None, "", "not UTF-8 text")]) from None
    return parse_catalogue(text, name)


def expand_reporters(spec: CatalogueSpec, agencies: list[Agency]) -> dict[str, list[str]]:
    """Element code -> reporting agency codes, with `@kind` groups expanded to the active agencies of
    that kind in the programme's own province (the hierarchy of the agency it reports to)."""
    roots = agency_roots(agencies)
    province = roots.get(spec.programme.reporting.report_to or "")
    groups: dict[str, list[str]] = {}
    for agency in agencies:
        if agency.status is AgencyStatus.ACTIVE and (province is None or roots[agency.code] == province):
            groups.setdefault(agency.kind.value, []).append(agency.code)

    def expand(codes: tuple[str, ...]) -> list[str]:
        result: list[str] = []
        for code in codes:
            result += groups.get(code[len(GROUP_PREFIX) :], []) if code.startswith(GROUP_PREFIX) else [code]
        return list(dict.fromkeys(result))

    reporters = {element.code: expand(element.reporters) for element in spec.elements}
    reporters |= {task.code: expand(task.reporting_agencies) for task in spec.tasks}
    return reporters


def agency_roots(agencies: list[Agency]) -> dict[str, str]:
    """Every agency code -> the top of its hierarchy (its province's People's Committee)."""
    parents = {agency.code: agency.parent_code for agency in agencies}
    roots: dict[str, str] = {}
    for code in parents:
        top, seen = code, {code}
        while parents.get(top) and parents[top] not in seen:
            top = parents[top] or top
            seen.add(top)
        roots[code] = top
    return roots


async def load_agency_text(storage: Storage, text: str, source: str) -> tuple[int, int]:
    parsed = parse_agencies(text, source)
    return await storage.agencies.load(parsed.spec.agencies)


async def load_shipped(storage: Storage) -> list[CatalogueLoad]:
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


class UnknownProgramme(LookupError):
    """No programme with this code."""


async def open_period(
    storage: Storage,
    code: str,
    *,
    programme_code: str | None,
    deadline: date | None,
    by: int | None = None,
) -> Period:
    """Open a period for one programme (the only one, or the one named)."""
    span = parse_period(code)
    programmes = await storage.catalogue.programmes()
    if programme_code:
        chosen = [p for p in programmes if p.code == programme_code]
    else:
        chosen = programmes[:1] if len(programmes) == 1 else []
    if not chosen:
        raise UnknownProgramme(programme_code or "")
    programme = chosen[0]
    deadline = deadline or default_deadline(span, programme.report_deadline)
    return await storage.periods.open(programme.id, span, deadline, by)
