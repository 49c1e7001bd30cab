"""The sentences of the draft report, from the data alone: who reported and when, the results by area,
tasks and milestones, what agencies explained, who is still missing. Pure (a summary, the answers and a
Translator in; headings and paragraphs out), so the Word writer only lays them out and a test can read
them against the JSON summary. Every figure is the table's, rounded as the appendix prints it; a sentence
for which there are no data is not written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.domain import aggregation
from bot.domain.models import Answer, ElementType
from bot.domain.periods import on_time_rule
from bot.domain.progress import Status
from bot.domain.rendering import Translates, task_status_label
from bot.domain.summary import Summary
from bot.domain.summary_text import review_line, status_name
from bot.files.style import local_time, roman
from bot.files.table import Area, Row, appendix


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    parts: list[Section] = field(default_factory=list)


def figure(value: float | int | None, row: Row, t: Translates) -> str:
    """A figure with its unit, rounded as in the appendix: "-2,9 %", "21 đô thị"."""
    if value is None:
        return "–"
    unit = f" {row.unit}" if row.unit else ""
    return f"{t.number(value, row.digits)}{unit}"


def sections(summary: Summary, figures: Sequence[aggregation.Figure], t: Translates) -> list[Section]:
    """The report's sections, numbered I, II, … in the order an officer writes them."""
    built = [
        reporting(summary, t),
        results(summary, t),
        tasks(summary, figures, t),
        explanations(summary, t),
        missing(summary, t),
    ]
    for number, section in enumerate(built, start=1):
        section.heading = f"{roman(number)}. {section.heading}"
    return built


def reporting(summary: Summary, t: Translates) -> Section:
    """How many agencies reported, on time or late, and when."""
    period = summary.period
    section = Section(t.gettext("REPORTING BY THE AGENCIES"))
    section.paragraphs.append(
        t.gettext(
            "By {when}, {submitted} of {expected} agencies had submitted their reports for period {period} "
            "(deadline {deadline}): {on_time} on time and {late} late; {missing} had not yet submitted."
        ).format(
            when=t.datetime(summary.generated_at),
            submitted=len(summary.submitted),
            expected=len(summary.agencies),
            period=period.code,
            deadline=on_time_rule(period.deadline, t),
            on_time=len(summary.on_time),
            late=len(summary.late),
            missing=len(summary.not_submitted),
        )
    )
    section.paragraphs += review_line(summary, t)  # accepted and returned, estimates still in
    for report in summary.submitted:
        assert report.submission is not None
        moment = local_time(report.submission.submitted_at, t)
        state = t.gettext("on time") if report.submission.on_time else t.gettext("late")
        section.bullets.append(
            t.gettext("{agency}: submitted at {when} ({state}).").format(
                agency=report.agency.name(t.locale), when=t.datetime(report.submission.submitted_at), state=state
            )
            if moment
            else report.agency.name(t.locale)
        )
    return section


def counts(rows: Sequence[Row], t: Translates) -> str:
    """ "2 achieved, 1 on track, 3 no data": each status that occurs, in the domain's order."""
    found = [(status, sum(1 for row in rows if row.status == status.value)) for status in Status]
    return ", ".join(f"{count} {status_name(status, t)}" for status, count in found if count)


def results(summary: Summary, t: Translates) -> Section:
    """The indicators by area: how many in each status, then one sentence per indicator with data."""
    areas = appendix(summary, t)
    every = [row for area in areas for row in area.rows]
    section = Section(t.gettext("RESULTS OF THE INDICATORS"))
    section.paragraphs.append(
        t.gettext("Of the programme's {count} indicators: {counts}.").format(count=len(every), counts=counts(every, t))
    )
    for number, area in enumerate(areas, start=1):
        section.parts.append(_area(number, area, summary, t))
    return section


def _area(number: int, area: Area, summary: Summary, t: Translates) -> Section:
    part = Section(f"{number}. {area.name}")
    names = {report.agency.code: report.agency.name(t.locale) for report in summary.agencies}
    part.paragraphs.append(
        t.gettext("{count} indicators: {counts}.").format(count=len(area.rows), counts=counts(area.rows, t))
    )
    for row in area.rows:
        if row.value is None:
            continue
        sentence = t.gettext("{number}. {name}: {value}").format(
            number=row.number, name=row.name, value=figure(row.value, row, t)
        )
        if row.previous is not None:
            sentence += t.gettext(" (period {period}: {value})").format(
                period=summary.previous_code, value=figure(row.previous, row, t)
            )
        sentence += t.gettext("; target {target}").format(target=row.target)
        if row.progress is not None:
            sentence += t.gettext("; {progress} % of the way").format(progress=t.number(row.progress, 1))
        sentence += t.gettext(" — {status}.").format(status=row.status_label)
        confidence = row.item.confidence
        if confidence is not None and row.item.disagreement:
            sentence += t.gettext(" The lead agency, {agency}, assesses it as {level}.").format(
                agency=names.get(confidence.agency_code, confidence.agency_code), level=status_name(confidence.level, t)
            )
        part.bullets.append(sentence)
    empty = [str(row.number) for row in area.rows if row.value is None]
    if empty:
        part.paragraphs.append(
            t.gettext("No data yet for indicators {numbers} (see the appendix).").format(numbers=", ".join(empty))
        )
    return part


def tasks(summary: Summary, figures: Sequence[aggregation.Figure], t: Translates) -> Section:
    """Each task and milestone of the programme: who leads it, by when, and what was reported."""
    section = Section(t.gettext("TASKS AND MILESTONES"))
    answers = {f.element_code: f for f in figures if f.answer == Answer.VALUE.value}
    agencies = {report.agency.code: report.agency.name(t.locale) for report in summary.agencies}
    chosen = [e for e in summary.elements.values() if e.type in (ElementType.TASK, ElementType.MILESTONE)]
    for element in sorted(chosen, key=lambda e: e.position):
        answer = answers.get(element.code)
        if answer is None:
            state = t.gettext("not reported")
        elif element.type is ElementType.MILESTONE:
            state = t.gettext("achieved") if answer.text == "yes" else t.gettext("not achieved")
        else:
            state = task_status_label(answer.text or "", t)
            if answer.number is not None:
                state += t.gettext(", {percent} % done").format(percent=t.number(answer.number, 0))
        lead = agencies.get(element.lead_agency or "", element.lead_agency or "")
        due = t.gettext(", due {date}").format(date=t.date(element.due_on)) if element.due_on else ""
        section.bullets.append(
            t.gettext("{name} ({lead}{due}): {state}.").format(
                name=element.name(t.locale), lead=lead, due=due, state=state
            )
        )
    if not chosen:
        section.paragraphs.append(t.gettext("The programme lists no tasks or milestones."))
    return section


def explanations(summary: Summary, t: Translates) -> Section:
    """What agencies wrote beside their figures and answered when asked to explain."""
    section = Section(t.gettext("EXPLANATIONS FROM THE AGENCIES"))
    names = {report.agency.code: report.agency.name(t.locale) for report in summary.agencies}
    for row in (row for area in appendix(summary, t) for row in area.rows):
        for agency, question, answer in row.item.explanations:
            section.bullets.append(
                t.gettext("{agency}, on indicator {number} ({name}), asked “{question}”: {answer}").format(
                    agency=names.get(agency, agency),
                    number=row.number,
                    name=row.name,
                    question=question,
                    answer=f"“{answer}”" if answer else t.gettext("no answer yet"),
                )
            )
        for agency, note in row.item.notes:
            section.bullets.append(
                t.gettext("{agency}, note on indicator {number} ({name}): “{note}”").format(
                    agency=names.get(agency, agency), number=row.number, name=row.name, note=note
                )
            )
    if not section.bullets:
        section.paragraphs.append(t.gettext("No agency has written an explanation or a note this period."))
    return section


def missing(summary: Summary, t: Translates) -> Section:
    """The agencies that have not submitted, with how many items they still owe."""
    section = Section(t.gettext("AGENCIES THAT HAVE NOT YET REPORTED"))
    if not summary.not_submitted:
        section.paragraphs.append(t.gettext("Every agency has submitted its report."))
    for report in summary.not_submitted:
        section.bullets.append(
            t.gettext("{agency}: {missing} of {owed} items missing.").format(
                agency=report.agency.name(t.locale), missing=len(report.missing), owed=report.owed
            )
        )
    return section
