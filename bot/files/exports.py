"""The summary as files: JSON (a stable schema), CSV (UTF-8 with BOM, so Excel reads Vietnamese), an Excel
workbook in the layout an officer of the consolidating agency attaches to an official report, and a chart
for phones.

JSON schema `chitieu.summary/1`:
    {"schema", "programme", "period", "deadline", "generated_at",
     "indicators": [{"code", "name_vi", "name_en", "area", "unit", "value", "previous", "target":
                     {"comparator", "value", "year"} | null, "progress", "expected", "status", "trend",
                     "value_status", "covered": [agency codes], "missing": [agency codes]}],
     "completeness": {"expected", "submitted", "on_time", "late", "not_submitted",
                      "agencies": [{"code", "name_vi", "submitted_at", "on_time", "owed", "missing_items"}]}}
Numbers are as computed (not rounded); status is one of achieved, on_track, at_risk, off_track, no_data.

Rendering a workbook or a chart is CPU work that grows with the province, so the bot runs it in a worker
thread (`summary_file`), never on the event loop that answers everyone else. Everything here is safe
there and safe twice at once: it reads the summary it is given and builds its own workbook or figure;
openpyxl and matplotlib are imported inside the functions, so in the worker; the chart uses matplotlib's
object API on an Agg canvas of its own, never pyplot's global figures, and takes text literally (no
mathtext, whose parser is shared).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from bot.domain import aggregation
from bot.domain.progress import Status
from bot.domain.rendering import Translates, shorten
from bot.domain.summary import IndicatorSummary, Summary
from bot.domain.summary_text import area_name, numbered, status_name, target_text, value_status_name

SCHEMA = "chitieu.summary/1"
FILLS = {
    Status.ACHIEVED: "C6EFCE",
    Status.ON_TRACK: "DDEBF7",
    Status.AT_RISK: "FFEB9C",
    Status.OFF_TRACK: "FFC7CE",
    Status.NO_DATA: "EDEDED",
}
COLOURS = {
    Status.ACHIEVED: "#2e7d32",
    Status.ON_TRACK: "#1565c0",
    Status.AT_RISK: "#f9a825",
    Status.OFF_TRACK: "#c62828",
    Status.NO_DATA: "#9e9e9e",
}


def summary_json(summary: Summary) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "programme": summary.programme.code,
        "period": summary.period.code,
        "deadline": summary.period.deadline.isoformat(),
        "generated_at": summary.generated_at.isoformat(timespec="seconds"),
        "indicators": [_indicator_json(item) for _, item in numbered(summary)],
        "completeness": {
            "expected": len(summary.agencies),
            "submitted": len(summary.submitted),
            "on_time": len(summary.on_time),
            "late": len(summary.late),
            "not_submitted": len(summary.not_submitted),
            "agencies": [
                {
                    "code": report.agency.code,
                    "name_vi": report.agency.name_vi,
                    "submitted_at": report.submission.submitted_at.isoformat() if report.submission else None,
                    "on_time": report.submission.on_time if report.submission else None,
                    "owed": report.owed,
                    "missing_items": list(report.missing),
                }
                for report in summary.agencies
            ],
        },
    }


def _indicator_json(item: IndicatorSummary) -> dict[str, Any]:
    indicator, assessment = item.indicator, item.assessment
    return {
        "code": indicator.code,
        "name_vi": indicator.name_vi,
        "name_en": indicator.name_en,
        "area": indicator.area,
        "unit": indicator.unit,
        "value": item.value,
        "previous": item.previous,
        "target": indicator.target.model_dump(mode="json") if indicator.target else None,
        "progress": assessment.progress,
        "expected": assessment.expected,
        "status": assessment.status.value,
        "trend": assessment.trend.value,
        "value_status": item.value_status.value if item.value_status else None,
        "covered": list(item.aggregate.covered),
        "missing": list(item.aggregate.missing),
    }


def _headers(summary: Summary, t: Translates) -> list[str]:
    year = summary.programme.horizon_year
    return [
        t.gettext("No."),
        t.gettext("Indicator"),
        t.gettext("Unit"),
        t.gettext("Target {year}").format(year=year),
        t.gettext("Result this period"),
        t.gettext("Previous period"),
        t.gettext("Progress"),
        t.gettext("Assessment"),
        t.gettext("Notes"),
    ]


def _remarks(item: IndicatorSummary, names: dict[str, str], t: Translates) -> str:
    parts = []
    if item.aggregate.missing:
        parts.append(
            t.gettext("Not yet reported: {agencies}").format(
                agencies=", ".join(names.get(code, code) for code in item.aggregate.missing)
            )
        )
    if item.value_status:
        parts.append(value_status_name(item.value_status, t))
    parts += [f"{names.get(agency, agency)}: {note}" for agency, note in item.notes]
    parts += [
        t.gettext("Explanation from {agency}: {answer}").format(agency=names.get(agency, agency), answer=answer)
        for agency, _, answer in item.explanations
        if answer
    ]
    return "; ".join(parts)


def _rows(summary: Summary, t: Translates) -> list[list[Any]]:
    names = {report.agency.code: report.agency.name(t.locale) for report in summary.agencies}
    rows = []
    for number, item in numbered(summary):
        indicator = item.indicator
        target_words = indicator.target_text_en if t.locale == "en" else indicator.target_text_vi
        progress = item.assessment.progress
        rows.append(
            [
                number,
                indicator.name(t.locale),
                indicator.unit,
                target_words or target_text(indicator, t),
                item.value,
                item.previous,
                None if progress is None else progress / 100,
                status_name(item.assessment.status, t),
                _remarks(item, names, t),
            ]
        )
    return rows


def summary_file(kind: str, summary: Summary, figures: Sequence[aggregation.Figure], t: Translates) -> bytes:
    """The summary as `kind` (xlsx, csv or png): what a worker thread renders; `figures` feed only xlsx."""
    if kind == "xlsx":
        return summary_xlsx(summary, figures, t)
    if kind == "csv":
        return summary_csv(summary, t)
    if kind == "png":
        return summary_png(summary, t)
    raise ValueError(f"no summary file of kind {kind!r}")


def summary_csv(summary: Summary, t: Translates) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_headers(summary, t))
    for row in _rows(summary, t):
        writer.writerow(["" if cell is None else cell for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def summary_xlsx(summary: Summary, figures: Sequence[aggregation.Figure], t: Translates) -> bytes:
    """The workbook for an official report; `figures` (the period's answers) fill the raw values sheet.

    Written in openpyxl's write-only mode, row by row: a province of a thousand agencies has a hundred
    thousand raw values, which a normal workbook would hold in memory as a million cell objects."""
    from openpyxl import Workbook  # imported here: openpyxl costs ~28 MB, and most processes never export

    workbook = Workbook(write_only=True)
    _main_sheet(Sheet(workbook.create_sheet(t.gettext("Summary"))), summary, t)
    _completeness_sheet(Sheet(workbook.create_sheet(t.gettext("Completeness"))), summary, t)
    _raw_sheet(Sheet(workbook.create_sheet(t.gettext("Raw values"))), summary, figures, t)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class Sheet:
    """A write-only worksheet and the styles its cells share. Column widths and the frozen header must be
    set before the first row, since they come first in the file."""

    def __init__(self, sheet: Any) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        self.sheet = sheet
        self.rows = 0
        self.title_font = Font(bold=True, size=14)
        self.subtitle_font = Font(size=11)
        self.bold = Font(bold=True)
        self.centred = Alignment(horizontal="center")
        self.header_fill = PatternFill("solid", fgColor="D9E1F2")
        self.header_alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.top = Alignment(vertical="top")
        self.top_wrapped = Alignment(vertical="top", wrap_text=True)
        self.status_fills = {status: PatternFill("solid", fgColor=colour) for status, colour in FILLS.items()}

    def layout(self, widths: list[int], header_row: int) -> None:
        from openpyxl.utils import get_column_letter

        for column, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(column)].width = width
        self.sheet.freeze_panes = f"A{header_row + 1}"

    def cell(self, value: Any, **style: Any) -> Any:
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self.sheet, value=value)
        for name, setting in style.items():
            setattr(cell, name, setting)
        return cell

    def append(self, values: Sequence[Any]) -> None:
        self.sheet.append(values)
        self.rows += 1

    def title(self, lines: list[str], width: int) -> None:
        from openpyxl.utils import get_column_letter

        for number, text in enumerate(lines):
            font = self.title_font if number == 0 else self.subtitle_font
            self.append([self.cell(text, font=font, alignment=self.centred)])
            self.sheet.merged_cells.add(f"A{self.rows}:{get_column_letter(width)}{self.rows}")

    def header(self, headers: list[str]) -> None:
        self.append(
            [
                self.cell(text, font=self.bold, fill=self.header_fill, alignment=self.header_alignment)
                for text in headers
            ]
        )


def _main_sheet(sheet: Sheet, summary: Summary, t: Translates) -> None:
    period = summary.period
    header = 5
    sheet.layout([6, 48, 14, 26, 16, 16, 11, 16, 60], header)
    sheet.title(
        [
            t.gettext("PROGRESS REPORT ON THE PROGRAMME'S TARGETS"),
            summary.programme.title_en if t.locale == "en" else summary.programme.title_vi,
            t.gettext("Reporting period: {period} (deadline {deadline}); generated {when}").format(
                period=period.code, deadline=t.date(period.deadline), when=t.datetime(summary.generated_at)
            ),
        ],
        9,
    )
    while sheet.rows < header - 1:
        sheet.append([])
    sheet.header(_headers(summary, t))
    area = None
    items = dict(numbered(summary))
    formats = {5: "#,##0.00", 6: "#,##0.00", 7: "0.0%"}
    for values in _rows(summary, t):
        item = items[values[0]]
        if item.indicator.area != area:
            area = item.indicator.area
            sheet.append([None, sheet.cell(area_name(area, t), font=sheet.bold)])
        row = []
        for column, value in enumerate(values, start=1):
            style: dict[str, Any] = {"alignment": sheet.top_wrapped if column in (2, 4, 9) else sheet.top}
            if column in formats:
                style["number_format"] = formats[column]
            if column == 8:
                style["fill"] = sheet.status_fills[item.assessment.status]
            row.append(sheet.cell(value, **style))
        sheet.append(row)


def _completeness_sheet(sheet: Sheet, summary: Summary, t: Translates) -> None:
    headers = [
        t.gettext("No."),
        t.gettext("Agency"),
        t.gettext("Items owed"),
        t.gettext("Items missing"),
        t.gettext("Submitted at"),
        t.gettext("On time"),
        t.gettext("Missing items"),
    ]
    sheet.layout([6, 44, 12, 12, 20, 10, 70], 3)
    sheet.title([t.gettext("REPORTING STATUS, PERIOD {period}").format(period=summary.period.code)], len(headers))
    sheet.append([])
    sheet.header(headers)
    for number, report in enumerate(summary.agencies, start=1):
        submission = report.submission
        sheet.append(
            [
                number,
                report.agency.name(t.locale),
                report.owed,
                len(report.missing),
                t.datetime(submission.submitted_at) if submission else t.gettext("not submitted"),
                (t.gettext("yes") if submission.on_time else t.gettext("no")) if submission else "",
                "; ".join(summary.elements[c].name(t.locale) for c in report.missing if c in summary.elements),
            ]
        )


def _raw_sheet(sheet: Sheet, summary: Summary, figures: Sequence[aggregation.Figure], t: Translates) -> None:
    headers = [
        t.gettext("Agency"),
        t.gettext("Item"),
        t.gettext("Unit"),
        t.gettext("Answer"),
        t.gettext("Value"),
        t.gettext("Text"),
        t.gettext("Status"),
        t.gettext("Note"),
        t.gettext("Entered by"),
        t.gettext("Entered at"),
    ]
    sheet.layout([16, 50, 12, 12, 16, 14, 12, 40, 12, 22], 1)
    sheet.header(headers)
    names = {code: (element.name(t.locale), element.unit) for code, element in summary.elements.items()}
    for figure in figures:
        name, unit = names.get(figure.element_code, (figure.element_code, ""))
        sheet.append(
            [
                figure.agency_code,
                name,
                unit,
                figure.answer,
                sheet.cell(figure.number, number_format="#,##0.####"),
                figure.text,
                figure.status,
                figure.note,
                figure.updated_by,
                str(figure.updated_at),
            ]
        )


def summary_png(summary: Summary, t: Translates) -> bytes:
    """Progress towards the target per indicator, coloured by status; tall and narrow for a phone."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    items = [item for _, item in numbered(summary)]
    figure = Figure(figsize=(7, 1.6 + 0.34 * len(items)), dpi=150)
    FigureCanvasAgg(figure)  # the figure's own Agg renderer: nothing shared with another thread's chart
    axes = figure.add_subplot()
    labels = [shorten(item.indicator.name(t.locale), 42) for item in items]
    values = [min(max(item.assessment.progress or 0.0, 0.0), 120.0) for item in items]
    colours = [COLOURS[item.assessment.status] for item in items]
    positions = list(range(len(items)))[::-1]
    axes.barh(positions, values, color=colours, height=0.7)
    for position, item, value in zip(positions, items, values, strict=True):
        text = "–" if item.assessment.progress is None else f"{t.number(item.assessment.progress, 0)} %"
        axes.text(value + 1.5, position, text, va="center", fontsize=7, parse_math=False)
    axes.axvline(100, color="#424242", linewidth=0.8, linestyle="--")
    axes.set_yticks(positions, labels, fontsize=7, parse_math=False)  # a "$" in a name stays a "$"
    axes.set_xlim(0, 130)
    axes.set_xlabel(
        t.gettext("Progress towards the {year} target (%)").format(year=summary.programme.horizon_year),
        fontsize=8,
        parse_math=False,
    )
    axes.set_title(
        t.gettext("Period {period} · {programme}").format(period=summary.period.code, programme=summary.programme.code),
        fontsize=10,
        parse_math=False,
    )
    axes.legend(
        handles=[Patch(color=COLOURS[s], label=status_name(s, t)) for s in Status], fontsize=7, loc="lower right"
    )
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
