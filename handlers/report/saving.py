"""Saving an answer and showing what came of it.

Every answer of the conversation, typed or pressed, goes through `record`: it calls the one save path,
`bot.services.report.record_answer`, and renders the `Outcome` it returns. The only decisions left here
are the conversation's: which screen follows.
"""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Update

from bot.context import BotContext
from bot.domain.models import DataElement, ElementType, Value
from bot.domain.rendering import esc, format_value, rejection_text, saved_text
from bot.domain.reporting import Draft, Given, NothingToNote, TooLong
from bot.domain.validation import NeedsConfirmation, Rejected
from bot.services.report import Conflict, Locked, Outcome, Saved, record_answer
from handlers.common import keyboard, reply, who
from handlers.report.flow import CONFIRM_JUMP, CONFLICT
from handlers.report.screens import Lead, advance, confirmation_screen, current_sheet, locked_text
from storage import Conversation


async def record(
    update: Update,
    context: BotContext,
    conversation: Conversation,
    given: Given,
    *,
    acknowledge: bool = True,
    seen_version: int | None = None,
) -> None:
    """Save an answer to the item asked and show the outcome; `acknowledge` opens the next screen with
    "✓ Saved" (Skip and Not applicable move on silently). The version the user saw is the question's,
    unless `seen_version` says otherwise."""
    sheet = await current_sheet(context, conversation)
    assert sheet is not None and conversation.element_code
    outcome = await record_answer(
        context.storage,
        sheet,
        conversation.element_code,
        given,
        by=who(context).telegram_id,
        seen_version=conversation.data.get("seen_version", 0) if seen_version is None else seen_version,
        now=context.now(),
    )
    await show_outcome(update, context, conversation, outcome, acknowledge=acknowledge)


async def show_outcome(
    update: Update, context: BotContext, conversation: Conversation, outcome: Outcome, *, acknowledge: bool = True
) -> None:
    """Render what came of saving: acknowledge and move on, or say why nothing was saved."""
    t = who(context).t
    match outcome:
        case Saved(value=value):
            if acknowledge:
                await saved(update, context, conversation, value)
            else:
                await advance(update, context, conversation)
        case Conflict():
            await show_conflict(update, context, conversation, outcome)
        case Locked(period=period):
            await context.storage.conversations.delete(conversation.user_id)
            await reply(update, await locked_text(context, t, period))
        case NeedsConfirmation():
            await confirm_jump(update, context, conversation, outcome)
        case Rejected(reason=reason, params=params):
            element = await _element_asked(context, conversation)
            text = rejection_text(reason, params, element, t)
            if reason == "essay":
                text += " " + t.gettext("You can add a note once the figure is saved.")
            await reply(update, text)
        case TooLong(length=length, limit=limit):
            await reply(
                update,
                t.gettext("That is {length} characters; please shorten it to {limit}. Nothing was saved yet.").format(
                    length=length, limit=limit
                ),
            )
        case NothingToNote():
            await reply(update, t.gettext("There is no saved value to attach the note to."))


async def _element_asked(context: BotContext, conversation: Conversation) -> DataElement:
    """The element of the conversation's current item (a refusal, a jump or a conflict is about it)."""
    sheet = await current_sheet(context, conversation)
    element = sheet.element(conversation.element_code) if sheet else None
    assert element is not None
    return element


async def saved(update: Update, context: BotContext, conversation: Conversation, value: Value) -> None:
    """Move on, the next screen opening with "✓ Saved: …" and offering a note for the saved value."""
    t = who(context).t
    sheet = await current_sheet(context, conversation)
    assert sheet is not None
    element = sheet.element(value.element_code)
    assert element is not None
    note_for = sheet.index(value.element_code) if element.type is not ElementType.TASK else None
    await advance(update, context, conversation, Lead(saved_text(element, value, t), note_for))


async def confirm_jump(
    update: Update, context: BotContext, conversation: Conversation, jump: NeedsConfirmation
) -> None:
    """A figure to confirm before it is saved (far from last period's, scaled by a word, an ambiguous
    separator): keep it pending and ask (`handlers.report.screens.confirmation_screen`)."""
    t = who(context).t
    sheet = await current_sheet(context, conversation)
    element = await _element_asked(context, conversation)
    conversation.state = CONFIRM_JUMP
    conversation.data["pending"] = jump.number
    conversation.data["alternative"] = jump.alternative
    await context.storage.conversations.save(conversation)
    previous_code = sheet.previous_code if sheet and sheet.previous_code else ""
    text, markup = confirmation_screen(element, jump, previous_code, conversation.serial, t)
    await reply(update, text, markup)


async def show_conflict(update: Update, context: BotContext, conversation: Conversation, conflict: Conflict) -> None:
    """A colleague changed the item meanwhile: show both answers, keep the user's pending, let them choose."""
    t = who(context).t
    element = await _element_asked(context, conversation)
    theirs = conflict.theirs
    conversation.state = CONFLICT
    conversation.data |= {"pending": conflict.mine.as_data(), "their_version": theirs.version}
    await context.storage.conversations.save(conversation)
    text = t.gettext(
        "{name} of your agency changed this item at {when}: <b>{theirs}</b>. Keep their figure, or replace it "
        "with yours (<b>{mine}</b>)?"
    ).format(
        name=esc(conflict.author or "?"),
        when=t.datetime(theirs.updated_at),
        theirs=format_value(element, theirs, t),
        mine=format_value(element, _as_value(conflict.mine, theirs), t),
    )
    serial = conversation.serial
    await reply(
        update,
        text,
        keyboard([[(t.gettext("Keep theirs"), f"r:theirs:{serial}"), (t.gettext("Use mine"), f"r:mine:{serial}")]]),
    )


def _as_value(draft: Draft, theirs: Value) -> Value:
    """The user's unsaved answer as a value of the same item, to show it beside theirs."""
    return Value(
        period_id=theirs.period_id,
        agency_code=theirs.agency_code,
        element_code=theirs.element_code,
        answer=draft.answer,
        number=draft.number,
        text=draft.text,
        note=draft.note,
        updated_at=datetime.now(UTC),
    )
