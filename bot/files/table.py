"""The appendix table as every file shows it: areas numbered I, II, …, indicators numbered 1..n as in the
bot's summary (so the chart's bar 21 is the table's row 21), figures rounded as they are printed. The
workbook, the Word report, the CSV and the chart all read this one table, so they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.rendering import Translates
from bot.domain.summary import IndicatorSummary, Summary
from bot.domain.summary_text import area_name, numbered, status_name, target_text, value_status_name
from bot.domain.units import unit_label
from bot.files.style import indicator_decimals, roman, rounded

PROGRESS_DIGITS = 1
MISSING_NAMED = 3  # beyond this, the notes give a count; the status sheet names them all


@dataclass(frozen=True)
class Row:
    number: int
    item: IndicatorSummary
    name: str
    unit: str
    target: str
    value: float | int | None  # rounded to `digits`
    previous: float | int | None
    progress: float | None  # percent, rounded to one decimal
    status: str  # the status's value: achieved, on_track, …
    status_label: str
    remarks: str
    digits: int


@dataclass(frozen=True)
class Area:
    numeral: str  # I, II, …
    name: str
    rows: list[Row]


def appendix(summary: Summary, t: Translates) -> list[Area]:
    """The summary's indicators grouped by area, in the order and with the numbers the bot shows."""
    names = {report.agency.code: report.agency.name(t.locale) for report in summary.agencies}
    types = {code: element.type for code, element in summary.elements.items()}
    areas: list[Area] = []
    for number, item in numbered(summary):
        indicator = item.indicator
        if not areas or areas[-1].rows[0].item.indicator.area != indicator.area:
            areas.append(Area(roman(len(areas) + 1), area_name(indicator.area, t), []))
        digits = indicator_decimals(indicator, types)
        progress = item.assessment.progress
        target_words = indicator.target_text_en if t.locale == "en" else indicator.target_text_vi
        areas[-1].rows.append(
            Row(
                number=number,
                item=item,
                name=indicator.name(t.locale),
                unit=unit_label(indicator.unit, t.locale),
                target=target_words or target_text(indicator, t),
                value=rounded(item.value, digits),
                previous=rounded(item.previous, digits),
                progress=None if progress is None else rounded(progress, PROGRESS_DIGITS),  # type: ignore[arg-type]
                status=str(item.assessment.status),
                status_label=status_name(item.assessment.status, t),
                remarks=remarks(item, names, t),
                digits=digits,
            )
        )
    return areas


def rows(summary: Summary, t: Translates) -> list[Row]:
    return [row for area in appendix(summary, t) for row in area.rows]


def remarks(item: IndicatorSummary, names: dict[str, str], t: Translates) -> str:
    """The notes column: who has not reported, how final the figure is, what agencies wrote and explained, and
    the lead agency's own view of the indicator (flagged where it differs from the computed status)."""
    parts = []
    missing = item.aggregate.missing
    if len(missing) > MISSING_NAMED:
        parts.append(
            t.gettext("Not yet reported: {count} of {total} agencies").format(
                count=len(missing), total=len(missing) + len(item.aggregate.covered)
            )
        )
    elif missing:
        parts.append(
            t.gettext("Not yet reported: {agencies}").format(agencies=", ".join(names.get(c, c) for c in missing))
        )
    if item.value_status:
        parts.append(value_status_name(item.value_status, t))
    parts += [f"{names.get(agency, agency)}: {note}" for agency, note in item.notes]
    parts += [
        t.gettext("Explanation from {agency}: {answer}").format(agency=names.get(agency, agency), answer=answer)
        for agency, _, answer in item.explanations
        if answer
    ]
    confidence = item.confidence
    if confidence is not None:
        view = t.gettext("Lead agency {agency}: {level}").format(
            agency=names.get(confidence.agency_code, confidence.agency_code), level=status_name(confidence.level, t)
        )
        if confidence.reason:
            view += f" ({confidence.reason})"
        if item.disagreement:
            view += ", " + t.gettext("differs from the computed status")
        parts.append(view)
    return "; ".join(parts)


def headers(summary: Summary, t: Translates) -> list[str]:
    """The flat column titles (the CSV's header row; the workbook groups the two results under one)."""
    return [
        t.gettext("No."),
        t.gettext("Indicator"),
        t.gettext("Unit of measure"),
        t.gettext("Target {year}").format(year=summary.programme.horizon_year),
        t.gettext("Period {period}").format(period=summary.previous_code or t.gettext("previous")),
        t.gettext("Period {period}").format(period=summary.period.code),
        t.gettext("Progress towards the target (%)"),
        t.gettext("Assessment"),
        t.gettext("Notes"),
    ]
