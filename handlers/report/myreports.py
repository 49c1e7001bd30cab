"""/myreports: what the user's agencies have reported, period by period."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.domain.rendering import esc
from bot.i18n import Translator
from bot.services.report import Progress, reports_of
from handlers.common import reply, who


async def my_reports(update: Update, context: BotContext) -> None:
    """/myreports: what the agency has submitted, per period."""
    current = who(context)
    t = current.t
    lines = []
    for agency, rows in await reports_of(context.storage, current.agency_codes):
        lines.append(f"<b>{esc(agency.name(t.locale))}</b>")
        lines += [progress_line(row, t) for row in rows]
    await reply(update, "\n".join(lines) if lines else t.gettext("Nothing reported yet."))


def progress_line(row: Progress, t: Translator) -> str:
    """One period of one agency: items answered of those owed, and whether and when it was submitted."""
    submission = row.submission
    state = (
        t.gettext("submitted {when} ({timeliness})").format(
            when=t.datetime(submission.submitted_at),
            timeliness=t.gettext("on time") if submission.on_time else t.gettext("late"),
        )
        if submission
        else t.gettext("not submitted")
    )
    return t.gettext("• {period} ({programme}): {answered}/{total} items, {state}").format(
        period=esc(row.period.code),
        programme=esc(row.period.programme_code),
        answered=row.answered,
        total=row.total,
        state=state,
    )
