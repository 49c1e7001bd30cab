"""An agency's figures for one period as an Excel sheet: written with its items, units, valid ranges and
last figures for the focal point to fill in, and read back as raw cells.

This module only moves cells: whether a figure is acceptable is decided by the conversation's own checks
(`bot.services.values_sheet`), so a sheet and a chat accept exactly the same figures. The sheet says
which programme, period and agency it is for in its first rows, so a file sent back is matched to its
report without asking. Reading never fails with a traceback: a file that is not a workbook, a sheet
without those rows, or more than MAX_ROWS rows is a SheetUnreadable with one line saying why.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from bot.domain.rendering import Translates

SHEET = "So lieu"
HEADER_ROW = 6
FIRST_ROW = HEADER_ROW + 1
MAX_ROWS = 2000  # an agency owes a few dozen items
# What a sheet may unpack to. openpyxl reads the shared strings whole even in read-only mode, so a 1 MB
# upload that inflates to gigabytes would take the bot's memory; the bot's own sheet unpacks to ~50 kB.
MAX_INFLATED_BYTES = 20 * 1024 * 1024
CODE, VALUE, NOTE = 2, 7, 8  # columns B, G and H (1-based)
FILL_COLOUR = "FFF2CC"


class SheetUnreadable(Exception):
    """The file is not a figures sheet this bot wrote; the message is one line for the user."""


@dataclass(frozen=True)
class SheetItem:
    """One row to fill in: the element's code, name, unit, valid range, last period's and current figures."""

    code: str
    name: str
    unit: str
    allowed: str
    previous: float | str | None
    current: float | str | None
    note: str | None


@dataclass(frozen=True)
class SheetHeading:
    """Which report the sheet is for."""

    programme: str
    period: str
    agency: str
    agency_name: str
    previous_period: str | None


@dataclass(frozen=True)
class SheetRow:
    """One filled row as read: its row number in the sheet, the code, the value cell and the note cell."""

    row: int
    code: str
    value: Any
    note: str | None


def write_sheet(heading: SheetHeading, items: list[SheetItem], t: Translates) -> bytes:
    """The sheet to fill in, with the current figures already there (a blank cell leaves an item as it is).
    CPU work: run it in a worker thread."""
    # Imported here: openpyxl is slow to import, and a bot that never writes a sheet should not pay for it.
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill, Protection

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET
    sheet["A1"] = t.gettext("Figures of {agency}, period {period}").format(
        agency=heading.agency_name, period=heading.period
    )
    sheet["A1"].font = Font(bold=True, size=13)
    for row, (label, value) in enumerate(
        ((t.gettext("Programme"), heading.programme), (t.gettext("Period"), heading.period)), start=2
    ):
        sheet.cell(row, 1, label)
        sheet.cell(row, 2, value)
    sheet.cell(4, 1, t.gettext("Agency"))
    sheet.cell(4, 2, heading.agency)
    sheet.cell(
        5, 1, t.gettext("Fill in the yellow column, then send the file back to the bot. Do not change column B.")
    )
    last = heading.previous_period or "—"
    headers = [
        t.gettext("No."),
        t.gettext("Code"),
        t.gettext("Item"),
        t.gettext("Unit"),
        t.gettext("Valid values"),
        t.gettext("Last period ({period})").format(period=last),
        t.gettext("This period"),
        t.gettext("Note"),
    ]
    for column, header in enumerate(headers, start=1):
        sheet.cell(HEADER_ROW, column, header).font = Font(bold=True)
    for index, item in enumerate(items, start=1):
        line = HEADER_ROW + index
        cells = (index, item.code, item.name, item.unit, item.allowed, item.previous, item.current, item.note)
        for column, cell in enumerate(cells, start=1):
            sheet.cell(line, column, cell)
        sheet.cell(line, VALUE).fill = PatternFill("solid", fgColor=FILL_COLOUR)
        sheet.cell(line, VALUE).protection = Protection(locked=False)
    for letter, width in zip("ABCDEFGH", (5, 26, 48, 12, 22, 16, 16, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = sheet.cell(FIRST_ROW, 3)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def read_sheet(content: bytes) -> tuple[tuple[str, str, str], list[SheetRow]]:
    """(programme, period, agency) and the rows with a code, as the sheet holds them; SheetUnreadable when
    the file is not such a sheet. CPU work: run it in a worker thread."""
    from openpyxl import load_workbook

    _check_inflated(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl and zipfile raise a dozen kinds for a file that is not a workbook
        raise SheetUnreadable(f"not an Excel workbook ({type(error).__name__})") from None
    try:
        if SHEET not in workbook.sheetnames:
            raise SheetUnreadable(f"no sheet named “{SHEET}”: send the sheet the bot gave you")
        cells = _cells(workbook[SHEET])
    finally:
        workbook.close()
    heading = tuple(str(row[1]).strip() if len(row) > 1 and row[1] is not None else "" for row in cells[1:4])
    if len(heading) < 3 or not all(heading):
        raise SheetUnreadable("the programme, period and agency in B2:B4 are missing")
    rows = []
    for number, row in enumerate(cells[HEADER_ROW:], start=FIRST_ROW):
        code = row[CODE - 1] if len(row) >= CODE else None
        if code is None or not str(code).strip():
            continue
        value = row[VALUE - 1] if len(row) >= VALUE else None
        note = row[NOTE - 1] if len(row) >= NOTE else None
        rows.append(SheetRow(number, str(code).strip(), value, str(note).strip() if note not in (None, "") else None))
    return (heading[0], heading[1], heading[2]), rows


def _check_inflated(content: bytes) -> None:
    """SheetUnreadable when the archive claims to unpack to more than a figures sheet ever does."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip at all: load_workbook says so in its own words
    if inflated > MAX_INFLATED_BYTES:
        raise SheetUnreadable("the file unpacks to far more than a figures sheet")


def _cells(sheet: Any) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    try:
        for row in sheet.iter_rows(max_row=HEADER_ROW + MAX_ROWS + 1, max_col=NOTE, values_only=True):
            rows.append(row)
    except Exception as error:  # the XML is parsed as it is read
        raise SheetUnreadable(f"the sheet breaks after row {len(rows)} ({type(error).__name__})") from None
    if len(rows) > HEADER_ROW + MAX_ROWS:
        raise SheetUnreadable(f"more than {MAX_ROWS} rows")
    return rows
