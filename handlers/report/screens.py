"""What the /report conversation shows: the question, the review, and the way from one to the next.

Each screen saves the conversation's new position before it is sent, so that a restart continues at the
screen the user sees. The report sheet is read once per update (`current_sheet`) and kept current by
`bot.services.report.record_answer`.

What a step has to say about itself ("✓ Saved: …", and the offer of a note for that item) is the `Lead`
of the next screen: its first lines and its last row of buttons, in the same message. One message per
answer is one round trip to Telegram on the way to the next question; taking the buttons off the
previous screen goes beside it (`handlers.common.beside`). The previous screen keeps its note offer.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.domain.models import DataElement, ElementType, Period, TaskStatus
from bot.domain.rendering import TELEGRAM_LIMIT, esc, format_number_with_unit, question_text, review_text
from bot.domain.reporting import next_question
from bot.domain.validation import NeedsConfirmation
from bot.i18n import Translator
from bot.services.obligations import period_consolidator
from bot.services.report import ReportSheet, question_context, reopen_sheet
from handlers.common import beside, keyboard, reply, who
from handlers.report.flow import ASKING, CHOOSING, REVIEW
from handlers.report.sheet import sheet_button
from handlers.report.status import status_button
from storage import Conversation

NOTE_PREFIX = "r:note:"


@dataclass(frozen=True)
class Lead:
    """What the next screen says first about the step just done, and the note offer for an item it saved
    (its index in the sheet, for an `r:note:` button)."""

    text: str
    note_for: int | None = None


def note_button(t: Translator, index: int) -> InlineKeyboardButton:
    """The offer of a note for the item saved at `index`; no serial, it stays valid after the question."""
    label = t.gettext("📝 Add a note to the item just saved")
    return InlineKeyboardButton(label, callback_data=f"{NOTE_PREFIX}{index}")


async def locked_text(context: BotContext, t: Translator, period: Period) -> str:
    """Why a locked period takes no answers, and whom to ask: the agency it is reported to."""
    agency = await period_consolidator(context.storage, t, period)
    return t.gettext(
        "Period {period} is locked: its figures are final. To correct one, ask {agency} to unlock it."
    ).format(period=esc(period.code), agency=esc(agency))


def confirmation_screen(
    element: DataElement, asked: NeedsConfirmation, previous_code: str, serial: int, t: Translator
) -> tuple[str, InlineKeyboardMarkup]:
    """The question before saving a figure that is not simply what was typed, or that is far from what
    the item can be: the value to be saved, in the item's unit, and the buttons to save it or retype.
    An ambiguous separator offers both readings ("r:jumpok" the user's locale's, "r:jumpalt" the other)."""
    shown = format_number_with_unit(element, asked.number, t)
    typed = esc(asked.typed)
    retype = (t.gettext("No, retype"), f"r:jumpno:{serial}")
    save = (t.gettext("Save {value}").format(value=html.unescape(shown)), f"r:jumpok:{serial}")
    if asked.reason == "ambiguous" and asked.alternative is not None:
        other = format_number_with_unit(element, asked.alternative, t)
        text = t.gettext(
            "“{typed}” can be read two ways: <b>{first}</b> or <b>{second}</b>. Which one did you mean?"
        ).format(typed=typed, first=shown, second=other)
        alternative = (t.gettext("Save {value}").format(value=html.unescape(other)), f"r:jumpalt:{serial}")
        return text, keyboard([[save], [alternative], [retype]])
    if asked.reason in ("scaled", "separator"):
        text = t.gettext("You typed “{typed}”: that is <b>{value}</b>. Save it?").format(typed=typed, value=shown)
        return text, keyboard([[save, retype]])
    if asked.reason == "implausible":
        text = t.gettext(
            "⚠️ {value} is far from what this item can plausibly be, and there is no earlier figure to compare "
            "with. Is it right?"
        ).format(value=shown)
    else:
        text = t.gettext("⚠️ {new} is far from last period's {old} ({period}). Is it right?").format(
            new=shown, old=format_number_with_unit(element, asked.previous, t), period=esc(previous_code)
        )
    return text, keyboard([[(t.gettext("Yes, keep it"), f"r:jumpok:{serial}"), retype]])


async def current_sheet(context: BotContext, conversation: Conversation) -> ReportSheet | None:
    """The agency's report for the conversation's period, read once per update: several steps of one
    update need it, and a save keeps it current."""
    if conversation.period_id is None or conversation.agency_code is None:
        return None
    cached: ReportSheet | None = getattr(context, "report_sheet", None)
    sheet = await reopen_sheet(context.storage, conversation.period_id, conversation.agency_code, cached)
    context.report_sheet = sheet  # type: ignore[attr-defined]
    return sheet


def question_buttons(element: DataElement, serial: int, t: Translator, has_value: bool) -> InlineKeyboardMarkup:
    """The answers a question offers besides typing: by element type, then Skip, Not applicable, Back."""
    rows: list[list[tuple[str, str]]] = []
    if element.type is ElementType.MILESTONE:
        rows.append([(t.gettext("✅ Achieved"), f"r:yes:{serial}"), (t.gettext("❌ Not achieved"), f"r:no:{serial}")])
    elif element.type is ElementType.TASK:
        labels = [
            (TaskStatus.NOT_STARTED, t.gettext("Not started")),
            (TaskStatus.IN_PROGRESS, t.gettext("In progress")),
            (TaskStatus.DONE, t.gettext("Done")),
            (TaskStatus.DELAYED, t.gettext("Delayed")),
        ]
        rows += [[(label, f"r:st:{serial}:{status.value}") for status, label in labels[i : i + 2]] for i in (0, 2)]
    rows.append([(t.gettext("Skip"), f"r:skip:{serial}"), (t.gettext("Not applicable"), f"r:na:{serial}")])
    last = [(t.gettext("◀ Back"), f"r:back:{serial}")]
    if has_value:
        last.append((t.gettext("Keep as is ▶"), f"r:keep:{serial}"))
    rows.append(last)
    return keyboard(rows)


async def ask(
    update: Update,
    context: BotContext,
    conversation: Conversation,
    sheet: ReportSheet,
    code: str,
    *,
    to_review: bool = False,
    lead: Lead | None = None,
) -> None:
    """Ask for one element (after the lead, if any) and remember, on disk, that it was asked."""
    t = who(context).t
    element = sheet.element(code)
    assert element is not None
    question = await question_context(context.storage, sheet, code)
    conversation.state = ASKING
    conversation.element_code = code
    conversation.serial += 1
    conversation.data = {
        "seen_version": question.current.version if question.current else 0,
        "to_review": to_review,
        "shown": False,  # until Telegram takes the message: a figure typed before then answers another item
        **_screen_of(conversation),
    }
    await context.storage.conversations.save(conversation)
    markup = question_buttons(element, conversation.serial, t, question.current is not None)
    await present(update, context, conversation, question_text(element, question, t), markup, lead)


def _screen_of(conversation: Conversation) -> dict[str, int | None]:
    """What the conversation remembers of the message on screen: its id, and the item its note offer is for."""
    return {"screen": conversation.data.get("screen"), "screen_note": conversation.data.get("screen_note")}


async def present(
    update: Update,
    context: BotContext,
    conversation: Conversation,
    text: str,
    markup: InlineKeyboardMarkup,
    lead: Lead | None = None,
) -> None:
    """Show the conversation's next screen, its lead first, and, beside it, take the buttons off the
    previous one but its note offer, so that a phone never shows two live questions (an old one's button
    would only get a "this question has passed")."""
    t = who(context).t
    previous, previous_note = conversation.data.get("screen"), conversation.data.get("screen_note")
    chat, query = update.effective_chat, update.callback_query
    pressed = query.message.message_id if query and query.message else None
    if previous and chat is not None and previous != pressed:  # a pressed message is settled by on_button
        rest = InlineKeyboardMarkup([[note_button(t, previous_note)]]) if previous_note is not None else None
        beside(
            context.application,
            context.bot.edit_message_reply_markup(chat.id, previous, reply_markup=rest),
            "taking the buttons off the previous question",
        )
    note_for = lead.note_for if lead else None
    if lead is not None:
        combined = f"{lead.text}\n\n{text}"
        if _fits(combined):
            text = combined
            if note_for is not None:
                markup = InlineKeyboardMarkup([*markup.inline_keyboard, [note_button(t, note_for)]])
        else:  # a very long review: the lead goes first, on its own, as before
            extra = InlineKeyboardMarkup([[note_button(t, note_for)]]) if note_for is not None else None
            await reply(update, lead.text, extra)
            note_for = None
    message = await reply(update, text, markup)
    conversation.data["screen"] = message.message_id
    conversation.data["screen_note"] = note_for
    conversation.data["shown"] = True
    await context.storage.conversations.save(conversation)


def _fits(text: str) -> bool:
    """Whether a message's text fits Telegram's limit (counted on the HTML, which is never shorter than
    what Telegram counts, in UTF-16 units as Telegram does)."""
    return len(text.encode("utf-16-le")) // 2 <= TELEGRAM_LIMIT


async def advance(update: Update, context: BotContext, conversation: Conversation, lead: Lead | None = None) -> None:
    """After an answer: back to the review if we came from it, else the next unanswered item; the lead
    says first what came of the answer."""
    sheet = await current_sheet(context, conversation)
    if sheet is None:
        return
    to_review = bool(conversation.data.get("to_review"))
    following = None if to_review else next_question(sheet.elements, sheet.responded, conversation.element_code)
    if following is None:
        await show_review(update, context, conversation, sheet, lead)
    else:
        await ask(update, context, conversation, sheet, following, lead=lead)


async def show_review(
    update: Update, context: BotContext, conversation: Conversation, sheet: ReportSheet, lead: Lead | None = None
) -> None:
    """Every answer at a glance (after the lead, if any), a button per item to change it, Submit and Later."""
    t = who(context).t
    conversation.state = REVIEW
    conversation.element_code = None
    conversation.serial += 1
    conversation.data = _screen_of(conversation)
    await context.storage.conversations.save(conversation)
    serial = conversation.serial
    numbers = [(str(i + 1), f"r:edit:{serial}:{i}") for i in range(len(sheet.elements))]
    rows = [numbers[i : i + 6] for i in range(0, len(numbers), 6)]
    rows.append([(t.gettext("✅ Submit"), f"r:submit:{serial}"), (t.gettext("Later"), f"r:later:{serial}")])
    rows.append(
        [sheet_button(sheet.period.id, sheet.agency.code, t), status_button(sheet.period.id, sheet.agency.code, t)]
    )
    text = review_text(sheet.period, sheet.agency, sheet.elements, sheet.values, sheet.submission, t)
    await present(update, context, conversation, text, keyboard(rows), lead)


async def nudge(update: Update, context: BotContext, conversation: Conversation) -> None:
    """Anything unexpected mid-report (a sticker, a photo, a stray command): point back to the question."""
    t = who(context).t
    sheet = await current_sheet(context, conversation)
    if sheet is None:
        await context.storage.conversations.delete(conversation.user_id)
        return
    if conversation.state == REVIEW:
        await reply(
            update,
            t.gettext(
                "Your report is waiting for review: press a number to change an item, or Submit. /cancel stops for now."
            ),
        )
        await show_review(update, context, conversation, sheet)
        return
    if conversation.state == CHOOSING:
        await reply(update, t.gettext("Please choose a report with the buttons above, or /cancel."))
        return
    await reply(update, t.gettext("Let's finish this item first (or /cancel to stop; what you confirmed is saved)."))
    if conversation.element_code:
        await ask(
            update,
            context,
            conversation,
            sheet,
            conversation.element_code,
            to_review=bool(conversation.data.get("to_review")),
        )
