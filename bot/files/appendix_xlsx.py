"""The summary as the Excel appendix (biểu) a consolidating agency attaches to its report: the letterhead,
"Biểu số 01" and the "Kèm theo Báo cáo số …" line, the table of indicators under Roman-numbered areas with
a two-level header and the row of column numbers, then the place-and-date line and the signatures. A
second sheet in the same form says who has reported; a third holds every answer as entered, in words.

Written in openpyxl's write-only mode, row by row: a province of a thousand agencies has a hundred
thousand raw values, which a normal workbook would hold in memory as a million cell objects."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.indexed_list import IndexedList

from bot.domain import aggregation
from bot.domain.periods import on_time_rule
from bot.domain.rendering import Translates
from bot.domain.summary import Summary
from bot.files.appendix_raw import raw_sheet
from bot.files.style import (
    FONT,
    FORM_NUMBER,
    PLACEHOLDER,
    STATUS_FORM_NUMBER,
    TABLE_SIZE,
    FileInputs,
    excel_format,
    local_time,
    status_style,
)
from bot.files.table import PROGRESS_DIGITS, Row, appendix
from bot.files.xlsx_form import BOX, CENTRE, LEFT, RIGHT, TOP, FormSheet, font

MAIN_WIDTHS = (6, 46, 14, 24, 12, 12, 12, 20, 34)  # (8) fits "chậm so với lộ trình" on one line
STATUS_WIDTHS = (6, 44, 12, 12, 18, 11, 58)
HEADER_ROW = 10  # below the letterhead, the form number, the titles and the period (`_heading`)
LEFT_BLOCK = 3  # columns under the agency's name; the national motto spans the rest


def summary_xlsx(
    summary: Summary, figures: Sequence[aggregation.Figure], t: Translates, inputs: FileInputs | None = None
) -> bytes:
    """The workbook for an official report; `figures` (the period's answers) fill the raw values sheet."""
    inputs = inputs or FileInputs()
    workbook = Workbook(write_only=True)
    # Every cell without a style of its own (the raw sheet's hundred thousand) takes the workbook's first
    # font: make it the Decree's Times New Roman rather than Calibri. openpyxl has no public setter.
    workbook._fonts = IndexedList([Font(name=FONT, size=TABLE_SIZE, family=1)])
    main_sheet(FormSheet(workbook.create_sheet(t.gettext("Summary")), MAIN_WIDTHS, HEADER_ROW), summary, t, inputs)
    status_sheet(
        FormSheet(workbook.create_sheet(t.gettext("Completeness")), STATUS_WIDTHS, HEADER_ROW), summary, t, inputs
    )
    raw_sheet(workbook.create_sheet(t.gettext("Raw values")), summary, figures, t, inputs)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _heading(sheet: FormSheet, summary: Summary, t: Translates, inputs: FileInputs, title: str, form: str) -> None:
    """Letterhead, form number, title, the programme, the "Kèm theo" line and the period."""
    letterhead = inputs.letterhead
    sheet.letterhead(letterhead, LEFT_BLOCK, t)
    sheet.row([])
    form = t.gettext("Form No. {number}").format(number=form)
    width = len(sheet.widths)
    sheet.spans([(width - 2, width, sheet.cell(form, font=font(bold=True), alignment=RIGHT))])
    sheet.centred(title, size=13, bold=True)
    programme = summary.programme.title_en if t.locale == "en" else summary.programme.title_vi
    sheet.centred(programme, bold=True)
    sheet.centred(
        t.gettext("(Attached to Report No. {blank}/BC-{blank} dated {blank} of {agency})").format(
            blank=PLACEHOLDER * 3, agency=letterhead.agency(t.locale) or PLACEHOLDER * 6
        ),
        italic=True,
    )
    period = summary.period
    sheet.centred(
        t.gettext("Reporting period: {period} (deadline {deadline}); figures as of {when}").format(
            period=period.code, deadline=on_time_rule(period.deadline, t), when=t.datetime(summary.generated_at)
        ),
        italic=True,
    )
    sheet.row([])


def main_sheet(sheet: FormSheet, summary: Summary, t: Translates, inputs: FileInputs) -> None:
    """The appendix table: areas I, II, … and their indicators 1..n, as the bot's summary numbers them."""
    _heading(sheet, summary, t, inputs, t.gettext("RESULTS OF THE PROGRAMME'S INDICATORS"), FORM_NUMBER)
    previous = summary.previous_code or t.gettext("previous")
    sheet.header(
        [
            (1, 1, t.gettext("No.")),
            (2, 2, t.gettext("Indicator")),
            (3, 3, t.gettext("Unit of measure")),
            (4, 4, t.gettext("Target {year}").format(year=summary.programme.horizon_year)),
            (5, 6, t.gettext("Results")),
            (7, 7, t.gettext("Progress towards the target (%)")),
            (8, 8, t.gettext("Assessment")),
            (9, 9, t.gettext("Notes")),
        ],
        {
            5: t.gettext("Period {period}").format(period=previous),
            6: t.gettext("Period {period}").format(period=summary.period.code),
        },
    )
    bold = font(bold=True)
    for area in appendix(summary, t):
        sheet.row(
            [sheet.cell(area.numeral, font=bold, alignment=CENTRE, border=BOX)]
            + [sheet.cell(area.name if column == 2 else None, font=bold, border=BOX) for column in range(2, 10)],
            merges=[(2, 9)],
        )
        for row in area.rows:
            _indicator_row(sheet, row)
    sheet.signatures(inputs.letterhead.place(t.locale), summary.generated_at.year, t, LEFT_BLOCK, (6, 9))


def _indicator_row(sheet: FormSheet, row: Row) -> None:
    figure = excel_format(row.digits)
    fill = PatternFill("solid", fgColor=status_style(row.status).fill)
    cells = [
        sheet.cell(row.number, alignment=CENTRE, border=BOX),
        sheet.cell(row.name, alignment=LEFT, border=BOX),
        sheet.cell(row.unit, alignment=CENTRE, border=BOX),
        sheet.cell(row.target, alignment=LEFT, border=BOX),
        sheet.cell(row.previous, alignment=TOP, border=BOX, number_format=figure),
        sheet.cell(row.value, alignment=TOP, border=BOX, number_format=figure),
        sheet.cell(row.progress, alignment=TOP, border=BOX, number_format=excel_format(PROGRESS_DIGITS)),
        sheet.cell(row.status_label, alignment=CENTRE, border=BOX, fill=fill),
        sheet.cell(row.remarks, alignment=LEFT, border=BOX),
    ]
    widths = sheet.widths
    height = sheet.height([(row.name, widths[1]), (row.target, widths[3]), (row.remarks, widths[8])])
    sheet.row(cells, height=height)


def status_sheet(sheet: FormSheet, summary: Summary, t: Translates, inputs: FileInputs) -> None:
    """Who has reported, in the same form: items owed and missing, when submitted, on time or not."""
    _heading(sheet, summary, t, inputs, t.gettext("REPORTING STATUS OF THE AGENCIES"), STATUS_FORM_NUMBER)
    titles = [
        t.gettext("No."),
        t.gettext("Agency"),
        t.gettext("Items owed"),
        t.gettext("Items missing"),
        t.gettext("Submitted at"),
        t.gettext("On time"),
        t.gettext("Missing items"),
    ]
    sheet.header([(column, column, title) for column, title in enumerate(titles, start=1)], {})
    when = "hh:mm dd/mm/yyyy" if t.locale == "vi" else "yyyy-mm-dd hh:mm"
    for number, report in enumerate(summary.agencies, start=1):
        submission = report.submission
        missing = (
            t.gettext("all items")
            if report.missing and len(report.missing) == report.owed
            else "; ".join(summary.elements[c].name(t.locale) for c in report.missing if c in summary.elements)
        )
        submitted = local_time(submission.submitted_at, t) if submission else t.gettext("not submitted")
        on_time = (t.gettext("yes") if submission.on_time else t.gettext("no")) if submission else ""
        cells = [
            sheet.cell(number, alignment=CENTRE, border=BOX),
            sheet.cell(report.agency.name(t.locale), alignment=LEFT, border=BOX),
            sheet.cell(report.owed, alignment=CENTRE, border=BOX, number_format="0"),
            sheet.cell(len(report.missing), alignment=CENTRE, border=BOX, number_format="0"),
            sheet.cell(submitted, alignment=CENTRE, border=BOX, number_format=when),
            sheet.cell(on_time, alignment=CENTRE, border=BOX),
            sheet.cell(missing, alignment=LEFT, border=BOX),
        ]
        height = sheet.height([(report.agency.name(t.locale), sheet.widths[1]), (missing, sheet.widths[6])])
        sheet.row(cells, height=height)
    sheet.signatures(inputs.letterhead.place(t.locale), summary.generated_at.year, t, 2, (5, 7))
