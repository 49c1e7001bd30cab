"""Opening a report: /report, a choice between several, and a reminder's "Report now"."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.domain.rendering import shorten
from bot.services.report import Locked, NothingOwed, NotYours, Opened, begin_report, reportable
from handlers.common import keyboard, reply, who
from handlers.report import official
from handlers.report.flow import ASKING, CHOOSING, FLOW
from handlers.report.screens import ask, locked_text, show_review
from storage import Conversation


async def report_command(update: Update, context: BotContext) -> None:
    """/report: open the user's agency's period, or ask which one."""
    current = who(context)
    t = current.t
    if not current.memberships:
        await reply(update, t.gettext("You are not a focal point of any agency, so there is nothing to report."))
        return
    open_pairs, locked_pairs = await reportable(context.storage, current.agency_codes)
    if not open_pairs:
        if locked_pairs:
            period, agency = locked_pairs[0]
            await reply(update, await locked_text(context, t, period))
        else:
            await reply(update, t.gettext("No reporting period is open for your agency at the moment."))
        return
    if len(open_pairs) == 1:
        period, agency = open_pairs[0]
        await begin(update, context, period.id, agency.code)
        return
    rows = [
        [(f"{p.code} · {p.programme_code} · {shorten(a.name(t.locale), 28)}", f"r:pick:{p.id}:{a.code}")]
        for p, a in open_pairs
    ]
    await context.storage.conversations.save(Conversation(user_id=current.telegram_id, flow=FLOW, state=CHOOSING))
    await reply(update, t.gettext("Which report do you want to fill in?"), keyboard(rows))


async def begin(update: Update, context: BotContext, period_id: int, agency_code: str | None) -> None:
    """Start (or resume) a report at the first unanswered item, or at the review if all are answered.
    Without an agency (a reminder names only the period), the first of the user's that owes something."""
    current = who(context)
    t = current.t
    if (owing := await official.round_to_answer(context, period_id, agency_code)) is not None:
        await official.start_round(update, context, period_id, owing)  # an official-figures round is open
        return
    match await begin_report(context.storage, period_id, agency_code, current.agency_codes):
        case NotYours():
            await reply(update, t.gettext("That report is not yours to fill in."))
        case Locked(period=period):
            await reply(update, await locked_text(context, t, period))
        case NothingOwed():
            await reply(update, t.gettext("Your agency owes nothing for this period."))
        case Opened(sheet=sheet, first=first):
            conversation = Conversation(
                user_id=current.telegram_id,
                flow=FLOW,
                state=ASKING,
                period_id=sheet.period.id,
                agency_code=sheet.agency.code,
            )
            if first is None:
                await show_review(update, context, conversation, sheet)
            else:
                await ask(update, context, conversation, sheet, first)
