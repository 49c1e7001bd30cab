"""Figures from a spreadsheet: the agency's own sheet for a period, and a filled one checked and saved.

A filled sheet is checked item by item exactly as the conversation checks a typed figure: each cell goes
through `bot.domain.reporting.prepare` (the same parsing, ranges and jump detection), and is saved through
`bot.services.report.record_answer`, the one save path, with the version the user was shown. Nothing is
saved until the user confirms the review, and a sheet with any problem saves nothing: its problems are
listed by row. A figure that jumps against last period is saved only when the user confirms the jumps.
A focal point can send back only a sheet of one of their own agencies.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.models import Answer, DataElement, ElementType, Period, PeriodState, Value
from bot.domain.reporting import ConfirmedNumber, Draft, Given, Milestone, NotApplicable, TypedNumber, prepare
from bot.domain.review import ReviewState, plain
from bot.domain.validation import NeedsConfirmation, Rejected
from bot.files.values_sheet import SheetHeading, SheetItem, SheetRow, SheetUnreadable, read_sheet, write_sheet
from bot.i18n import Translator
from bot.services.report import Conflict, Locked, ReportSheet, Saved, load_sheet, record_answer
from storage import Storage

SHEET_TYPES = (ElementType.NUMBER, ElementType.COUNT, ElementType.PERCENT, ElementType.MILESTONE)
YES = {"yes", "y", "x", "1", "có", "co", "đạt", "dat", "đã đạt", "da dat", "achieved"}
NO = {"no", "n", "0", "không", "khong", "chưa đạt", "chua dat", "not achieved"}
NOT_APPLICABLE = {"n/a", "na", "kad", "không áp dụng", "khong ap dung", "not applicable"}
SHEET_MAX_BYTES = 1024 * 1024


async def sheet_for(storage: Storage, period: Period, agency_code: str, t: Translator) -> bytes | None:
    """The agency's sheet for the period: its items, units, valid ranges, last and current figures."""
    sheet = await load_sheet(storage, period, agency_code)
    if sheet is None or not sheet.elements:
        return None
    items = [_item(sheet, element, t) for element in sheet.elements if element.type in SHEET_TYPES]
    heading = SheetHeading(
        period.programme_code, period.code, agency_code, sheet.agency.name(t.locale), sheet.previous_code
    )
    return await asyncio.to_thread(write_sheet, heading, items, t)


def _item(sheet: ReportSheet, element: DataElement, t: Translator) -> SheetItem:
    current = sheet.values.get(element.code)
    return SheetItem(
        code=element.code,
        name=element.name(t.locale),
        unit=element.unit,
        allowed=_allowed(element, t),
        previous=_cell(element, sheet.previous.get(element.code), t),
        current=_cell(element, current, t),
        note=current.note if current else None,
    )


def _cell(element: DataElement, value: Value | None, t: Translator) -> float | str | None:
    """A stored answer as the sheet shows it: the number, yes/no, n/a, or blank."""
    if value is None or value.answer is Answer.SKIPPED:
        return None
    if value.answer is Answer.NOT_APPLICABLE:
        return "n/a"
    if element.type is ElementType.MILESTONE:
        return t.gettext("yes") if value.text == "yes" else t.gettext("no")
    return value.number


def _allowed(element: DataElement, t: Translator) -> str:
    if element.type is ElementType.MILESTONE:
        return t.gettext("yes / no")
    if element.type is ElementType.PERCENT:
        bottom = element.min_value if element.min_value is not None else 0
        top = element.max_value if element.max_value is not None else 100
        return f"{t.number(bottom)} – {t.number(top)} %"
    if element.type is ElementType.COUNT:
        return t.gettext("a whole number ≥ 0")
    if element.min_value is not None or element.max_value is not None:
        low = t.number(element.min_value) if element.min_value is not None else "…"
        high = t.number(element.max_value) if element.max_value is not None else "…"
        return f"{low} – {high}"
    return t.gettext("a number")


# ----------------------------------------------------------------- checking a filled sheet


@dataclass(frozen=True)
class Planned:
    """One item the sheet changes: what it stores, and the jump to confirm if the figure needs it."""

    row: int
    element: DataElement
    draft: Draft
    seen_version: int
    jump: NeedsConfirmation | None = None


@dataclass(frozen=True)
class Problem:
    """A row the conversation would have refused: `reason` and `params` are a refusal's (rendering's keys),
    or "unknown_item", "not_yes_no", "twice"."""

    row: int
    code: str
    reason: str
    params: dict[str, float | str] = field(default_factory=dict)
    element: DataElement | None = None


@dataclass(frozen=True)
class Checked:
    """A sheet that can be saved: its changes (none when it matches what is stored)."""

    sheet: ReportSheet
    planned: list[Planned]

    @property
    def jumps(self) -> list[Planned]:
        return [item for item in self.planned if item.jump is not None]


@dataclass(frozen=True)
class Refused:
    """Nothing was changed: the file is unreadable or not the user's, or rows have problems."""

    why: str  # "unreadable", "not_yours", "no_period", "locked", "rows"
    detail: str = ""
    problems: list[Problem] = field(default_factory=list)


async def check_sheet(storage: Storage, content: bytes, agency_codes: list[str], locale: str) -> Checked | Refused:
    """Read a filled sheet and check every row as the conversation would; nothing is written."""
    try:
        (programme, period_code, agency_code), rows = await asyncio.to_thread(read_sheet, content)
    except SheetUnreadable as error:
        return Refused("unreadable", str(error))
    if agency_code not in agency_codes:
        return Refused("not_yours", agency_code)
    period = next((p for p in await storage.periods.find(period_code) if p.programme_code == programme), None)
    if period is None:
        return Refused("no_period", period_code)
    review = await storage.reviews.get(period.id, agency_code)
    if period.state is PeriodState.LOCKED or (review is not None and review.state is ReviewState.ACCEPTED):
        return Refused("locked", period.code)
    sheet = await load_sheet(storage, period, agency_code)
    if sheet is None:
        return Refused("not_yours", agency_code)
    planned, problems = _check_rows(sheet, rows, locale)
    if problems:
        return Refused("rows", problems=problems)
    return Checked(sheet, planned)


def _check_rows(sheet: ReportSheet, rows: list[SheetRow], locale: str) -> tuple[list[Planned], list[Problem]]:
    planned: list[Planned] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for row in rows:
        element = sheet.element(row.code)
        if element is None or element.type not in SHEET_TYPES:
            problems.append(Problem(row.row, row.code, "unknown_item"))
            continue
        if row.code in seen:
            problems.append(Problem(row.row, row.code, "twice", element=element))
            continue
        seen.add(row.code)
        outcome = _check_row(sheet, element, row, locale)
        if isinstance(outcome, Problem):
            problems.append(outcome)
        elif outcome is not None:
            planned.append(outcome)
    return planned, problems


def _given(element: DataElement, row: SheetRow, locale: str) -> Given | Problem | None:
    """What a cell gives, as the conversation's answers; None for a blank cell (the item stays as it is)."""
    value = row.value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and value.strip().lower() in NOT_APPLICABLE:
        return NotApplicable()
    if element.type is ElementType.MILESTONE:
        word = str(value).strip().lower()
        if word in YES or word in NO:
            return Milestone(word in YES)
        return Problem(row.row, row.code, "not_yes_no", element=element)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return Problem(row.row, row.code, "not_a_number", element=element)
    # A number Excel holds is given as plain digits; a text cell as the user typed it, in their language.
    return TypedNumber(plain(float(value)), "en") if not isinstance(value, str) else TypedNumber(value.strip(), locale)


def _check_row(sheet: ReportSheet, element: DataElement, row: SheetRow, locale: str) -> Planned | Problem | None:
    given = _given(element, row, locale)
    if given is None or isinstance(given, Problem):
        return given
    existing = sheet.values.get(element.code)
    version = existing.version if existing else 0
    decided = prepare(given, element, existing, sheet.previous.get(element.code))
    jump = None
    if isinstance(decided, NeedsConfirmation):
        jump, decided = decided, prepare(ConfirmedNumber(decided.number), element, existing, None)
    if isinstance(decided, Rejected):
        return Problem(row.row, row.code, decided.reason, decided.params, element)
    if not isinstance(decided, Draft):
        return Problem(row.row, row.code, "not_a_number", element=element)
    if row.note is not None:
        decided = Draft(decided.answer, decided.number, decided.text, row.note[:500])
    if existing is not None and (existing.answer, existing.number, existing.text, existing.note) == (
        decided.answer,
        decided.number,
        decided.text,
        decided.note,
    ):
        return None  # unchanged
    return Planned(row.row, element, decided, version, jump)


# ----------------------------------------------------------------- saving


@dataclass(frozen=True)
class Applied:
    """What saving a checked sheet did: saved items, items a colleague changed meanwhile (theirs kept)."""

    saved: list[str]
    conflicts: list[str]
    skipped_jumps: list[str]
    locked: bool = False


async def apply_sheet(
    storage: Storage, checked: Checked, *, with_jumps: bool, versions: dict[str, int], by: int, now: datetime
) -> Applied:
    """Save the checked items through the one save path, with the versions the user was shown."""
    saved: list[str] = []
    conflicts: list[str] = []
    skipped: list[str] = []
    for item in checked.planned:
        code = item.element.code
        if item.jump is not None and not with_jumps:
            skipped.append(code)
            continue
        outcome = await record_answer(
            storage, checked.sheet, code, item.draft, by=by, seen_version=versions.get(code, item.seen_version), now=now
        )
        if isinstance(outcome, Locked):
            return Applied(saved, conflicts, skipped, locked=True)
        if isinstance(outcome, Saved):
            saved.append(code)
        elif isinstance(outcome, Conflict):
            conflicts.append(code)
    return Applied(saved, conflicts, skipped)
