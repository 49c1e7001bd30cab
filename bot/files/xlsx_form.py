"""A worksheet in the state form: the letterhead block, titles, bordered header rows with the row of column
numbers, the place-and-date line and the signature block, and the print setup (A4 landscape, one page
wide, header rows repeated on every page, the Decree's margins).

openpyxl's write-only mode writes rows in order and cannot go back: widths, row heights, merges and the
print setup are set before the rows they concern (see `FormSheet.row`). Imported only in a worker thread
(`bot.files.exports.summary_file`), so that openpyxl stays out of the bot's own process until needed."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from bot.domain.rendering import Translates
from bot.files.style import (
    FONT,
    MARGINS_MM,
    MOTTO,
    MOTTO_SIZE,
    NATION,
    PLACEHOLDER,
    TABLE_SIZE,
    Letterhead,
)

LINE_HEIGHT = 16.5  # points per line of 12-13 pt Times New Roman
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def font(size: int = TABLE_SIZE, *, bold: bool = False, italic: bool = False, underline: str | None = None) -> Font:
    return Font(name=FONT, size=size, bold=bold, italic=italic, underline=underline)


CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
# Cells of a row are centred vertically, as in printed forms: a number beside a three-line name sits in
# the middle of its row.
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
TOP = Alignment(vertical="center")


class FormSheet:
    """A write-only worksheet laid out as a state form; `widths` in characters, one per column."""

    def __init__(self, sheet: Any, widths: Sequence[float], header_row: int) -> None:
        self.sheet = sheet
        self.widths = list(widths)
        self.rows = 0
        self.header_row = header_row
        # The sheet's view is written with its first row: the panes freeze below the header rows (two
        # levels and the column numbers) from the start.
        sheet.freeze_panes = f"A{header_row + 3}"
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        self._print_setup()

    @property
    def last(self) -> str:
        return get_column_letter(len(self.widths))

    def _print_setup(self) -> None:
        sheet = self.sheet
        sheet.page_setup.paperSize = 9  # A4
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        inch = 25.4
        sheet.page_margins.top = MARGINS_MM["top"] / inch
        sheet.page_margins.bottom = MARGINS_MM["bottom"] / inch
        sheet.page_margins.left = MARGINS_MM["left"] / inch
        sheet.page_margins.right = MARGINS_MM["right"] / inch
        sheet.page_margins.header = sheet.page_margins.footer = 0.3
        sheet.print_options.horizontalCentered = True
        sheet.oddFooter.center.text = "&P/&N"
        sheet.oddFooter.center.font = FONT

    def cell(self, value: Any, **style: Any) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet, value=value)
        style.setdefault("font", font())
        for name, setting in style.items():
            setattr(cell, name, setting)
        return cell

    def row(self, cells: Sequence[Any], *, height: float | None = None, merges: Sequence[tuple[int, int]] = ()) -> int:
        """Append a row; `merges` are (first, last) column spans; returns the row's number."""
        self.rows += 1
        if height is not None:
            self.sheet.row_dimensions[self.rows].height = height
        for first, last in merges:
            if last > first:
                self.sheet.merged_cells.add(
                    f"{get_column_letter(first)}{self.rows}:{get_column_letter(last)}{self.rows}"
                )
        self.sheet.append(list(cells))
        return self.rows

    def spans(self, pieces: Sequence[tuple[int, int, Any]], *, height: float | None = None) -> int:
        """A row of merged spans, each (first column, last column, cell)."""
        cells: list[Any] = [None] * len(self.widths)
        for first, _, cell in pieces:
            cells[first - 1] = cell
        return self.row(cells, height=height, merges=[(first, last) for first, last, _ in pieces])

    def height(self, texts: Sequence[tuple[str, float]], size: int = TABLE_SIZE) -> float:
        """The height of a row whose wrapped cells hold `texts` (text, column width in characters)."""
        lines = 1
        for text, width in texts:
            per_line = max(width * 1.1 * TABLE_SIZE / size - 1, 1)  # Times is narrower than the width's unit
            lines = max(lines, sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n")))
        return lines * LINE_HEIGHT * size / TABLE_SIZE

    def letterhead(self, letterhead: Letterhead, left: int, t: Translates) -> None:
        """The agency above left, the national motto beside it (Decree 30/2020/NĐ-CP, Appendix I)."""
        right = (left + 1, len(self.widths))
        parent = letterhead.parent_heading(t.locale) or PLACEHOLDER * 8
        agency = letterhead.agency(t.locale).upper() or PLACEHOLDER * 8
        head = font(MOTTO_SIZE)
        self.spans([(1, left, self.cell(parent, font=head, alignment=CENTRE)),
                    (*right, self.cell(NATION, font=font(MOTTO_SIZE, bold=True), alignment=CENTRE))],
                   height=LINE_HEIGHT * 1.3)  # fmt: skip
        self.spans([(1, left, self.cell(agency, font=font(MOTTO_SIZE, bold=True), alignment=CENTRE)),
                    (*right, self.cell(MOTTO, font=font(MOTTO_SIZE, bold=True, underline="single"), alignment=CENTRE))],
                   height=LINE_HEIGHT * 1.3)  # fmt: skip

    def centred(self, text: str, *, size: int = TABLE_SIZE, bold: bool = False, italic: bool = False) -> int:
        span = sum(self.widths)
        return self.spans(
            [(1, len(self.widths), self.cell(text, font=font(size, bold=bold, italic=italic), alignment=CENTRE))],
            height=self.height([(text, span)], size) + 2,
        )

    def header(self, top: Sequence[tuple[int, int, str]], below: dict[int, str]) -> tuple[int, int]:
        """A two-level header: `top` spans (first, last, title), a span of one column reaching down over
        both rows unless `below` names its lower title; then the row of column numbers (1), (2), …"""
        first_row = self.rows + 1
        assert first_row == self.header_row, (first_row, self.header_row)  # where the panes were frozen
        bold = font(bold=True)
        titles: list[Any] = [self.cell(None, border=BOX) for _ in self.widths]
        for first, last, text in top:
            titles[first - 1] = self.cell(text, font=bold, alignment=CENTRE, border=BOX)
            for column in range(first + 1, last + 1):
                titles[column - 1] = self.cell(None, border=BOX)
        self.row(titles, height=LINE_HEIGHT * 2.2, merges=[(f, last) for f, last, _ in top if last > f])
        lower = [self.cell(below.get(column), font=bold, alignment=CENTRE, border=BOX) for column in self._columns()]
        self.row(lower, height=LINE_HEIGHT * 2.2)
        for first, last, _ in top:
            if first == last and first not in below:
                letter = get_column_letter(first)
                self.sheet.merged_cells.add(f"{letter}{first_row}:{letter}{first_row + 1}")
        numbers = [
            self.cell(f"({column})", font=font(italic=True), alignment=CENTRE, border=BOX) for column in self._columns()
        ]
        self.row(numbers)
        self.sheet.print_title_rows = f"{first_row}:{self.rows}"
        return first_row, self.rows

    def _columns(self) -> range:
        return range(1, len(self.widths) + 1)

    def signatures(self, place: str, year: int, t: Translates, left: int, right: tuple[int, int]) -> None:
        """The place-and-date line and the two signatures: who drew up the table, the head of the agency."""
        self.row([])
        dated = t.gettext("{place}, day {blank} month {blank} year {year}").format(
            place=place or PLACEHOLDER * 4, blank=PLACEHOLDER * 3, year=year
        )
        self.spans([(*right, self.cell(dated, font=font(italic=True), alignment=CENTRE))], height=LINE_HEIGHT * 1.3)
        bold = font(bold=True)
        self.spans([(1, left, self.cell(t.gettext("PREPARED BY"), font=bold, alignment=CENTRE)),
                    (*right, self.cell(t.gettext("HEAD OF AGENCY"), font=bold, alignment=CENTRE))])  # fmt: skip
        note = font(italic=True)
        signed, sealed = t.gettext("(Signature, full name)"), t.gettext("(Signature, full name, seal)")
        self.spans([(1, left, self.cell(signed, font=note, alignment=CENTRE)),
                    (*right, self.cell(sealed, font=note, alignment=CENTRE))])  # fmt: skip
