"""The workbook's sheet of every answer as entered, for an officer who checks a figure: in the reader's
language throughout (no stored codes such as `value` or `in_progress`), the agency's and the person's
names rather than codes and Telegram ids, and the moment of entry as a real Excel date in local time.

A province has a hundred thousand answers: rows carry plain values, and only the cells that need a number
format get a style of their own (the workbook's default font is already Times New Roman)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from bot.domain import aggregation
from bot.domain.models import Answer, ElementType, ValueStatus
from bot.domain.rendering import Translates, task_status_label
from bot.domain.summary import Summary
from bot.domain.summary_text import value_status_name
from bot.domain.units import unit_label
from bot.files.style import FONT, TABLE_SIZE, FileInputs, decimals, excel_format, local_time

WIDTHS = (40, 50, 14, 14, 14, 18, 14, 40, 22, 18)


def answer_name(answer: str, t: Translates) -> str:
    """What kind of answer a stored one is, in words."""
    return {
        Answer.VALUE.value: t.gettext("given"),
        Answer.SKIPPED.value: t.gettext("skipped"),
        Answer.NOT_APPLICABLE.value: t.gettext("not applicable"),
    }.get(answer, answer)


def text_in_words(element_type: ElementType | None, text: str | None, t: Translates) -> str:
    """A task's status or a milestone's yes/no as the reader says it."""
    if not text:
        return ""
    if element_type is ElementType.MILESTONE:
        return t.gettext("achieved") if text == "yes" else t.gettext("not achieved")
    if element_type is ElementType.TASK:
        return task_status_label(text, t)
    return text


def raw_sheet(
    sheet: Any, summary: Summary, figures: Sequence[aggregation.Figure], t: Translates, inputs: FileInputs
) -> None:
    """One row per answer: agency, item, unit, kind of answer, figure, text, how final, note, who, when."""
    _layout(sheet)
    thin = Side(style="thin")
    bold = Font(name=FONT, size=TABLE_SIZE, bold=True)
    header = [
        WriteOnlyCell(sheet, value=title)
        for title in (
            t.gettext("Agency"),
            t.gettext("Item"),
            t.gettext("Unit of measure"),
            t.gettext("Answer"),
            t.gettext("Figure"),
            t.gettext("Text"),
            t.gettext("How final"),
            t.gettext("Note"),
            t.gettext("Entered by"),
            t.gettext("Entered at"),
        )
    ]
    for cell in header:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.append(header)
    agencies = {report.agency.code: report.agency.name(t.locale) for report in summary.agencies}
    elements = summary.elements
    formats = {code: excel_format(decimals(e.unit, e.type)) for code, e in elements.items()}
    when = "dd/mm/yyyy hh:mm" if t.locale == "vi" else "yyyy-mm-dd hh:mm"
    statuses = {status.value: value_status_name(status, t) for status in ValueStatus}
    for figure in figures:
        element = elements.get(figure.element_code)
        number = WriteOnlyCell(sheet, value=figure.number)
        number.number_format = formats.get(figure.element_code, "#,##0.##")
        entered = WriteOnlyCell(sheet, value=local_time(figure.updated_at, t))
        entered.number_format = when
        sheet.append(
            _as_text(
                sheet,
                agencies.get(figure.agency_code, figure.agency_code),
                element.name(t.locale) if element else figure.element_code,
                unit_label(element.unit, t.locale) if element else "",
                answer_name(figure.answer, t),
                number,
                text_in_words(element.type if element else None, figure.text, t),
                statuses.get(figure.status, figure.status),
                figure.note,
                inputs.people.get(figure.updated_by, "") if figure.updated_by is not None else "",
                entered,
            )
        )


def _as_text(sheet: Any, *values: Any) -> list[Any]:
    """The row's cells, a string starting with '=' (a focal point's note, a Telegram name) kept as text:
    openpyxl would write it as a formula, which Excel runs when the consolidating agency opens the file."""
    row: list[Any] = []
    for value in values:
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            value = cell
        row.append(value)
    return row


def _layout(sheet: Any) -> None:
    """Widths, the frozen title row and the print setup, which a write-only sheet needs before its rows."""
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.paperSize = 9  # A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0  # one page wide, as long as it runs
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.row_dimensions[1].height = 33  # two lines of a wrapped title
