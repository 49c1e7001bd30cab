"""The summary as files: JSON (a stable schema, here), and through the modules beside this one the Excel
appendix in the state form (appendix_xlsx), a draft report in Word (report_docx), CSV in two dialects
(csv_export) and a chart for phones (chart). They all read one table (table.py) and one set of rules for
decimals, colours and the letterhead (style.py), so a figure is the same in every file.

JSON schema `chitieu.summary/1`:
    {"schema", "programme", "period", "deadline", "generated_at",
     "indicators": [{"code", "name_vi", "name_en", "area", "unit", "value", "previous", "target":
                     {"comparator", "value", "year"} | null, "progress", "expected", "status", "trend",
                     "value_status", "covered": [agency codes], "missing": [agency codes]}],
     "completeness": {"expected", "submitted", "on_time", "late", "not_submitted",
                      "agencies": [{"code", "name_vi", "submitted_at", "on_time", "owed", "missing_items"}]}}
Numbers are as computed (not rounded); status is one of achieved, on_track, at_risk, off_track,
not_assessable, no_data (docs/SUMMARY_JSON.md says what each means). The other files round as the table prints.

Rendering a workbook or a chart is CPU work that grows with the province, so the bot runs it in a worker
thread (`summary_file`), never on the event loop that answers everyone else. Everything here is safe
there and safe twice at once: it reads the summary it is given and builds its own workbook or figure;
openpyxl, python-docx and matplotlib are imported inside the functions, so in the worker; the chart uses matplotlib's
object API on an Agg canvas of its own, never pyplot's global figures, and takes text literally (no
mathtext, whose parser is shared).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.domain import aggregation
from bot.domain.rendering import Translates
from bot.domain.summary import IndicatorSummary, Summary
from bot.domain.summary_text import numbered
from bot.files import csv_export
from bot.files.style import FileInputs

SCHEMA = "chitieu.summary/1"
KINDS = ("xlsx", "docx", "csv", "csv_vi", "png")
SUFFIXES = {"xlsx": ".xlsx", "docx": ".docx", "csv": ".csv", "csv_vi": "_excel_vi.csv", "png": ".png"}


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


def summary_file(
    kind: str,
    summary: Summary,
    figures: Sequence[aggregation.Figure],
    t: Translates,
    inputs: FileInputs | None = None,
) -> bytes:
    """The summary as `kind` (one of KINDS): what a worker thread renders; `figures` (the period's answers)
    feed the workbook's raw sheet and the report's tasks; `inputs` the letterhead and people's names."""
    if kind == "xlsx":
        return summary_xlsx(summary, figures, t, inputs)
    if kind == "docx":
        return summary_docx(summary, figures, t, inputs)
    if kind in (csv_export.PLAIN, csv_export.EXCEL_VI):
        return summary_csv(summary, t, kind)
    if kind == "png":
        return summary_png(summary, t, inputs)
    raise ValueError(f"no summary file of kind {kind!r}")


# The renderers, imported on first use so that the bot's process loads openpyxl, python-docx and
# matplotlib only when someone asks for a file (and then in the worker thread that renders it). Tests
# replace these module attributes to watch which thread renders.
def summary_xlsx(
    summary: Summary, figures: Sequence[aggregation.Figure], t: Translates, inputs: FileInputs | None = None
) -> bytes:
    """The Excel appendix (see bot.files.appendix_xlsx)."""
    from bot.files.appendix_xlsx import summary_xlsx as render

    return render(summary, figures, t, inputs)


def summary_docx(
    summary: Summary, figures: Sequence[aggregation.Figure], t: Translates, inputs: FileInputs | None = None
) -> bytes:
    """The draft report in Word (see bot.files.report_docx)."""
    from bot.files.report_docx import summary_docx as render

    return render(summary, figures, t, inputs)


def summary_png(summary: Summary, t: Translates, inputs: FileInputs | None = None) -> bytes:
    """The chart (see bot.files.chart)."""
    from bot.files.chart import summary_png as render

    return render(summary, t, inputs)


def summary_csv(summary: Summary, t: Translates, dialect: str = csv_export.PLAIN) -> bytes:
    """The table as CSV (see bot.files.csv_export for the two dialects)."""
    return csv_export.summary_csv(summary, t, dialect)
