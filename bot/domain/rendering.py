"""What the reporting conversation says: pure functions from data (and a Translator) to HTML text.

Every string that came from a user, an agency or a catalogue is escaped here, where it meets HTML.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from bot.domain.models import (
    Agency,
    Answer,
    DataElement,
    ElementType,
    Indicator,
    Period,
    Submission,
    TaskStatus,
    Value,
)
from bot.domain.numbers import decimals_needed
from bot.domain.reporting import is_answered
from bot.domain.units import UnitKind, typing_examples, unit_kind, unit_label

NAME_LIMIT = 60
TELEGRAM_LIMIT = 4096


class Translates(Protocol):
    locale: str

    def gettext(self, message: str) -> str: ...
    def ngettext(self, singular: str, plural: str, count: int) -> str: ...
    def number(self, value: float | None, digits: int = 2) -> str: ...
    def date(self, value: date) -> str: ...
    def datetime(self, value: datetime) -> str: ...


def esc(text: object) -> str:
    return html.escape(str(text), quote=False)


def shorten(text: str, limit: int = NAME_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def task_status_label(status: str, t: Translates) -> str:
    labels = {
        TaskStatus.NOT_STARTED.value: t.gettext("not started"),
        TaskStatus.IN_PROGRESS.value: t.gettext("in progress"),
        TaskStatus.DONE.value: t.gettext("done"),
        TaskStatus.DELAYED.value: t.gettext("delayed"),
    }
    return labels.get(status, status)


def format_number_with_unit(element: DataElement, number: float | None, t: Translates) -> str:
    if number is None:
        return "–"
    digits = 0 if element.type is ElementType.COUNT else decimals_needed(number, at_least=2)
    shown = t.number(number, digits)
    if element.type is ElementType.PERCENT or element.unit.strip() == "%":
        return f"{shown} %"
    return f"{shown} {esc(unit_label(element.unit, t.locale))}".rstrip()


def format_value(element: DataElement, value: Value | None, t: Translates) -> str:
    """A stored answer as a user reads it (HTML-safe)."""
    if value is None:
        return t.gettext("not entered")
    if value.answer is Answer.SKIPPED:
        return t.gettext("skipped")
    if value.answer is Answer.NOT_APPLICABLE:
        return t.gettext("not applicable")
    if element.type is ElementType.MILESTONE:
        return t.gettext("achieved") if value.text == "yes" else t.gettext("not achieved")
    if element.type is ElementType.TASK:
        shown = f"{task_status_label(value.text or '', t)}, {t.number(value.number, 0)} %"
        return shown + (f" — {esc(shorten(value.note, 80))}" if value.note else "")
    return format_number_with_unit(element, value.number, t)


def target_line(indicator: Indicator, t: Translates) -> str:
    text = indicator.target_text_en if t.locale == "en" else indicator.target_text_vi
    if indicator.target is None:
        return esc(shorten(indicator.name(t.locale)))
    year = indicator.target.year
    return t.gettext("{indicator} — target {year}: {target}").format(
        indicator=esc(shorten(indicator.name(t.locale))),
        year=year,
        target=esc(text) if text else f"{indicator.target.comparator.value} {t.number(indicator.target.value)}",
    )


@dataclass(frozen=True)
class QuestionContext:
    """Everything a question shows besides the element itself."""

    period: Period
    agency: Agency
    position: int  # 1-based
    total: int
    previous_period_code: str | None
    previous: Value | None
    current: Value | None
    current_author: str | None
    feeds: Sequence[Indicator]


def question_text(element: DataElement, q: QuestionContext, t: Translates) -> str:
    lines = [
        t.gettext("<b>Item {position} of {total}</b> · period {period} · {agency}").format(
            position=q.position,
            total=q.total,
            period=esc(q.period.code),
            agency=esc(q.agency.name(t.locale)),
        ),
        f"<b>{esc(element.name(t.locale))}</b>"
        + (f" ({esc(unit_label(element.unit, t.locale))})" if element.unit else ""),
    ]
    if q.previous_period_code:
        lines.append(
            t.gettext("Previous period ({period}): {value}").format(
                period=esc(q.previous_period_code), value=format_value(element, q.previous, t)
            )
        )
    for indicator in q.feeds:
        lines.append(t.gettext("Feeds: {line}").format(line=target_line(indicator, t)))
    if element.due_on:
        lines.append(t.gettext("Due: {date}").format(date=t.date(element.due_on)))
    if q.current is not None:
        lines.append(
            t.gettext("Now recorded: {value} ({who}, {when})").format(
                value=format_value(element, q.current, t),
                who=esc(q.current_author or "?"),
                when=t.datetime(q.current.updated_at),
            )
        )
    lines.append(prompt(element, t))
    return "\n".join(lines)


def saved_text(element: DataElement, value: Value, t: Translates) -> str:
    """The acknowledgement of a saved answer; it opens the message that asks the next question."""
    return t.gettext("✓ Saved: {name} = {value}").format(
        name=esc(shorten(element.name(t.locale), 50)), value=format_value(element, value, t)
    )


def prompt(element: DataElement, t: Translates) -> str:
    if element.type is ElementType.MILESTONE:
        return t.gettext("Has it been achieved? Choose below.")
    if element.type is ElementType.TASK:
        return t.gettext("What is the task's status? Choose below.")
    examples = typing_examples(t.locale)  # as the locale writes them, so that they parse as shown
    if element.type is ElementType.PERCENT:
        return t.gettext("Type a percentage from 0 to 100, e.g. {whole} or {decimal}.").format(**examples)
    if element.type is ElementType.COUNT:
        return t.gettext("Type a whole number, e.g. {thousands}.").format(**examples)
    if unit_kind(element.unit) is UnitKind.MONEY:  # only money reads a multiplier word against its unit
        return t.gettext("Type a number, e.g. {thousands} or {decimal} ({millions} and {billions} work too).").format(
            **examples
        )
    return t.gettext("Type a number, e.g. {thousands} or {decimal}.").format(**examples)


def rejection_text(reason: str, params: dict[str, float | str], element: DataElement, t: Translates) -> str:
    messages = {
        "not_a_number": t.gettext("I could not read that as a number."),
        "count_not_percent": t.gettext("This item is a count, not a percentage."),
        "count_not_whole": t.gettext("This item is a count, so it must be a whole number."),
        "no_percent_sign": t.gettext("This item is measured in {unit}, not in %."),
        "below_min": t.gettext("The value cannot be below {min}."),
        "above_max": t.gettext("The value cannot be above {max}."),
        "percent_range": t.gettext("A percentage must be between 0 and 100."),
        "essay": t.gettext("That looks like an explanation rather than a figure."),
        "multiplier_in_share": t.gettext("This item is a percentage: type it without “{word}”."),
    }
    shown = {key: t.number(value) if isinstance(value, float) else esc(value) for key, value in params.items()}
    reason_text = messages.get(reason, messages["not_a_number"]).format(**shown)
    return f"⚠️ {reason_text} {prompt(element, t)}"


def review_text(
    period: Period,
    agency: Agency,
    elements: Sequence[DataElement],
    values: dict[str, Value],
    submission: Submission | None,
    t: Translates,
) -> str:
    lines = [
        t.gettext("<b>Review: period {period} · {agency}</b>").format(
            period=esc(period.code), agency=esc(agency.name(t.locale))
        )
    ]
    for index, element in enumerate(elements, start=1):
        value = values.get(element.code)
        line = f"{index}. {esc(shorten(element.name(t.locale)))}: {format_value(element, value, t)}"
        if value is not None and value.note and element.type is not ElementType.TASK:
            line += f" — 📝 {esc(shorten(value.note, 80))}"
        lines.append(line)
    missing = sum(1 for e in elements if not is_answered(values.get(e.code)))
    if missing:
        lines.append(t.gettext("{count} item(s) still without a figure.").format(count=missing))
    if submission:
        lines.append(
            t.gettext("Submitted {when} ({timeliness}). Changes are saved as you make them.").format(
                when=t.datetime(submission.submitted_at),
                timeliness=t.gettext("on time") if submission.on_time else t.gettext("late"),
            )
        )
    lines.append(t.gettext("Press a number to change that item, or Submit."))
    return "\n".join(lines)


def split_lines(lines: Sequence[str], limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Join lines into messages of at most `limit` characters, never cutting a line."""
    messages: list[str] = []
    current = ""
    for line in lines:
        line = line if len(line) <= limit else line[: limit - 1] + "…"
        if current and len(current) + 1 + len(line) > limit:
            messages.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        messages.append(current)
    return messages
