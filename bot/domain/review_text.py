"""What review and sign-off say: the review list, one report's card, and the messages to its focal points.
Pure functions from data (and a Translator) to HTML; every user-, agency- and catalogue-supplied string
is escaped here. The consolidating agency is named by its role, never by a department's name: since 2025
it is no longer the Department of Planning and Investment everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.domain.models import Agency, DataElement, ElementType, Period, Value, ValueChange
from bot.domain.rendering import Translates, esc, format_number_with_unit, format_value, shorten
from bot.domain.review import Review, ReviewState, ReviewWarning


def state_name(state: ReviewState | None, t: Translates) -> str:
    """A report's state as the reviewer reads it."""
    names = {
        ReviewState.SUBMITTED: t.gettext("waiting for review"),
        ReviewState.RETURNED: t.gettext("returned"),
        ReviewState.ACCEPTED: t.gettext("accepted"),
        None: t.gettext("not submitted"),
    }
    return names[state]


def list_line(
    number: int, agency: Agency, state: ReviewState | None, warnings: int, changes: int, t: Translates
) -> str:
    """One line of the review list."""
    marks: dict[ReviewState | None, str] = {
        ReviewState.SUBMITTED: "🕓",
        ReviewState.RETURNED: "↩️",
        ReviewState.ACCEPTED: "✅",
    }
    mark = marks.get(state, "❌")
    line = f"{number}. {mark} {esc(shorten(agency.name(t.locale), 50))}: {state_name(state, t)}"
    if warnings:
        line += " · " + t.ngettext("⚠️ {count} warning", "⚠️ {count} warnings", warnings).format(count=warnings)
    if changes and state is ReviewState.SUBMITTED:
        line += " · " + t.ngettext("{count} change", "{count} changes", changes).format(count=changes)
    return line


def list_header(period: Period, counts: Mapping[ReviewState, int], t: Translates) -> str:
    """The review list's title and its counts."""
    return t.gettext(
        "<b>Review of period {period}</b> · {programme}\n"
        "{waiting} waiting, {returned} returned, {accepted} accepted. Press a number to see that report."
    ).format(
        period=esc(period.code),
        programme=esc(period.programme_code),
        waiting=counts.get(ReviewState.SUBMITTED, 0),
        returned=counts.get(ReviewState.RETURNED, 0),
        accepted=counts.get(ReviewState.ACCEPTED, 0),
    )


def warning_text(warning: ReviewWarning, element: DataElement | None, t: Translates) -> str:
    """A warning as the reviewer reads it, in the element's unit."""
    name = esc(shorten(element.name(t.locale), 50)) if element else esc(warning.element_code)

    def shown(number: float | None) -> str:
        return format_number_with_unit(element, number, t) if element else t.number(number)

    if warning.kind == "jump":
        return t.gettext("⚠️ {name}: {value}, confirmed despite the jump from {previous} last period").format(
            name=name, value=shown(warning.number), previous=shown(warning.previous)
        )
    return t.gettext("⚠️ {name}: {value} is outside the item's range (limit {bound})").format(
        name=name, value=shown(warning.number), bound=t.number(warning.bound) if warning.bound is not None else "—"
    )


def card_lines(
    period: Period,
    agency: Agency,
    elements: Sequence[DataElement],
    values: Mapping[str, Value],
    review: tuple[ReviewState | None, Review | None],
    warnings: Sequence[ReviewWarning],
    changes: tuple[Sequence[ValueChange], bool],
    t: Translates,
) -> list[str]:
    """One report as the reviewer sees it: state, figures with notes, warnings, changes since the last look."""
    state, stored = review
    lines = [
        t.gettext("<b>{agency}</b> · period {period}: {state}").format(
            agency=esc(agency.name(t.locale)), period=esc(period.code), state=state_name(state, t)
        )
    ]
    if state is ReviewState.RETURNED and stored and stored.reason:
        lines.append(t.gettext("Reason given: {reason}").format(reason=esc(stored.reason)))
    for index, element in enumerate(elements, start=1):
        value = values.get(element.code)
        line = f"{index}. {esc(shorten(element.name(t.locale)))}: {format_value(element, value, t)}"
        if value is not None and value.note and element.type is not ElementType.TASK:
            line += f" — 📝 {esc(shorten(value.note, 120))}"
        lines.append(line)
    by_code = {element.code: element for element in elements}
    lines += [warning_text(warning, by_code.get(warning.element_code), t) for warning in warnings]
    lines += _change_lines(changes, by_code, t)
    return lines


def _change_lines(
    changes: tuple[Sequence[ValueChange], bool], by_code: Mapping[str, DataElement], t: Translates
) -> list[str]:
    history, first_look = changes
    if first_look:
        return []
    if not history:
        return [t.gettext("No change since you last looked.")]
    lines = [t.gettext("<b>Changed since you last looked:</b>")]
    for change in history[-15:]:
        element = by_code.get(change.element_code)
        name = esc(shorten(element.name(t.locale), 40)) if element else esc(change.element_code)
        old = t.number(change.old_number) if change.old_number is not None else "—"
        new = t.number(change.new_number) if change.new_number is not None else esc(change.new_answer.value)
        lines.append(f"• {name}: {old} → {new}")
    return lines


def returned_notice(period: Period, agency: Agency, reason: str, t: Translates) -> str:
    """What the agency's focal points are told when their report is returned."""
    return t.gettext(
        "↩️ The consolidating agency returned {agency}'s report for period {period}.\n"
        "Reason: {reason}\n"
        "Please correct it with /report and submit it again."
    ).format(agency=esc(agency.name(t.locale)), period=esc(period.code), reason=esc(reason))


def accepted_notice(period: Period, agency: Agency, t: Translates) -> str:
    """What the agency's focal points are told when their report is accepted."""
    return t.gettext(
        "✅ The consolidating agency accepted {agency}'s report for period {period}. Its figures are now locked."
    ).format(agency=esc(agency.name(t.locale)), period=esc(period.code))


def unlocked_notice(period: Period, agency: Agency, t: Translates) -> str:
    """What the agency's focal points are told when their accepted report is unlocked."""
    return t.gettext(
        "🔓 The consolidating agency unlocked {agency}'s report for period {period}: /report can change it again."
    ).format(agency=esc(agency.name(t.locale)), period=esc(period.code))
