"""/ask: an explanation request (giải trình). An admin asks an agency about an indicator; its focal points
get the question with a Reply button; the answer is kept with the period and shown in the indicator's
details and in the Excel notes, and the admin who asked is told."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.domain.rendering import esc
from bot.i18n import translator
from bot.services.explain import (
    ANSWER_LIMIT,
    NoOpenPeriod,
    UnfitAnswer,
    UnknownAgencyOrIndicator,
    answer_explanation,
    ask_for_explanation,
    begin_answer,
)
from bot.services.explain import FLOW as FLOW  # the onboarding dispatcher routes text by it
from bot.services.obligations import period_consolidator
from handlers.common import keyboard, reply, who
from handlers.delivery import deliver
from storage import Conversation


async def ask(update: Update, context: BotContext) -> None:
    """/ask AGENCY INDICATOR QUESTION"""
    current = who(context)
    t = current.t
    message = update.effective_message
    parts = (message.text or "").split(maxsplit=3) if message else []
    usage = t.gettext("Usage: /ask AGENCY INDICATOR QUESTION, e.g. /ask SYT HOSPITAL_BEDS Why did beds fall?")
    if len(parts) < 4:
        await reply(update, usage)
        return
    try:
        question = await ask_for_explanation(context.storage, parts[1], parts[2], parts[3].strip(), current.telegram_id)
    except UnknownAgencyOrIndicator:
        await reply(
            update,
            t.gettext("No agency {agency} or no indicator {indicator}.").format(
                agency=esc(parts[1]), indicator=esc(parts[2])
            )
            + " "
            + usage,
        )
        return
    except NoOpenPeriod:
        await reply(update, t.gettext("No open period for this indicator's programme."))
        return
    sent = 0
    for user in question.recipients:
        their = translator(user.locale or context.settings.default_locale, context.settings.timezone)
        asking = await period_consolidator(context.storage, their, question.period)
        text = their.gettext(
            "❓ {consolidator} asks {agency} for an explanation on “{indicator}”, period {period}:\n{question}"
        ).format(
            consolidator=esc(asking[:1].upper() + asking[1:]),
            agency=esc(question.agency.name(their.locale)),
            indicator=esc(question.indicator.name(their.locale)),
            period=esc(question.period.code),
            question=esc(question.text),
        )
        markup = keyboard([[(their.gettext("✍️ Reply"), f"x:answer:{question.explanation_id}")]])
        if await deliver(context.bot, context.bot_data.throttle, user.telegram_id, text, markup) == "sent":
            sent += 1
    await reply(
        update,
        t.gettext("Question sent to {count} focal point(s) of {agency}.").format(
            count=sent, agency=esc(question.agency.name(t.locale))
        ),
    )


async def reply_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    current = who(context)
    t = current.t
    parts = query.data.split(":")
    explanation = (
        await begin_answer(context.storage, int(parts[2]), current.telegram_id, current.agency_codes)
        if parts[2:] and parts[2].isdigit()
        else None
    )
    if explanation is None:
        await query.answer(t.gettext("That question is not for your agency."), show_alert=True)
        return
    await query.answer()
    await reply(update, t.gettext("Type your explanation (at most {limit} characters).").format(limit=ANSWER_LIMIT))


async def on_text(update: Update, context: BotContext, conversation: Conversation) -> None:
    """The focal point's answer."""
    t = who(context).t
    message = update.effective_message
    text = (message.text or "").strip() if message else ""
    try:
        answered = await answer_explanation(context.storage, conversation, text)
    except UnfitAnswer:
        await reply(
            update,
            t.gettext("Please keep it under {limit} characters; nothing was saved yet.").format(limit=ANSWER_LIMIT),
        )
        return
    if answered is None:
        return
    await reply(update, t.gettext("Thank you, your explanation was sent to the Department."))
    explanation, asker, agency = answered.explanation, answered.asker, answered.agency
    their = translator(
        asker.locale if asker and asker.locale else context.settings.default_locale, context.settings.timezone
    )
    await deliver(
        context.bot,
        context.bot_data.throttle,
        explanation.asked_by,
        their.gettext("💬 {agency} explains {indicator}:\n{answer}").format(
            agency=esc(agency.name(their.locale) if agency else explanation.agency_code),
            indicator=esc(explanation.indicator_code),
            answer=esc(text),
        ),
        None,
    )


def handlers() -> list[Any]:
    return [CommandHandler("ask", ask), CallbackQueryHandler(reply_button, pattern=r"^x:answer:")]
