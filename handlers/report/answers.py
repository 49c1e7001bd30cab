"""Typed input while a report is open: a figure, a task's percent and narrative, a note."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.domain.models import ElementType
from bot.domain.reporting import (
    NARRATIVE_LIMIT,
    Note,
    NothingToNote,
    TaskProgress,
    TypedNumber,
    task_progress_problem,
    task_progress_text,
)
from bot.domain.validation import Rejected, validate_task_percent
from bot.services.report import Conflict, Saved, record_answer
from handlers.common import keyboard, reply, who
from handlers.report.flow import ASKING, CONFIRM_JUMP, NOTE, TASK_NARRATIVE, TASK_PERCENT
from handlers.report.saving import record, show_outcome
from handlers.report.screens import Lead, advance, ask, current_sheet, nudge, show_review
from storage import Conversation


async def on_text(update: Update, context: BotContext, conversation: Conversation) -> None:
    """A text message while a report is open: route it by the conversation's state."""
    message = update.effective_message
    assert message is not None and message.text is not None
    text = message.text.strip()
    if conversation.state in (ASKING, CONFIRM_JUMP):
        await typed_value(update, context, conversation, text)
    elif conversation.state == TASK_PERCENT:
        await task_percent(update, context, conversation, text)
    elif conversation.state == TASK_NARRATIVE:
        status, percent = conversation.data.get("status"), conversation.data.get("percent")
        await record(update, context, conversation, TaskProgress(status, percent, text))
    elif conversation.state == NOTE:
        await save_note(update, context, conversation, text)
    else:
        await nudge(update, context, conversation)


async def typed_value(update: Update, context: BotContext, conversation: Conversation, text: str) -> None:
    """A figure typed for the item asked: saved, or refused with the reason, or held for confirmation."""
    sheet = await current_sheet(context, conversation)
    if sheet is None:
        return
    element = sheet.element(conversation.element_code)
    if element is None:
        await advance(update, context, conversation)
        return
    if element.type in (ElementType.MILESTONE, ElementType.TASK):
        await nudge(update, context, conversation)
        return
    if conversation.state == ASKING and conversation.data.get("shown") is False:
        # The question was never delivered (the network failed while sending it): this message answers
        # the one before, which is saved. Filing it here would put a figure under an item the user never saw.
        lead = Lead(
            who(context).t.gettext(
                "⚠️ This question had not reached you, so your message was not saved under it (what you "
                "confirmed before is saved). Here it is:"
            )
        )
        await ask(
            update,
            context,
            conversation,
            sheet,
            element.code,
            to_review=bool(conversation.data.get("to_review")),
            lead=lead,
        )
        return
    await record(update, context, conversation, TypedNumber(text, who(context).t.locale))


async def task_percent(update: Update, context: BotContext, conversation: Conversation, text: str) -> None:
    """A task's percent done, after its status; kept in the conversation until the narrative."""
    t = who(context).t
    verdict = validate_task_percent(text, t.locale)
    if isinstance(verdict, Rejected):
        await reply(update, "⚠️ " + t.gettext("Type the percentage done, from 0 to 100."))
        return
    problem = task_progress_problem(conversation.data.get("status"), verdict.number)
    if problem is not None:  # "done, 60 %": the status is asked again, with the reason first
        sheet = await current_sheet(context, conversation)
        if sheet is not None and conversation.element_code:
            to_review = bool(conversation.data.get("to_review"))
            lead = Lead("⚠️ " + task_progress_text(problem, t))
            await ask(update, context, conversation, sheet, conversation.element_code, to_review=to_review, lead=lead)
        return
    conversation.state = TASK_NARRATIVE
    conversation.data["percent"] = verdict.number
    await context.storage.conversations.save(conversation)
    await reply(
        update,
        t.gettext("In a sentence or two, how is it going? (at most {limit} characters)").format(limit=NARRATIVE_LIMIT),
        keyboard([[(t.gettext("No comment"), f"r:nonarr:{conversation.serial}")]]),
    )


async def save_note(update: Update, context: BotContext, conversation: Conversation, text: str) -> None:
    """A note for a saved value: attach it, then go back to where the user was (a question or the review)."""
    t = who(context).t
    sheet = await current_sheet(context, conversation)
    assert sheet is not None
    code = conversation.data.get("note_for", "")
    outcome = await record_answer(
        context.storage, sheet, code, Note(text), by=who(context).telegram_id, seen_version=0, now=context.now()
    )
    if isinstance(outcome, Conflict):
        conversation.element_code = code  # the colleague changed the noted item: "use mine" saves there
    if not isinstance(outcome, Saved | NothingToNote):
        await show_outcome(update, context, conversation, outcome)  # too long, locked, or that conflict
        return
    lead = None
    if isinstance(outcome, Saved):
        lead = Lead(t.gettext("📝 Note saved."))  # the screen the user returns to says so first
    else:
        await show_outcome(update, context, conversation, outcome)
    resume = conversation.data.get("resume")
    conversation.element_code = resume
    if resume is None:
        await show_review(update, context, conversation, sheet, lead)
    else:
        to_review = bool(conversation.data.get("to_review"))
        await ask(update, context, conversation, sheet, resume, to_review=to_review, lead=lead)
