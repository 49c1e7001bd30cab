"""Who owes what for a period, and to whom they report: resolved when asked, against the structure on the
period's day, never frozen when a catalogue was loaded.

The period's day is its last day: the units that report for a year are those that exist at its end (for
2025, the communes and wards formed on 1 July, and the Department of Finance that took over the DPI on
1 March). A catalogue keeps the codes and groups it was written with; each is followed here to whoever
answers for it on that day (`bot.domain.agencies`), so an agency added after `init` owes what its group
owes at once, and a merger needs no reload.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol, cast

from bot.domain.agencies import Structure, expand
from bot.domain.models import Agency, DataElement, Period, Programme
from bot.i18n import Translator
from storage.agencies import AgencyRepository
from storage.catalogue import CatalogueRepository


class ObligationStorage(Protocol):
    """The repositories obligations are read from."""

    @property
    def agencies(self) -> AgencyRepository: ...

    @property
    def catalogue(self) -> CatalogueRepository: ...


def period_day(period: Period) -> date:
    """The day whose structure a period is reported by: its last."""
    return period.ends_on


async def structure_of(storage: ObligationStorage) -> Structure:
    """Every agency ever known, as a structure that can be read on any date."""
    return Structure.of(await storage.agencies.all())


async def _raw_reporters(storage: ObligationStorage, programme: Programme) -> dict[str, tuple[str, ...]]:
    """Element code (tasks included) -> the codes and groups the catalogue names, as written."""
    spec = await storage.catalogue.spec(programme.code)
    if spec is None:
        return {}
    raw = {element.code: element.reporters for element in spec.elements}
    return raw | {task.code: task.reporting_agencies for task in spec.tasks}


async def reporters_on(
    storage: ObligationStorage, programme: Programme, day: date, structure: Structure | None = None
) -> dict[str, frozenset[str]]:
    """Element code -> the agencies that owe it on `day`, for the programme's active elements in order."""
    structure = structure or await structure_of(storage)
    raw = await _raw_reporters(storage, programme)
    province = structure.province_of(programme.report_to)
    shared: dict[tuple[str, ...], frozenset[str]] = {}
    result = {}
    for element in await storage.catalogue.elements(programme.id):
        codes = raw.get(element.code, ())
        if codes not in shared:  # every "@local" element shares one set
            shared[codes] = frozenset(expand(structure, codes, province, day))
        result[element.code] = shared[codes]
    return result


async def reporters(storage: ObligationStorage, period: Period) -> dict[str, frozenset[str]]:
    """Element code -> the agencies that owe it for the period. Kept (per process) until the structure or
    the catalogue changes, so that a report's every answer does not rebuild it."""
    key = ("reporters", period.programme_id, period_day(period))
    version = await storage.agencies.structure_version()
    kept = storage.agencies.memo.get(key)
    if kept is not None and kept[0] == version:
        return cast(dict[str, frozenset[str]], kept[1])
    programme = await storage.catalogue.programme_by_id(period.programme_id)
    if programme is None:
        return {}
    found = await reporters_on(storage, programme, period_day(period))
    storage.agencies.memo[key] = (version, found)
    return found


async def owing(storage: ObligationStorage, period: Period) -> dict[str, list[str]]:
    """Agency code -> the element codes it owes for the period, in catalogue order."""
    result: dict[str, list[str]] = {}
    for element, agencies in (await reporters(storage, period)).items():
        for agency in sorted(agencies):
            result.setdefault(agency, []).append(element)
    return result


async def owed_elements(storage: ObligationStorage, period: Period, agency_code: str) -> list[DataElement]:
    """The active elements an agency owes for the period, in catalogue order."""
    owed = await reporters(storage, period)
    elements = await storage.catalogue.elements(period.programme_id)
    return [element for element in elements if agency_code in owed.get(element.code, ())]


async def consolidator(storage: ObligationStorage, programme: Programme | None, day: date) -> Agency | None:
    """The agency a programme reports to on `day`: the one its reporting rule names, followed through
    mergers (the Department of Finance after the DPI merged into it). None when the rule names none."""
    if programme is None or programme.report_to is None:
        return None
    structure = await structure_of(storage)
    followed = structure.follow(programme.report_to, day)
    if followed:
        return structure.agencies[followed[0]]
    return structure.agencies.get(programme.report_to)


async def consolidator_name(
    storage: ObligationStorage, locale: str, day: date, programme: Programme | None = None
) -> str | None:
    """The name on `day` of the agency a programme (the first loaded, if none is given) reports to, as a
    message puts it ("Sở Tài chính", "the Department of Finance"); None when no agency is named."""
    if programme is None:
        programmes = await storage.catalogue.programmes()
        programme = programmes[0] if programmes else None
    agency = await consolidator(storage, programme, day)
    if agency is None:
        return None
    name = agency.name_on(locale, day)
    return f"the {name}" if locale == "en" and not name.lower().startswith("the ") else name


async def consolidator_label(
    storage: ObligationStorage, t: Translator, day: date, programme: Programme | None = None
) -> str:
    """`consolidator_name` in the translator's language, or "the consolidating agency" when none is named:
    what messages such as "ask {agency} for an invite link" put in."""
    return await consolidator_name(storage, t.locale, day, programme) or t.gettext("the consolidating agency")


async def period_consolidator(storage: ObligationStorage, t: Translator, period: Period) -> str:
    """The name of the agency a period is reported to, as it was called on the period's day."""
    programme = await storage.catalogue.programme_by_id(period.programme_id)
    return await consolidator_label(storage, t, period_day(period), programme)
