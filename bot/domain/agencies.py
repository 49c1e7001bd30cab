"""Pure rules about agencies: which province an agency belongs to, and who a catalogue's groups name."""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain.catalogue import GROUP_PREFIX, CatalogueSpec
from bot.domain.models import Agency, AgencyStatus


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


def successor_map(agencies: Iterable[Agency]) -> dict[str, str]:
    """Every agency code -> the active agency that now answers for it (itself if active)."""
    by_code = {agency.code: agency for agency in agencies}
    resolved: dict[str, str] = {}
    for code in by_code:
        current, seen = code, set()
        while by_code[current].successor_code and current not in seen:
            seen.add(current)
            current = by_code[current].successor_code or current
        resolved[code] = current
    return resolved
