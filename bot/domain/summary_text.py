"""The provincial summary as Telegram messages: grouped by area, a status mark per indicator, split to fit
Telegram's limit. Pure: a Summary and a Translator in, HTML text out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.domain.models import Comparator, Indicator, ValueStatus
from bot.domain.periods import on_time_rule
from bot.domain.progress import PeriodAverage, Status, Trend
from bot.domain.rendering import Translates, esc, shorten, split_lines
from bot.domain.review import ReviewState
from bot.domain.units import unit_label

if TYPE_CHECKING:
    from bot.domain.aggregation import Figure
    from bot.domain.summary import IndicatorSummary, Summary

AREAS = ("economy", "society", "environment", "infrastructure", "security")
MARKS = {
    Status.ACHIEVED: "✅",
    Status.ON_TRACK: "🟢",
    Status.AT_RISK: "🟡",
    Status.OFF_TRACK: "🔴",
    Status.NOT_ASSESSABLE: "⚪",  # grey: a value, but nothing yet to judge it by
    Status.NO_DATA: "➖",  # the dash that stands for a missing value
}
ARROWS = {Trend.BETTER: " ↗", Trend.WORSE: " ↘", Trend.SAME: " →", Trend.UNKNOWN: ""}
SYMBOLS = {
    Comparator.GT: ">",
    Comparator.GE: "≥",
    Comparator.LT: "<",
    Comparator.LE: "≤",
    Comparator.EQ: "=",
    Comparator.APPROX: "≈",
}


def area_name(area: str, t: Translates) -> str:
    return {
        "economy": t.gettext("Economy"),
        "society": t.gettext("Society"),
        "environment": t.gettext("Environment"),
        "infrastructure": t.gettext("Infrastructure"),
        "security": t.gettext("Security"),
    }.get(area, area)


def status_name(status: Status, t: Translates) -> str:
    return {
        Status.ACHIEVED: t.gettext("achieved"),
        Status.ON_TRACK: t.gettext("on track"),
        Status.AT_RISK: t.gettext("at risk"),
        Status.OFF_TRACK: t.gettext("off track"),
        Status.NOT_ASSESSABLE: t.gettext("cannot be assessed yet"),
        Status.NO_DATA: t.gettext("no data"),
    }[status]


def value_status_name(status: ValueStatus | None, t: Translates) -> str:
    if status is None:
        return ""
    return {
        ValueStatus.ESTIMATE: t.gettext("estimate"),
        ValueStatus.PRELIMINARY: t.gettext("preliminary"),
        ValueStatus.OFFICIAL: t.gettext("official"),
    }[status]


def target_text(indicator: Indicator, t: Translates) -> str:
    if indicator.target is None:
        return "–"
    return f"{SYMBOLS[indicator.target.comparator]} {t.number(indicator.target.value)}"


def numbered(summary: Summary) -> list[tuple[int, IndicatorSummary]]:
    """Indicators in area order, numbered 1..n: the numbers the detail buttons use."""
    ordered = sorted(summary.indicators, key=lambda item: (_area_index(item.indicator.area), item.indicator.position))
    return list(enumerate(ordered, start=1))


def _area_index(area: str) -> int:
    return AREAS.index(area) if area in AREAS else len(AREAS)


def completeness_line(summary: Summary, t: Translates) -> str:
    return t.gettext(
        "Reports: {submitted}/{expected} agencies submitted ({on_time} on time, {late} late); {missing} not yet."
    ).format(
        submitted=len(summary.submitted),
        expected=len(summary.agencies),
        on_time=len(summary.on_time),
        late=len(summary.late),
        missing=len(summary.not_submitted),
    )


def review_line(summary: Summary, t: Translates) -> list[str]:
    """How many reports the consolidating agency accepted and returned (once it decided any), and how many
    figures are still estimates (when any are)."""
    lines = []
    if summary.accepted or summary.returned:
        lines.append(
            t.gettext("Reviewed by the consolidating agency: {accepted} accepted, {returned} returned.").format(
                accepted=len(summary.accepted), returned=len(summary.returned)
            )
        )
    if summary.estimates:
        lines.append(
            t.ngettext(
                "{count} figure is still an estimate.", "{count} figures are still estimates.", summary.estimates
            ).format(count=summary.estimates)
        )
    return lines


def summary_messages(summary: Summary, t: Translates) -> list[str]:
    period = summary.period
    counts = {status: 0 for status in Status}
    for item in summary.indicators:
        counts[item.assessment.status] += 1
    lines = [
        t.gettext("<b>Summary, period {period}</b> · {programme} (due {deadline})").format(
            period=esc(period.code),
            programme=esc(summary.programme.code),
            deadline=on_time_rule(period.deadline, t),
        ),
        completeness_line(summary, t),
        *review_line(summary, t),
        " · ".join(f"{MARKS[status]} {status_name(status, t)} {counts[status]}" for status in Status),
    ]
    current_area = None
    for number, item in numbered(summary):
        if item.indicator.area != current_area:
            current_area = item.indicator.area
            lines.append(f"\n<b>{esc(area_name(current_area, t))}</b>")
        lines.append(indicator_line(number, item, t))
    lines.append(t.gettext("\nPress 🔎 Details for the values by agency and their notes."))
    return split_lines(lines)


def indicator_line(number: int, item: IndicatorSummary, t: Translates) -> str:
    indicator = item.indicator
    name = esc(shorten(indicator.name(t.locale), 55))
    value = "–" if item.value is None else f"<b>{t.number(item.value)}</b>"
    unit = f" {esc(unit_label(indicator.unit, t.locale))}" if indicator.unit and item.value is not None else ""
    line = f"{MARKS[item.assessment.status]} {number}. {name}: {value}{unit} ({esc(target_text(indicator, t))})"
    line += ARROWS[item.assessment.trend]
    if item.assessment.average is not None and item.assessment.average.value is not None:
        line += "; " + average_text(item.assessment.average, unit_label(indicator.unit, t.locale), t)
    aggregate = item.aggregate
    if aggregate.partial:
        line += " " + t.gettext("[{covered}/{total} agencies]").format(
            covered=len(aggregate.covered), total=len(aggregate.covered) + len(aggregate.missing)
        )
    if item.confidence is not None:
        line += " · " + t.gettext("🎯 lead agency: {level}").format(level=status_name(item.confidence.level, t))
        if item.disagreement:
            line += " " + t.gettext("⚠️ differs")
    return line


def average_text(average: PeriodAverage, unit: str, t: Translates) -> str:
    """What a period-average target was judged on, with the years it covers and those without a figure:
    "bình quân 2021–2025: 8,7 %/năm (thiếu số liệu năm 2021, 2022)"."""
    years = f"{average.since}–{average.until}" if average.since < average.until else str(average.until)
    value = "–" if average.value is None else f"{t.number(average.value)} {esc(unit)}".rstrip()
    text = t.gettext("average {years}: {value}").format(years=years, value=value)
    if average.missing:
        text += " " + t.ngettext("(no figure for {years})", "(no figures for {years})", len(average.missing)).format(
            years=", ".join(str(year) for year in average.missing)
        )
    return text


def confidence_lines(item: IndicatorSummary, names: dict[str, str], t: Translates) -> list[str]:
    """The lead agency's confidence and its sentence, and whether it contradicts the computed status."""
    confidence = item.confidence
    if confidence is None:
        return []
    lines = [
        t.gettext("🎯 {agency} (lead agency): {level}{reason}").format(
            agency=esc(names.get(confidence.agency_code, confidence.agency_code)),
            level=status_name(confidence.level, t),
            reason=f" — {esc(confidence.reason)}" if confidence.reason else "",
        )
    ]
    if item.disagreement:
        lines.append(
            t.gettext("⚠️ The lead agency's view differs from the computed status ({status}).").format(
                status=status_name(item.assessment.status, t)
            )
        )
    return lines


def indicator_detail(
    summary: Summary, item: IndicatorSummary, figures: Sequence[Figure], names: dict[str, str], t: Translates
) -> list[str]:
    """Everything about one indicator: value, target, path, coverage, values by agency (`figures`: the
    period's answers, at least those of the indicator's elements) and notes."""
    indicator = item.indicator
    assessment = item.assessment
    target_words = indicator.target_text_en if t.locale == "en" else indicator.target_text_vi
    lines = [
        f"<b>{esc(indicator.name(t.locale))}</b>",
        t.gettext("Value: {value} {unit} ({status}; {value_status})").format(
            value=t.number(item.value),
            unit=esc(unit_label(indicator.unit, t.locale)),
            status=status_name(assessment.status, t),
            value_status=value_status_name(item.value_status, t) or "–",
        ),
        t.gettext("Target {year}: {target} — {words}").format(
            year=indicator.target.year if indicator.target else "–",
            target=esc(target_text(indicator, t)),
            words=esc(target_words) if target_words else "–",
        ),
    ]
    lines += _standing_lines(summary, item, t)
    lines += confidence_lines(item, names, t)
    aggregate = item.aggregate
    if aggregate.missing:
        lines.append(
            t.gettext("Not yet reported: {agencies}").format(
                agencies=esc(", ".join(names.get(code, code) for code in aggregate.missing))
            )
        )
    lines.append(t.gettext("<b>By agency</b>"))
    codes = set(indicator.element_codes)
    for figure in figures:
        if figure.element_code in codes:
            element = summary.elements.get(figure.element_code)
            shown = t.number(figure.number) if figure.answer == "value" else esc(figure.answer)
            lines.append(
                f"• {esc(names.get(figure.agency_code, figure.agency_code))} — "
                f"{esc(shorten(element.name(t.locale) if element else figure.element_code, 40))}: {shown}"
            )
    for agency, note in item.notes:
        lines.append(f"📝 {esc(names.get(agency, agency))}: {esc(note)}")
    for agency, question, answer in item.explanations:
        lines.append(f"❓ {esc(names.get(agency, agency))}: {esc(question)}")
        lines.append("💬 " + (esc(answer) if answer else t.gettext("(no answer yet)")))
    return split_lines(lines)


def _standing_lines(summary: Summary, item: IndicatorSummary, t: Translates) -> list[str]:
    """Where the indicator stands: the average it is judged on, the previous period, progress, the path."""
    assessment = item.assessment
    indicator = item.indicator
    lines: list[str] = []
    if assessment.average is not None:
        lines.append(
            t.gettext("Assessed on the average: {average}").format(
                average=average_text(assessment.average, unit_label(indicator.unit, t.locale), t)
            )
        )
    if item.previous is not None:
        lines.append(
            t.gettext("Previous period ({period}): {value}").format(
                period=esc(summary.previous_code or ""), value=t.number(item.previous)
            )
        )
    if assessment.progress is not None:
        lines.append(t.gettext("Progress: {progress} %").format(progress=t.number(assessment.progress, 1)))
    if assessment.expected is not None:
        lines.append(
            t.gettext("Expected by now on the path to the target: {value}").format(value=t.number(assessment.expected))
        )
    return lines


def status_board(summary: Summary, t: Translates) -> list[str]:
    """Who has reported: submitted on time, late, and what the others still miss."""
    lines = [
        t.gettext("<b>Reporting status, period {period}</b> · {programme}").format(
            period=esc(summary.period.code), programme=esc(summary.programme.code)
        ),
        completeness_line(summary, t),
        *review_line(summary, t),
    ]
    for report in summary.agencies:
        name = esc(report.agency.name(t.locale))
        if report.submission is not None:
            mark = "✅" if report.submission.on_time else "⏰"
            state = t.gettext("submitted {when}").format(when=t.datetime(report.submission.submitted_at))
            if not report.submission.on_time:
                state += " " + t.gettext("(late)")
            if report.review_state is ReviewState.ACCEPTED:
                state += " · " + t.gettext("accepted")
            lines.append(f"{mark} {name}: {state}")
        elif report.review_state is ReviewState.RETURNED and report.review is not None:
            lines.append(
                t.gettext("↩️ {agency}: returned by the consolidating agency ({reason}); owed again").format(
                    agency=name, reason=esc(shorten(report.review.reason or "", 80))
                )
            )
        else:
            missing = _element_names(summary, report.missing, t)
            lines.append(
                t.gettext("❌ {agency}: not submitted; {count}/{owed} items missing{names}").format(
                    agency=name, count=len(report.missing), owed=report.owed, names=missing
                )
            )
    return split_lines(lines)


def _element_names(summary: Summary, codes: Sequence[str], t: Translates) -> str:
    if not codes:
        return ""
    names = [shorten(summary.elements[c].name(t.locale), 30) for c in codes[:3] if c in summary.elements]
    more = f", … (+{len(codes) - 3})" if len(codes) > 3 else ""
    return ": " + esc(", ".join(names)) + more
