"""The summary as files: JSON (a stable schema), CSV (UTF-8 with BOM, so Excel reads Vietnamese), an Excel
workbook in the layout a DPI officer attaches to an official report, and a chart for phones.

JSON schema `chitieu.summary/1`:
    {"schema", "programme", "period", "deadline", "generated_at",
     "indicators": [{"code", "name_vi", "name_en", "area", "unit", "value", "previous", "target":
                     {"comparator", "value", "year"} | null, "progress", "expected", "status", "trend",
                     "value_status", "covered": [agency codes], "missing": [agency codes]}],
     "completeness": {"expected", "submitted", "on_time", "late", "not_submitted",
                      "agencies": [{"code", "name_vi", "submitted_at", "on_time", "owed", "missing_items"}]}}
Numbers are as computed (not rounded); status is one of achieved, on_track, at_risk, off_track, no_data.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from bot.domain import aggregation
from bot.domain.progress import Status
from bot.domain.rendering import Translates, shorten
from bot.domain.summary_text import area_name, numbered, status_name, target_text, value_status_name
from bot.summary_service import IndicatorSummary, Summary

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


def summary_csv(summary: Summary, t: Translates) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_headers(summary, t))
    for row in _rows(summary, t):
        writer.writerow(["" if cell is None else cell for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def summary_xlsx(summary: Summary, figures: Sequence[aggregation.Figure], t: Translates) -> bytes:
    """The workbook for an official report; `figures` (the period's answers) fill the raw values sheet."""
    from openpyxl import Workbook  # imported here: openpyxl costs ~28 MB, and most processes never export

    workbook = Workbook()
    _main_sheet(workbook.active, summary, t)
    _completeness_sheet(workbook.create_sheet(t.gettext("Completeness")), summary, t)
    _raw_sheet(workbook.create_sheet(t.gettext("Raw values")), summary, figures, t)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _title(sheet: Any, lines: list[str], width: int) -> None:
    from openpyxl.styles import Alignment, Font

    for row, text in enumerate(lines, start=1):
        sheet.cell(row=row, column=1, value=text).font = Font(bold=row == 1, size=14 if row == 1 else 11)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        sheet.cell(row=row, column=1).alignment = Alignment(horizontal="center")


def _header_row(sheet: Any, row: int, headers: list[str], widths: list[int]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    for column, (text, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = sheet.cell(row=row, column=column, value=text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"A{row + 1}"  # a string: sheet.cell() would create the row and shift append()


def _main_sheet(sheet: Any, summary: Summary, t: Translates) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    sheet.title = t.gettext("Summary")
    period = summary.period
    _title(
        sheet,
        [
            t.gettext("PROGRESS REPORT ON THE PROGRAMME'S TARGETS"),
            summary.programme.title_en if t.locale == "en" else summary.programme.title_vi,
            t.gettext("Reporting period: {period} (deadline {deadline}); generated {when}").format(
                period=period.code, deadline=t.date(period.deadline), when=t.datetime(summary.generated_at)
            ),
        ],
        9,
    )
    header = 5
    _header_row(sheet, header, _headers(summary, t), [6, 48, 14, 26, 16, 16, 11, 16, 60])
    row = header + 1
    area = None
    items = dict(numbered(summary))
    for values in _rows(summary, t):
        item = items[values[0]]
        if item.indicator.area != area:
            area = item.indicator.area
            cell = sheet.cell(row=row, column=2, value=area_name(area, t))
            cell.font = Font(bold=True)
            row += 1
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.alignment = Alignment(vertical="top", wrap_text=column in (2, 4, 9))
            if column in (5, 6):
                cell.number_format = "#,##0.00"
            elif column == 7:
                cell.number_format = "0.0%"
        sheet.cell(row=row, column=8).fill = PatternFill("solid", fgColor=FILLS[item.assessment.status])
        row += 1


def _completeness_sheet(sheet: Any, summary: Summary, t: Translates) -> None:
    headers = [
        t.gettext("No."),
        t.gettext("Agency"),
        t.gettext("Items owed"),
        t.gettext("Items missing"),
        t.gettext("Submitted at"),
        t.gettext("On time"),
        t.gettext("Missing items"),
    ]
    _title(sheet, [t.gettext("REPORTING STATUS, PERIOD {period}").format(period=summary.period.code)], len(headers))
    _header_row(sheet, 3, headers, [6, 44, 12, 12, 20, 10, 70])
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


def _raw_sheet(sheet: Any, summary: Summary, figures: Sequence[aggregation.Figure], t: Translates) -> None:
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
    _header_row(sheet, 1, headers, [16, 50, 12, 12, 16, 14, 12, 40, 12, 22])
    for row, figure in enumerate(figures, start=2):
        element = summary.elements.get(figure.element_code)
        sheet.append(
            [
                figure.agency_code,
                element.name(t.locale) if element else figure.element_code,
                element.unit if element else "",
                figure.answer,
                figure.number,
                figure.text,
                figure.status,
                figure.note,
                figure.updated_by,
                str(figure.updated_at),
            ]
        )
        # Not sheet.max_row: openpyxl computes it over every cell, which made this loop quadratic.
        sheet.cell(row=row, column=5).number_format = "#,##0.####"


def summary_png(summary: Summary, t: Translates) -> bytes:
    """Progress towards the target per indicator, coloured by status; tall and narrow for a phone."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    items = [item for _, item in numbered(summary)]
    figure = Figure(figsize=(7, 1.6 + 0.34 * len(items)), dpi=150)
    axes = figure.add_subplot()
    labels = [shorten(item.indicator.name(t.locale), 42) for item in items]
    values = [min(max(item.assessment.progress or 0.0, 0.0), 120.0) for item in items]
    colours = [COLOURS[item.assessment.status] for item in items]
    positions = list(range(len(items)))[::-1]
    axes.barh(positions, values, color=colours, height=0.7)
    for position, item, value in zip(positions, items, values, strict=True):
        text = "–" if item.assessment.progress is None else f"{t.number(item.assessment.progress, 0)} %"
        axes.text(value + 1.5, position, text, va="center", fontsize=7)
    axes.axvline(100, color="#424242", linewidth=0.8, linestyle="--")
    axes.set_yticks(positions, labels, fontsize=7)
    axes.set_xlim(0, 130)
    axes.set_xlabel(
        t.gettext("Progress towards the {year} target (%)").format(year=summary.programme.horizon_year), fontsize=8
    )
    axes.set_title(
        t.gettext("Period {period} · {programme}").format(period=summary.period.code, programme=summary.programme.code),
        fontsize=10,
    )
    axes.legend(
        handles=[Patch(color=COLOURS[s], label=status_name(s, t)) for s in Status], fontsize=7, loc="lower right"
    )
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
