"""Reminders in the chat: /pause and /resume for focal points on leave, and the admins' manual /remind.

The scheduled job is wired in `bot.app`; deciding is `bot.domain.reminders`, running it
`bot.services.reminders`, and sending `handlers.delivery`.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.domain.dates import parse_day
from bot.domain.rendering import esc
from bot.services.catalogue_upload import drop_upload
from bot.services.people import pause_reminders, resume_reminders
from bot.services.periods import open_periods, still_open
from bot.services.reminders import send_manual, situation
from handlers.common import keyboard, reply, who
from handlers.delivery import TelegramOutbox

logger = logging.getLogger(__name__)


async def pause(update: Update, context: BotContext) -> None:
    """/pause DD/MM/YYYY: no reminders until that day (inclusive)."""
    current = who(context)
    t = current.t
    until = parse_day(context.args[0]) if context.args else None
    today = context.now().date()
    if until is None or not await pause_reminders(context.storage, current.telegram_id, until, today):
        await reply(
            update,
            t.gettext("Write the last day of your leave, e.g. /pause {example}.").format(
                example=f"{today + timedelta(days=7):%d/%m/%Y}"
            ),
        )
        return
    await reply(
        update,
        t.gettext("No reminders until {date} included. /resume turns them back on sooner.").format(date=t.date(until)),
    )


async def resume(update: Update, context: BotContext) -> None:
    """/resume: reminders again from now."""
    current = who(context)
    await resume_reminders(context.storage, current.telegram_id)
    await reply(update, current.t.gettext("Reminders are on again."))


async def remind(update: Update, context: BotContext) -> None:
    """/remind [period]: a manual nudge to the agencies still owing, after a confirmation."""
    t = who(context).t
    periods = await open_periods(context.storage, context.args[0] if context.args else None)
    if not periods:
        await reply(
            update,
            t.gettext("No open period {code}. /periods lists them.").format(
                code=esc(context.args[0]) if context.args else ""
            ),
        )
        return
    for period in periods:
        current = await situation(context.storage, context.settings, period)
        if not current.owing:
            await reply(
                update,
                t.gettext("Period {period} ({programme}): every agency has submitted.").format(
                    period=esc(period.code), programme=esc(period.programme_code)
                ),
            )
            continue
        await reply(
            update,
            t.ngettext(
                "Send a reminder now to the {count} agency of period {period} ({programme}) that has not submitted?",
                "Send a reminder now to the {count} agencies of period {period} ({programme}) that have not submitted?",
                len(current.owing),
            ).format(count=len(current.owing), period=esc(period.code), programme=esc(period.programme_code)),
            keyboard([[(t.gettext("Send"), f"a:remind:{period.id}"), (t.gettext("Cancel"), "a:cancel")]]),
        )


async def remind_confirmed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    t = who(context).t
    await query.answer()
    await query.edit_message_reply_markup(None)
    period_id = query.data.split(":")[2]
    period = await still_open(context.storage, int(period_id)) if period_id.isdigit() else None
    if period is None:
        await reply(update, t.gettext("That period is no longer open."))
        return
    outbox = TelegramOutbox(context.bot, context.bot_data.throttle)
    outcomes = await send_manual(outbox, context.storage, context.settings, period, context.now())
    await reply(
        update,
        t.gettext("Reminders sent: {sent}; unreachable: {forbidden}; uncertain: {unknown}.").format(
            sent=outcomes["sent"], forbidden=outcomes["forbidden"], unknown=outcomes["unknown"] + outcomes["failed"]
        ),
    )


async def cancelled(update: Update, context: BotContext) -> None:
    """Cancel on any admin confirmation; a pending catalogue upload is dropped too."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await drop_upload(context.storage, who(context).telegram_id)
    await query.edit_message_text(who(context).t.gettext("Cancelled; nothing was sent."))


def handlers() -> list[Any]:
    return [
        CommandHandler("pause", pause),
        CommandHandler("resume", resume),
        CommandHandler("remind", remind),
        CallbackQueryHandler(remind_confirmed, pattern=r"^a:remind:"),
        CallbackQueryHandler(cancelled, pattern=r"^a:cancel$"),
    ]
