"""Pure rules about agencies on a date: who existed, who answers for a merged one, which province a
programme draws on, and who a catalogue's groups name.

Groups (`@district`, `@department`, `@local`...) are resolved against the structure on the day asked, never
frozen when a catalogue loads: an agency added later owes what its group owes, and after the 2025
reorganisation the same `@local` element is owed by the districts for 2024 and by the communes for 2025.

A programme draws on its own area: the agencies of its province (the province of the agency it reports
to), and every agency that took over part of that area through a merger or an abolition, whatever province
it is in now. So after 1 July 2025 a Hải Dương programme draws on the 64 communes and wards formed from
Hải Dương's districts, which are in Hải Phòng city, and on none of old Hải Phòng's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from bot.domain.catalogue import GROUP_PREFIX, CatalogueSpec
from bot.domain.models import LOCAL_KINDS, Agency, AgencyKind, AgencyStatus
from bot.domain.rendering import Translates

LOCAL_GROUP = "local"  # `@local`: the local units of the current level
GROUPS = frozenset({LOCAL_GROUP, *(kind.value for kind in AgencyKind)})


@dataclass(frozen=True)
class Structure:
    """Every agency ever known, with who took over from whom: the structure on any date can be read off it."""

    agencies: Mapping[str, Agency]
    heirs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    provinces: Mapping[str, str] = field(default_factory=dict)
    _areas: dict[tuple[str | None, date], list[Agency]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, agencies: Iterable[Agency]) -> Structure:
        """The structure of these agencies."""
        by_code = {agency.code: agency for agency in agencies}
        heirs = {
            code: (agency.successor_code,) if agency.successor_code else agency.successors
            for code, agency in by_code.items()
        }
        return cls(by_code, heirs, _provinces(by_code))

    def on(self, day: date) -> list[Agency]:
        """The agencies that existed on that day."""
        return [agency for agency in self.agencies.values() if agency.exists_on(day)]

    def follow(self, code: str, day: date) -> tuple[str, ...]:
        """The agencies that answer on `day` for what names `code`: itself while it exists; after a merger or
        a rename, its successor; after an abolition, nobody (its area is split: only groups reach the units
        that took it over); nobody after a retirement, before it was formed, or for an unknown code."""
        current, seen = code, set()
        while current in self.agencies and current not in seen:
            agency = self.agencies[current]
            if agency.exists_on(day):
                return (current,)
            seen.add(current)
            if agency.valid_from is not None and day < agency.valid_from:
                return ()
            if agency.successor_code is None:
                return ()
            current = agency.successor_code
        return ()

    def province_of(self, code: str | None) -> str | None:
        """The province of an agency: its own field, else its nearest parent's, else the top of its hierarchy."""
        return self.provinces.get(code) if code is not None else None

    def lineage(self, province: str) -> set[str]:
        """The province's agencies and every agency that took over (part of) one of them, through any chain."""
        found = {code for code in self.agencies if self.province_of(code) == province}
        todo = list(found)
        while todo:
            for heir in self.heirs.get(todo.pop(), ()):
                if heir not in found:
                    found.add(heir)
                    todo.append(heir)
        return found

    def area(self, province: str | None, day: date) -> list[Agency]:
        """The agencies of a province's area on a day (all of them when no province is known)."""
        key = (province, day)
        if key not in self._areas:
            existing = self.on(day)
            if province is not None:
                own = self.lineage(province)
                existing = [agency for agency in existing if agency.code in own]
            self._areas[key] = existing
        return self._areas[key]

    def group(self, name: str, province: str | None, day: date) -> list[str]:
        """The codes a group names on a day within a province's area, in loading order. `@local` is the
        districts while any exists there, else the commune-level units (communes, wards, special zones)."""
        area = self.area(province, day)
        if name != LOCAL_GROUP:
            return [agency.code for agency in area if agency.kind.value == name]
        local = [agency for agency in area if agency.kind in LOCAL_KINDS]
        districts = [agency.code for agency in local if agency.kind is AgencyKind.DISTRICT]
        return districts or [agency.code for agency in local]


def expand(structure: Structure, codes: Iterable[str], province: str | None, day: date) -> list[str]:
    """Reporter codes and groups as the agencies that owe on `day`: groups expanded within the province's
    area, codes followed to whoever answers for them then."""
    result: list[str] = []
    for code in codes:
        if code.startswith(GROUP_PREFIX):
            result += structure.group(code[len(GROUP_PREFIX) :], province, day)
        else:
            result += structure.follow(code, day)
    return list(dict.fromkeys(result))


def expand_reporters(spec: CatalogueSpec, agencies: list[Agency], day: date | None = None) -> dict[str, list[str]]:
    """Element code -> reporting agency codes on `day` (today's structure if None), groups expanded within
    the programme's own area (see the module's docstring)."""
    structure = Structure.of(agencies)
    on = day or date.today()
    report_to = spec.programme.reporting.report_to
    province = structure.province_of(report_to) if report_to else None
    reporters = {element.code: expand(structure, element.reporters, province, on) for element in spec.elements}
    reporters |= {task.code: expand(structure, task.reporting_agencies, province, on) for task in spec.tasks}
    return reporters


def _provinces(by_code: Mapping[str, Agency]) -> dict[str, str]:
    """Every code -> its province: its own, else the nearest parent's that has one, else its root's code."""
    result: dict[str, str] = {}
    for code in by_code:
        current, seen = code, set()
        while True:
            agency = by_code[current]
            if agency.province:
                result[code] = agency.province
                break
            seen.add(current)
            if not agency.parent_code or agency.parent_code not in by_code or agency.parent_code in seen:
                result[code] = current
                break
            current = agency.parent_code
    return result


def unit_label(agency: Agency, t: Translates, day: date) -> str:
    """An agency's name on a day and, for a unit formed by a reorganisation, the former units it stands
    for: what a value reported by "Xã Tứ Kỳ" covers, beside the districts' figures of earlier years."""
    name = agency.name_on(t.locale, day)
    if not agency.formed_from:
        return name
    return t.gettext("{name} (formed from {units})").format(name=name, units=", ".join(agency.formed_from))


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


def successor_map(agencies: Iterable[Agency], day: date | None = None) -> dict[str, str]:
    """Every agency code -> the agency that answers for it (itself if active). With a day, only mergers
    that had taken effect by then count: a 2024 figure of a department merged in 2025 stays its own in 2024."""
    by_code = {agency.code: agency for agency in agencies}
    resolved: dict[str, str] = {}
    for code in by_code:
        current, seen = code, set()
        while by_code[current].successor_code and current not in seen:
            agency = by_code[current]
            if day is not None and agency.valid_to is not None and day < agency.valid_to:
                break
            seen.add(current)
            current = agency.successor_code or current
            if current not in by_code:
                break
        resolved[code] = current if current in by_code else code
    return resolved


def known_codes(agencies: Iterable[Agency]) -> set[str]:
    """Codes a catalogue or a command may name: every agency that exists or is followed to one that does."""
    return {agency.code for agency in agencies if agency.status is not AgencyStatus.RETIRED}
