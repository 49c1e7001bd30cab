"""How final an agency's figures are, as use cases: set a figure's status (one item, or the whole report),
and the "official figures" round an admin opens for a past period, which asks each agency only for the
items not yet official.

A status change is a write of the same answer with a new status through `storage.values.save`, with the
version the user saw: it is versioned and kept in the history like any change, and refused where the
figures are locked (a locked period, or a report the consolidating agency accepted).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.figure_status import has_status, not_official
from bot.domain.models import Agency, DataElement, Period, PeriodState, User, ValueStatus
from bot.services.report import ReportSheet, load_sheet
from storage import PeriodLocked, Storage, ValueConflict


async def set_status(
    storage: Storage, sheet: ReportSheet, codes: list[str], status: ValueStatus, *, by: int, now: datetime
) -> int | None:
    """Give these items' figures `status`; how many changed, or None when the figures are locked. A figure a
    colleague changed meanwhile keeps theirs (and its status)."""
    changed = 0
    for code in codes:
        element, value = sheet.element(code), sheet.values.get(code)
        if element is None or value is None or not has_status(element, value) or value.status is status:
            continue
        try:
            saved = await storage.values.save(
                sheet.period,
                sheet.agency.code,
                code,
                answer=value.answer,
                number=value.number,
                text=value.text,
                note=value.note,
                status=status,
                by=by,
                expected_version=value.version,
                now=now,
            )
        except PeriodLocked:
            return None
        except ValueConflict as conflict:
            sheet.values[code] = conflict.current
            continue
        sheet.values[code] = saved
        changed += 1
    return changed


@dataclass(frozen=True)
class RoundOpened:
    """The round is open; `asked` are the agencies with figures not yet official, their items and people."""

    period: Period
    deadline: date
    asked: list[tuple[Agency, list[DataElement], list[User]]]


@dataclass(frozen=True)
class RoundRefused:
    """Not opened: the period is locked (unlock it first), or its figures are all official already."""

    why: str


async def open_round(
    storage: Storage, period: Period, deadline: date, *, by: int, now: datetime
) -> RoundOpened | RoundRefused:
    """Open the period's official-figures round with its own deadline and find whom to ask for what."""
    if period.state is PeriodState.LOCKED:
        return RoundRefused("locked")
    asked = []
    for code in sorted((await storage.catalogue.assignments(period.programme_id)).keys()):
        items = await unofficial_items(storage, period, code)
        if items is None or not items[1]:
            continue
        people = [user for user, _ in await storage.users.members_of(code)]
        asked.append((items[0].agency, items[1], people))
    if not asked:
        return RoundRefused("all_official")
    await storage.figures.open_round(period.id, deadline, by, now)
    return RoundOpened(period, deadline, asked)


async def unofficial_items(
    storage: Storage, period: Period, agency_code: str
) -> tuple[ReportSheet, list[DataElement]] | None:
    """The agency's sheet and its items whose figures are not official yet; None if it owes nothing."""
    sheet = await load_sheet(storage, period, agency_code)
    if sheet is None or not sheet.elements:
        return None
    return sheet, not_official(sheet.elements, sheet.values)
