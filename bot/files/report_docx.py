"""A draft report (báo cáo) in Word for the consolidating agency to edit and sign: the official header of
Decree 30/2020/NĐ-CP (agency and national motto side by side, number and date left as dots to fill in),
the title, the sections of `report_text` (which writes nothing the data do not say), the recipients and
signature blocks, then the appendix table on a landscape page.

python-docx is imported only here, and this module only in the worker thread that renders the file."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from bot.domain import aggregation
from bot.domain.rendering import Translates
from bot.domain.summary import Summary
from bot.files.report_text import Section, sections
from bot.files.style import (
    BODY_SIZE,
    FONT,
    FORM_NUMBER,
    MARGINS_MM,
    MOTTO,
    MOTTO_SIZE,
    NATION,
    PLACEHOLDER,
    TABLE_SIZE,
    FileInputs,
    fixed,
)
from bot.files.table import appendix, headers

DOTS = PLACEHOLDER * 3
HEAD_SIZE = MOTTO_SIZE - 1  # 12 pt, within the Decree's 12-13: the motto then fits its half of the page
APPENDIX_WIDTHS = (12, 72, 26, 42, 20, 20, 22, 30)  # millimetres; the notes stay in the workbook


def summary_docx(
    summary: Summary, figures: Sequence[aggregation.Figure], t: Translates, inputs: FileInputs | None = None
) -> bytes:
    """The draft report as a .docx file."""
    inputs = inputs or FileInputs()
    document = Document()
    _base_style(document)
    _header(document, summary, t, inputs)
    _title(document, summary, t)
    for section in sections(summary, figures, t):
        _section(document, section, level=1)
    _closing(document, t)
    _appendix(document, summary, t, inputs)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _base_style(document: Any) -> None:
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_SIZE)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)  # Word otherwise falls back for some letters
    style.paragraph_format.space_after = Pt(6)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])


def _line(cell_or_doc: Any, text: str, *, size: int = BODY_SIZE, bold: bool = False, italic: bool = False,
          underline: bool = False, align: Any = WD_ALIGN_PARAGRAPH.CENTER) -> Any:  # fmt: skip
    paragraph = cell_or_doc.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.font.size, run.font.bold, run.font.italic, run.font.underline = Pt(size), bold, italic, underline
    return paragraph


def _header(document: Any, summary: Summary, t: Translates, inputs: FileInputs) -> None:
    """Agency (parent above, issuing agency in bold) and number left; motto and place-and-date right."""
    letterhead = inputs.letterhead
    table = document.add_table(rows=1, cols=2)
    _widths(table, (68, 97))
    left, right = table.rows[0].cells
    for cell in (left, right):
        cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)
    _line(left, letterhead.parent_heading(t.locale) or DOTS * 4, size=HEAD_SIZE)
    _line(left, letterhead.agency(t.locale).upper() or DOTS * 4, size=HEAD_SIZE, bold=True, underline=True)
    _line(left, t.gettext("No.: {blank}/BC-{blank}").format(blank=DOTS), size=BODY_SIZE)
    _line(right, NATION, size=HEAD_SIZE, bold=True)
    _line(right, MOTTO, size=BODY_SIZE + 1, bold=True, underline=True)
    place = letterhead.place(t.locale) or DOTS * 2
    _line(
        right,
        t.gettext("{place}, day {blank} month {blank} year {year}").format(
            place=place, blank=DOTS, year=summary.generated_at.year
        ),
        italic=True,
    )


def _title(document: Any, summary: Summary, t: Translates) -> None:
    document.add_paragraph()
    _line(document, t.gettext("REPORT"), size=14, bold=True)
    programme = summary.programme.title_en if t.locale == "en" else summary.programme.title_vi
    _line(
        document,
        t.gettext("Results of implementing the {programme}, reporting period {period}").format(
            programme=programme[:1].lower() + programme[1:], period=summary.period.code
        ),
        size=14,
        bold=True,
    )
    document.add_paragraph()


def _section(document: Any, section: Section, level: int) -> None:
    heading = document.add_paragraph()
    heading.paragraph_format.space_before = Pt(6)
    heading.add_run(section.heading).bold = True
    for text in section.paragraphs:
        paragraph = document.add_paragraph(text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Mm(10)
    for text in section.bullets:
        paragraph = document.add_paragraph("- " + text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Mm(10)
    for part in section.parts:
        _section(document, part, level + 1)


def _closing(document: Any, t: Translates) -> None:
    """Recipients left, the head of the agency's signature right: the officer fills both in."""
    document.add_paragraph()
    table = document.add_table(rows=1, cols=2)
    _widths(table, (80, 85))
    left, right = table.rows[0].cells
    for cell in (left, right):
        cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)
    _line(left, t.gettext("Recipients:"), size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(left, f"- {DOTS * 3};", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(left, t.gettext("- Archived: {blank}.").format(blank=DOTS), size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(right, t.gettext("HEAD OF AGENCY"), bold=True)
    _line(right, t.gettext("(Signature, full name, seal)"), italic=True)


def _appendix(document: Any, summary: Summary, t: Translates, inputs: FileInputs) -> None:
    """The appendix table on a landscape page, with its own title and column numbers."""
    page = document.add_section(WD_SECTION.NEW_PAGE)
    page.orientation = WD_ORIENT.LANDSCAPE
    page.page_width, page.page_height = Mm(297), Mm(210)
    page.left_margin, page.right_margin = Mm(MARGINS_MM["left"] - 10), Mm(MARGINS_MM["right"])
    _line(document, t.gettext("Form No. {number}").format(number=FORM_NUMBER), bold=True,
          align=WD_ALIGN_PARAGRAPH.RIGHT)  # fmt: skip
    _line(document, t.gettext("RESULTS OF THE PROGRAMME'S INDICATORS"), bold=True)
    _line(
        document,
        t.gettext("(Attached to Report No. {blank}/BC-{blank} dated {blank} of {agency})").format(
            blank=DOTS, agency=inputs.letterhead.agency(t.locale) or DOTS * 2
        ),
        italic=True,
    )
    document.add_paragraph()
    titles = headers(summary, t)[: len(APPENDIX_WIDTHS)]
    table = document.add_table(rows=2, cols=len(titles))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for position, title in enumerate(titles):
        _cell(table.rows[0].cells[position], title, bold=True)
        _cell(table.rows[1].cells[position], f"({position + 1})", italic=True)
    for heading in table.rows[:2]:  # repeated at the top of every page the table runs onto
        heading._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for area in appendix(summary, t):
        cells = table.add_row().cells
        _cell(cells[0], area.numeral, bold=True)
        merged = cells[1].merge(cells[-1])
        _cell(merged, area.name, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
        for row in area.rows:
            values = [
                str(row.number),
                row.name,
                row.unit,
                row.target,
                _number(row.previous, row.digits, t),
                _number(row.value, row.digits, t),
                _number(row.progress, 1, t),
                row.status_label,
            ]
            cells = table.add_row().cells
            for position, text in enumerate(values):
                align = WD_ALIGN_PARAGRAPH.LEFT if position in (1, 3) else WD_ALIGN_PARAGRAPH.CENTER
                _cell(cells[position], text, align=align)
    _widths(table, APPENDIX_WIDTHS)


def _widths(table: Any, millimetres: Sequence[int]) -> None:
    """Fixed column widths, set on the grid and on every cell: Word reads one, LibreOffice the other."""
    table.autofit = False
    for column, width in zip(table.columns, millimetres, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)


def _number(value: float | int | None, digits: int, t: Translates) -> str:
    return fixed(value, digits, t.locale)


def _cell(cell: Any, text: str, *, bold: bool = False, italic: bool = False,
          align: Any = WD_ALIGN_PARAGRAPH.CENTER) -> None:  # fmt: skip
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.font.size, run.font.bold, run.font.italic = Pt(TABLE_SIZE), bold, italic
