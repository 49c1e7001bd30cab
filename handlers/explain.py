"""/ask: an explanation request (giải trình). An admin asks an agency about an indicator; its focal points
get the question with a Reply button; the answer is kept with the period and shown in the indicator's
details and in the Excel notes, and the admin who asked is told."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.domain.models import Indicator, PeriodState
from bot.domain.rendering import esc
from bot.i18n import translator
from handlers.common import keyboard, reply, who
from handlers.delivery import deliver
from storage import Conversation

FLOW = "ask"
ANSWER_LIMIT = 1000


async def _indicator(context: BotContext, code: str) -> Indicator | None:
    for programme in await context.storage.catalogue.programmes():
        for indicator in await context.storage.catalogue.indicators(programme.id):
            if indicator.code == code.upper():
                return indicator
    return None


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
    agency = await context.storage.agencies.get(parts[1].upper())
    indicator = await _indicator(context, parts[2])
    if agency is None or indicator is None:
        await reply(
            update,
            t.gettext("No agency {agency} or no indicator {indicator}.").format(
                agency=esc(parts[1]), indicator=esc(parts[2])
            )
            + " "
            + usage,
        )
        return
    periods = [
        p
        for p in await context.storage.periods.all()
        if p.programme_id == indicator.programme_id and p.state is not PeriodState.LOCKED
    ]
    if not periods:
        await reply(update, t.gettext("No open period for this indicator's programme."))
        return
    period, question = periods[0], parts[3].strip()
    explanation_id = await context.storage.explanations.ask(
        period.id, agency.code, indicator.code, question, current.telegram_id
    )
    sent = 0
    for user, _ in await context.storage.users.members_of(agency.code):
        their = translator(user.locale or context.settings.default_locale, context.settings.timezone)
        text = their.gettext(
            "❓ The Department of Planning and Investment asks {agency} for an explanation on "
            "“{indicator}”, period {period}:\n{question}"
        ).format(
            agency=esc(agency.name(their.locale)),
            indicator=esc(indicator.name(their.locale)),
            period=esc(period.code),
            question=esc(question),
        )
        markup = keyboard([[(their.gettext("✍️ Reply"), f"x:answer:{explanation_id}")]])
        if await deliver(context.bot, context.bot_data.throttle, user.telegram_id, text, markup) == "sent":
            sent += 1
    await reply(
        update,
        t.gettext("Question sent to {count} focal point(s) of {agency}.").format(
            count=sent, agency=esc(agency.name(t.locale))
        ),
    )


async def reply_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    current = who(context)
    t = current.t
    parts = query.data.split(":")
    explanation = await context.storage.explanations.get(int(parts[2])) if parts[2:] and parts[2].isdigit() else None
    if explanation is None or explanation.agency_code not in current.agency_codes:
        await query.answer(t.gettext("That question is not for your agency."), show_alert=True)
        return
    await query.answer()
    await context.storage.conversations.save(
        Conversation(user_id=current.telegram_id, flow=FLOW, state="answering", data={"explanation": explanation.id})
    )
    await reply(update, t.gettext("Type your explanation (at most {limit} characters).").format(limit=ANSWER_LIMIT))


async def on_text(update: Update, context: BotContext, conversation: Conversation) -> None:
    """The focal point's answer."""
    current = who(context)
    t = current.t
    message = update.effective_message
    answer = (message.text or "").strip() if message else ""
    if not answer or len(answer) > ANSWER_LIMIT:
        await reply(
            update,
            t.gettext("Please keep it under {limit} characters; nothing was saved yet.").format(limit=ANSWER_LIMIT),
        )
        return
    explanation = await context.storage.explanations.get(int(conversation.data.get("explanation", 0)))
    await context.storage.conversations.delete(current.telegram_id)
    if explanation is None:
        return
    await context.storage.explanations.answer(explanation.id, answer, current.telegram_id)
    await reply(update, t.gettext("Thank you, your explanation was sent to the Department."))
    asker = await context.storage.users.get(explanation.asked_by)
    their = translator(
        asker.locale if asker and asker.locale else context.settings.default_locale, context.settings.timezone
    )
    agency = await context.storage.agencies.get(explanation.agency_code)
    await deliver(
        context.bot,
        context.bot_data.throttle,
        explanation.asked_by,
        their.gettext("💬 {agency} explains {indicator}:\n{answer}").format(
            agency=esc(agency.name(their.locale) if agency else explanation.agency_code),
            indicator=esc(explanation.indicator_code),
            answer=esc(answer),
        ),
        None,
    )


def handlers() -> list[Any]:
    return [CommandHandler("ask", ask), CallbackQueryHandler(reply_button, pattern=r"^x:answer:")]
