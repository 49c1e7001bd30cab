"""After its figures, a lead agency says how each indicator it leads is going: a confidence (on track, at
risk, off track) in one tap, then a sentence on why, what blocks and what it proposes. Asked right after
the report is submitted, for the indicators it has not spoken for yet in that period. The position is a
row in the `conversations` table (flow `confidence`); buttons are `cf:` and carry the conversation's
serial, so an old one is not applied."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.context import BotContext
from bot.domain.progress import Status
from bot.domain.rendering import esc, shorten
from bot.domain.summary_text import status_name, target_text
from bot.services.confidence import REASON_LIMIT, give_confidence, give_reason, still_to_say
from bot.services.report import ReportSheet
from bot.services.summary import period_by_id
from handlers.common import beside, keyboard, reply, settle_pressed, who
from storage import Conversation

FLOW = "confidence"  # the onboarding dispatcher routes text by it
LEVEL, REASON = "level", "reason"
MARKS = {Status.ON_TRACK: "🟢", Status.AT_RISK: "🟡", Status.OFF_TRACK: "🔴"}


async def ask_confidence(update: Update, context: BotContext, sheet: ReportSheet) -> None:
    """After a submission: the first indicator the agency leads and has not spoken for, if any."""
    conversation = Conversation(
        user_id=who(context).telegram_id,
        flow=FLOW,
        state=LEVEL,
        period_id=sheet.period.id,
        agency_code=sheet.agency.code,
    )
    await ask_next(update, context, conversation)


async def ask_next(update: Update, context: BotContext, conversation: Conversation, lead: str = "") -> None:
    t = who(context).t
    period = await period_by_id(context.storage, conversation.period_id or 0)
    pending = await still_to_say(context.storage, period, conversation.agency_code or "") if period else []
    skipped = set(conversation.data.get("skipped", []))
    pending = [indicator for indicator in pending if indicator.code not in skipped]
    if not pending:
        await context.storage.conversations.delete(conversation.user_id)
        if lead:
            await reply(
                update, lead + t.gettext("Thank you: the consolidating agency will see your assessment in the summary.")
            )
        return
    indicator = pending[0]
    conversation.state = LEVEL
    conversation.element_code = indicator.code
    conversation.serial += 1
    await context.storage.conversations.save(conversation)
    serial = conversation.serial
    levels = [(f"{MARKS[level]} {status_name(level, t)}", f"cf:lvl:{serial}:{level.value}") for level in MARKS]
    await reply(
        update,
        lead
        + t.gettext(
            "🎯 Your agency leads “{indicator}” (target: {target}). How is it going, in your agency's view?"
        ).format(indicator=esc(shorten(indicator.name(t.locale), 90)), target=esc(target_text(indicator, t))),
        keyboard([levels, [(t.gettext("Skip"), f"cf:skip:{serial}")]]),
    )


async def on_button(update: Update, context: BotContext) -> None:
    """cf:lvl:<serial>:<level>, cf:skip:<serial>, cf:noreason:<serial>."""
    query = update.callback_query
    assert query is not None and query.data is not None
    beside(context.application, query.answer(), "answering a confidence button")
    settle_pressed(context.application, query)
    current = who(context)
    t = current.t
    parts = query.data.split(":")
    conversation = await context.storage.conversations.get(current.telegram_id)
    if conversation is None or conversation.flow != FLOW or len(parts) < 3 or parts[2] != str(conversation.serial):
        await reply(update, t.gettext("This question has passed. Use /report to continue."))
        return
    if parts[1] == "skip":
        conversation.data = {
            **conversation.data,
            "skipped": [*conversation.data.get("skipped", []), conversation.element_code],
        }
        await ask_next(update, context, conversation)
    elif parts[1] == "noreason":
        await ask_next(update, context, conversation, lead="✓ ")
    elif parts[1] == "lvl" and len(parts) == 4 and parts[3] in {level.value for level in MARKS}:
        await _level(update, context, conversation, Status(parts[3]))


async def _level(update: Update, context: BotContext, conversation: Conversation, level: Status) -> None:
    current = who(context)
    t = current.t
    period = await period_by_id(context.storage, conversation.period_id or 0)
    if period is None or conversation.agency_code not in current.agency_codes:
        await context.storage.conversations.delete(current.telegram_id)
        return
    given = await give_confidence(
        context.storage,
        period,
        conversation.element_code or "",
        conversation.agency_code or "",
        level,
        by=current.telegram_id,
        now=context.now(),
    )
    if not given:
        await context.storage.conversations.delete(current.telegram_id)
        return
    conversation.state = REASON
    conversation.serial += 1
    await context.storage.conversations.save(conversation)
    await reply(
        update,
        t.gettext(
            "In one sentence: why, what is blocking, what your agency proposes (at most {limit} characters)."
        ).format(limit=REASON_LIMIT),
        keyboard([[(t.gettext("No comment"), f"cf:noreason:{conversation.serial}")]]),
    )


async def on_text(update: Update, context: BotContext, conversation: Conversation) -> None:
    """The sentence after a confidence."""
    t = who(context).t
    message = update.effective_message
    text = (message.text or "").strip() if message else ""
    if conversation.state != REASON:
        await reply(update, t.gettext("Please choose with the buttons above, or /cancel."))
        return
    if not text or len(text) > REASON_LIMIT:
        await reply(update, t.gettext("Please type a reason of at most {limit} characters.").format(limit=REASON_LIMIT))
        return
    period = await period_by_id(context.storage, conversation.period_id or 0)
    if period is not None and conversation.element_code:
        await give_reason(context.storage, period, conversation.element_code, text)
    await ask_next(update, context, conversation, lead="✓ ")


def handlers() -> list[Any]:
    """Every `cf:` button."""
    return [CallbackQueryHandler(on_button, pattern=r"^cf:")]
