"""The "official figures" round: `/official PERIOD DD/MM/YYYY` (admins, handlers.review) opens it for a past
period with its own deadline, and each agency with figures not yet official is asked for just those items
(its reminders and /report lead here too, see `round_to_answer`). A focal point
goes through them one at a time: the figure on record is offered to confirm as official in one tap, or
the official figure is typed and checked exactly as in /report (`bot.domain.reporting.prepare`: the same
parsing, range and jump confirmation). The position is a row in the `conversations` table (flow
`official`); buttons are `vt:` and carry the conversation's serial, so an old one is not applied.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.context import BotContext
from bot.domain.models import PeriodState, ValueStatus
from bot.domain.rendering import esc, format_number_with_unit, format_value, rejection_text, shorten
from bot.domain.reporting import ConfirmedNumber, Draft, TypedNumber, prepare
from bot.domain.summary_text import value_status_name
from bot.domain.validation import NeedsConfirmation
from bot.services.figure_status import set_status, unofficial_items
from bot.services.summary import period_by_id
from handlers.common import beside, keyboard, reply, settle_pressed, who
from handlers.report.status import on_status_button
from storage import Conversation, PeriodLocked, ValueConflict

FLOW = "official"  # the onboarding dispatcher routes text by it


async def round_to_answer(context: BotContext, period_id: int, agency_code: str | None) -> str | None:
    """The agency (this one, or the first of the user's) that owes official figures in the period's open
    round: /report and a round reminder's "Report now" lead there. None when there is no such round."""
    period = await period_by_id(context.storage, period_id)
    if (
        period is None
        or period.state is not PeriodState.CLOSED
        or not await context.storage.figures.official_round(period_id)
    ):
        return None
    for code in [agency_code] if agency_code else who(context).agency_codes:
        found = await unofficial_items(context.storage, period, code)
        if found is not None and found[1]:
            return code
    return None


async def start_round(update: Update, context: BotContext, period_id: int, agency_code: str) -> None:
    """The focal point's round: the first item not official yet."""
    current = who(context)
    period = await period_by_id(context.storage, period_id)
    if period is None or agency_code not in current.agency_codes:
        await reply(update, current.t.gettext("That report is not yours to fill in."))
        return
    conversation = Conversation(
        user_id=current.telegram_id, flow=FLOW, state="asking", period_id=period_id, agency_code=agency_code
    )
    await ask_next(update, context, conversation, done=0)


async def ask_next(
    update: Update, context: BotContext, conversation: Conversation, *, done: int, lead: str = ""
) -> None:
    """Ask the next item not official yet, or say the round is done for this agency."""
    t = who(context).t
    period = await period_by_id(context.storage, conversation.period_id or 0)
    found = await unofficial_items(context.storage, period, conversation.agency_code or "") if period else None
    skipped = set(conversation.data.get("skipped", []))
    remaining = [e for e in found[1] if e.code not in skipped] if found else []
    if found is None or not remaining:
        await context.storage.conversations.delete(conversation.user_id)
        await reply(
            update,
            lead
            + t.gettext("Thank you: {count} figure(s) made official. /report shows the whole report.").format(
                count=done
            ),
        )
        return
    sheet, element = found[0], remaining[0]
    value = sheet.values[element.code]
    conversation.element_code = element.code
    conversation.serial += 1
    conversation.data = {**conversation.data, "done": done, "seen_version": value.version, "pending": None}
    await context.storage.conversations.save(conversation)
    text = lead + t.gettext(
        "<b>Official figures, period {period}</b> ({left} left)\n{name}: {value} ({status}).\n"
        "Press to confirm it as official, or type the official figure."
    ).format(
        period=esc(sheet.period.code),
        left=len(remaining),
        name=esc(shorten(element.name(t.locale), 80)),
        value=format_value(element, value, t),
        status=value_status_name(value.status, t),
    )
    keep = t.gettext("✅ {value} is official").format(value=format_value(element, value, t))
    rows = [[(keep, f"vt:keep:{conversation.serial}")], [(t.gettext("Skip"), f"vt:skip:{conversation.serial}")]]
    await reply(update, text, keyboard(rows))


async def on_text(update: Update, context: BotContext, conversation: Conversation) -> None:
    """A typed official figure: checked as in /report, saved as official (a jump asks to confirm first)."""
    t = who(context).t
    message = update.effective_message
    period = await period_by_id(context.storage, conversation.period_id or 0)
    found = await unofficial_items(context.storage, period, conversation.agency_code or "") if period else None
    element = found[0].element(conversation.element_code) if found else None
    if found is None or element is None or message is None:
        await context.storage.conversations.delete(conversation.user_id)
        return
    sheet = found[0]
    decided = prepare(
        TypedNumber((message.text or "").strip(), t.locale),
        element,
        sheet.values.get(element.code),
        sheet.previous.get(element.code),
    )
    if isinstance(decided, NeedsConfirmation):
        conversation.data = {**conversation.data, "pending": decided.number}
        conversation.serial += 1
        await context.storage.conversations.save(conversation)
        shown = format_number_with_unit(element, decided.number, t)
        await reply(
            update,
            t.gettext("{value} is a big change from last period's {previous}. Keep it?").format(
                value=shown, previous=t.number(decided.previous)
            ),
            keyboard([[(t.gettext("Yes, keep it"), f"vt:jump:{conversation.serial}")]]),
        )
        return
    if not isinstance(decided, Draft):
        reason = getattr(decided, "reason", "not_a_number")
        await reply(update, rejection_text(reason, getattr(decided, "params", {}), element, t))
        return
    await _save_official(update, context, conversation, decided)


async def _save_official(update: Update, context: BotContext, conversation: Conversation, draft: Draft) -> None:
    t = who(context).t
    period = await period_by_id(context.storage, conversation.period_id or 0)
    assert period is not None and conversation.agency_code and conversation.element_code
    try:
        await context.storage.values.save(
            period,
            conversation.agency_code,
            conversation.element_code,
            answer=draft.answer,
            number=draft.number,
            text=draft.text,
            note=draft.note,
            status=ValueStatus.OFFICIAL,
            by=who(context).telegram_id,
            expected_version=int(conversation.data.get("seen_version", 0)),
            now=context.now(),
        )
    except PeriodLocked:
        await context.storage.conversations.delete(conversation.user_id)
        await reply(update, t.gettext("The figures of period {period} are locked.").format(period=esc(period.code)))
        return
    except ValueConflict:
        await ask_next(
            update,
            context,
            conversation,
            done=int(conversation.data.get("done", 0)),
            lead=t.gettext("A colleague changed this figure meanwhile; here it is again.") + "\n\n",
        )
        return
    await ask_next(update, context, conversation, done=int(conversation.data.get("done", 0)) + 1, lead="✓ ")


async def on_button(update: Update, context: BotContext) -> None:
    """Every `vt:` button: the status screen's (show, item, all) and the round's (round, keep, skip, jump)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    beside(context.application, query.answer(), "answering a figure status button")
    parts = query.data.split(":")
    action = parts[1] if len(parts) > 1 else ""
    if action in {"show", "item", "all"}:
        await on_status_button(update, context, parts)
        return
    settle_pressed(context.application, query)
    if action == "round" and len(parts) == 4 and parts[2].isdigit():
        await start_round(update, context, int(parts[2]), parts[3])
        return
    current = who(context)
    conversation = await context.storage.conversations.get(current.telegram_id)
    if conversation is None or conversation.flow != FLOW or len(parts) < 3 or parts[2] != str(conversation.serial):
        await reply(update, current.t.gettext("This question has passed. Use /report to continue."))
        return
    done = int(conversation.data.get("done", 0))
    if action == "skip":
        conversation.data = {
            **conversation.data,
            "skipped": [*conversation.data.get("skipped", []), conversation.element_code],
        }
        await ask_next(update, context, conversation, done=done)
    elif action == "jump" and conversation.data.get("pending") is not None:
        await _confirm_jump(update, context, conversation, float(conversation.data["pending"]))
    elif action == "keep":
        await _keep(update, context, conversation, done)


async def _keep(update: Update, context: BotContext, conversation: Conversation, done: int) -> None:
    """The figure on record is the official one: one tap."""
    period = await period_by_id(context.storage, conversation.period_id or 0)
    found = await unofficial_items(context.storage, period, conversation.agency_code or "") if period else None
    if found is None or conversation.element_code is None:
        return
    changed = await set_status(
        context.storage,
        found[0],
        [conversation.element_code],
        ValueStatus.OFFICIAL,
        by=who(context).telegram_id,
        now=context.now(),
    )
    if changed is None:  # the period was locked, or the consolidating agency accepted the report, meanwhile
        await context.storage.conversations.delete(conversation.user_id)
        t = who(context).t
        await reply(
            update, t.gettext("The figures of period {period} are locked.").format(period=esc(found[0].period.code))
        )
        return
    await ask_next(update, context, conversation, done=done + changed, lead="✓ ")


async def _confirm_jump(update: Update, context: BotContext, conversation: Conversation, number: float) -> None:
    period = await period_by_id(context.storage, conversation.period_id or 0)
    found = await unofficial_items(context.storage, period, conversation.agency_code or "") if period else None
    element = found[0].element(conversation.element_code) if found else None
    if found is None or element is None:
        return
    decided = prepare(ConfirmedNumber(number), element, found[0].values.get(element.code), None)
    if isinstance(decided, Draft):
        await _save_official(update, context, conversation, decided)


def handlers() -> list[Any]:
    """Every `vt:` button (/official itself is the admins', in handlers.review)."""
    return [CallbackQueryHandler(on_button, pattern=r"^vt:")]
