"""The words of reminders and escalations: pure functions to HTML text, worded for the situation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.models import Period
from bot.domain.periods import due_before
from bot.domain.reminders import Kind
from bot.domain.rendering import Translates, esc, shorten, split_lines

NAMES_SHOWN = 5


def missing_text(names: Sequence[str], t: Translates) -> str:
    if not names:
        return t.gettext("Every item is entered; only Submit is left.")
    shown = "; ".join(esc(shorten(name, 50)) for name in names[:NAMES_SHOWN])
    more = len(names) - NAMES_SHOWN
    if more > 0:
        shown += " " + t.gettext("and {count} more").format(count=more)
    return t.ngettext("{count} item missing: {names}.", "{count} items missing: {names}.", len(names)).format(
        count=len(names), names=shown
    )


def reminder_text(
    kind: Kind, period: Period, agency_name: str, missing: Sequence[str], working_days: int, t: Translates
) -> str:
    """`working_days` is how many working days are left (ahead) or have passed (overdue). The deadline is
    worded as the document words it, "before 5 December" (see bot.domain.periods)."""
    facts = {"period": esc(period.code), "agency": esc(agency_name), "deadline": t.date(due_before(period.deadline))}
    if kind is Kind.AHEAD:
        head = t.ngettext(
            "⏰ Reminder: the report for period {period} of {agency} is due before {deadline}, in {days} working day.",
            "⏰ Reminder: the report for period {period} of {agency} is due before {deadline}, in {days} working days.",
            working_days,
        ).format(days=working_days, **facts)
    elif kind is Kind.DUE_TODAY:
        head = t.gettext(
            "⏰ Today is the last day to submit on time: the report for period {period} of {agency} is due before "
            "{deadline}."
        ).format(**facts)
    else:
        head = t.ngettext(
            "❗ The report for period {period} of {agency} is late: it was due before {deadline}, {days} working "
            "day ago.",
            "❗ The report for period {period} of {agency} is late: it was due before {deadline}, {days} working "
            "days ago.",
            working_days,
        ).format(days=working_days, **facts)
    return f"{head}\n{missing_text(missing, t)}\n" + t.gettext("Press the button to report now.")


@dataclass(frozen=True)
class FocalPointState:
    name: str
    reachable: bool
    paused: bool = False


@dataclass(frozen=True)
class LateAgency:
    name: str
    missing: int
    focal_points: Sequence[FocalPointState]


def escalation_messages(
    period: Period, late: Sequence[LateAgency], overdue_days: int, t: Translates, *, stopped: bool = False
) -> list[str]:
    """The escalation for the admins (or, `stopped`, the notice that nudging has ended), split to fit
    Telegram's limit."""
    if stopped:
        head = t.ngettext(
            "🔕 Period {period} ({programme}): {days} working days after the deadline (before {deadline}), "
            "reminders have stopped. {count} agency has still not submitted and will not be reminded again:",
            "🔕 Period {period} ({programme}): {days} working days after the deadline (before {deadline}), "
            "reminders have stopped. {count} agencies have still not submitted and will not be reminded again:",
            len(late),
        )
    else:
        head = t.ngettext(
            "🚨 Period {period} ({programme}): {count} agency has not submitted, {days} working days after the "
            "deadline (before {deadline}):",
            "🚨 Period {period} ({programme}): {count} agencies have not submitted, {days} working days after the "
            "deadline (before {deadline}):",
            len(late),
        )
    facts = {
        "period": esc(period.code),
        "programme": esc(period.programme_code),
        "count": len(late),
        "days": overdue_days,
        "deadline": t.date(due_before(period.deadline)),
    }
    return split_lines([head.format(**facts), *_late_lines(late, t)])


def _late_lines(late: Sequence[LateAgency], t: Translates) -> list[str]:
    lines = []
    for agency in late:
        people = []
        for person in agency.focal_points:
            label = esc(person.name)
            if not person.reachable:
                label += " " + t.gettext("(unreachable: blocked the bot)")
            elif person.paused:
                label += " " + t.gettext("(on leave)")
            people.append(label)
        who = ", ".join(people) if people else t.gettext("no focal point yet")
        lines.append(
            t.gettext("• {agency}: {missing} items missing; focal points: {people}").format(
                agency=esc(agency.name), missing=agency.missing, people=who
            )
        )
    return lines
