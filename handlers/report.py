"""/report: a focal point reports their agency's figures for a period (state diagram: report.mmd).

The conversation's position lives in the `conversations` table and is saved at every step, not in PTB's
memory: after a restart the user's next message continues at the same question, and several bot
instances can share one database. Every confirmed value is written at once, as a draft; Submit marks
the agency's report complete. Buttons carry the question's serial number, so a press on an old message
is recognised as stale instead of answering the wrong question.

States:
    CHOOSING        pick the (period, agency) when more than one is open
    ASKING          one data element: a typed number, or buttons for milestones and tasks
    CONFIRM_JUMP    an implausible jump against last period waits for "yes, keep it"
    CONFLICT        another focal point of the agency changed this value meanwhile
    TASK_PERCENT    a task's percentage done, after its status
    TASK_NARRATIVE  a task's short narrative
    NOTE            a note for a value just saved
    REVIEW          every answer, edit any one, Submit
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.domain.models import Answer, DataElement, ElementType, PeriodState, TaskStatus, Value
from bot.domain.rendering import (
    QuestionContext,
    esc,
    format_value,
    question_text,
    rejection_text,
    review_text,
    shorten,
)
from bot.domain.reporting import indicators_fed_by, is_on_time, next_question, previous_question
from bot.domain.validation import (
    Accepted,
    NeedsConfirmation,
    Rejected,
    validate_number,
    validate_task_percent,
)
from bot.i18n import Translator
from bot.services.report import ReportSheet, load_sheet, reportable
from handlers.common import keyboard, reply, who
from storage import Conversation, PeriodLocked, ValueConflict

FLOW = "report"
CHOOSING, ASKING, CONFIRM_JUMP, CONFLICT = "choosing", "asking", "confirm_jump", "conflict"
TASK_PERCENT, TASK_NARRATIVE, NOTE, REVIEW = "task_percent", "task_narrative", "note", "review"
ESSAY_LENGTH = 120
NARRATIVE_LIMIT = 500
NOTE_LIMIT = 500


# ----------------------------------------------------------------- entry points


def report_button(period_id: int, t: Translator) -> tuple[str, str]:
    """The "Report now" button a reminder carries; `on_button` opens that period's report."""
    return (t.gettext("📝 Report now"), f"r:open:{period_id}")


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
            await reply(update, locked_text(t, period.code))
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


def locked_text(t: Translator, period_code: str) -> str:
    return t.gettext(
        "Period {period} is locked: its figures are final. To correct one, ask the Department of "
        "Planning and Investment to unlock it."
    ).format(period=esc(period_code))


async def begin(update: Update, context: BotContext, period_id: int, agency_code: str) -> None:
    """Start (or resume) a report at the first unanswered item, or at the review if all are answered."""
    current = who(context)
    t = current.t
    period = await context.storage.periods.by_id(period_id)
    if period is None or agency_code not in current.agency_codes:
        await reply(update, t.gettext("That report is not yours to fill in."))
        return
    if period.state is PeriodState.LOCKED:
        await reply(update, locked_text(t, period.code))
        return
    sheet = await load_sheet(context.storage, period, agency_code)
    if sheet is None or not sheet.elements:
        await reply(update, t.gettext("Your agency owes nothing for this period."))
        return
    conversation = Conversation(
        user_id=current.telegram_id, flow=FLOW, state=ASKING, period_id=period.id, agency_code=agency_code
    )
    first = next_question(sheet.elements, sheet.answered, None)
    if first is None:
        await show_review(update, context, conversation, sheet)
    else:
        await ask(update, context, conversation, sheet, first)


# ----------------------------------------------------------------- asking


def question_buttons(element: DataElement, serial: int, t: Translator, has_value: bool) -> InlineKeyboardMarkup:
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
) -> None:
    """Ask for one element and remember, on disk, that it was asked."""
    t = who(context).t
    element = sheet.element(code)
    assert element is not None
    current_value = sheet.values.get(code)
    author = None
    if current_value is not None and current_value.updated_by is not None:
        user = await context.storage.users.get(current_value.updated_by)
        author = user.full_name if user and user.full_name else str(current_value.updated_by)
    conversation.state = ASKING
    conversation.element_code = code
    conversation.serial += 1
    conversation.data = {
        "seen_version": current_value.version if current_value else 0,
        "to_review": to_review,
        "screen": conversation.data.get("screen"),
    }
    await context.storage.conversations.save(conversation)
    text = question_text(
        element,
        QuestionContext(
            period=sheet.period,
            agency=sheet.agency,
            position=sheet.index(code) + 1,
            total=len(sheet.elements),
            previous_period_code=sheet.previous_code,
            previous=sheet.previous.get(code),
            current=current_value,
            current_author=author,
            feeds=indicators_fed_by(sheet.indicators, code),
        ),
        t,
    )
    await present(
        update,
        context,
        conversation,
        text,
        question_buttons(element, conversation.serial, t, current_value is not None),
    )


async def present(
    update: Update, context: BotContext, conversation: Conversation, text: str, markup: InlineKeyboardMarkup
) -> None:
    """Show the conversation's next screen and take the buttons off the previous one, so that a phone
    never shows two live sets of buttons (an old one would only get a "this question has passed")."""
    previous = conversation.data.get("screen")
    message = await reply(update, text, markup)
    conversation.data["screen"] = message.message_id
    await context.storage.conversations.save(conversation)
    chat = update.effective_chat
    if previous and chat is not None:
        with contextlib.suppress(TelegramError):
            await context.bot.edit_message_reply_markup(chat.id, previous, reply_markup=None)


async def advance(update: Update, context: BotContext, conversation: Conversation) -> None:
    """After an answer: back to the review if we came from it, else the next unanswered item."""
    sheet = await _sheet(context, conversation)
    if sheet is None:
        return
    to_review = bool(conversation.data.get("to_review"))
    following = None if to_review else next_question(sheet.elements, sheet.answered, conversation.element_code)
    if following is None:
        await show_review(update, context, conversation, sheet)
    else:
        await ask(update, context, conversation, sheet, following)


async def _sheet(context: BotContext, conversation: Conversation) -> ReportSheet | None:
    """The agency's report for the conversation's period, read once per update: several steps of one
    update need it, and a save below keeps it current."""
    if conversation.period_id is None or conversation.agency_code is None:
        return None
    cached: ReportSheet | None = getattr(context, "report_sheet", None)
    if cached and cached.period.id == conversation.period_id and cached.agency.code == conversation.agency_code:
        return cached
    period = await context.storage.periods.by_id(conversation.period_id)
    sheet = await load_sheet(context.storage, period, conversation.agency_code) if period else None
    context.report_sheet = sheet  # type: ignore[attr-defined]
    return sheet


async def save_answer(
    update: Update,
    context: BotContext,
    conversation: Conversation,
    *,
    answer: Answer = Answer.VALUE,
    number: float | None = None,
    text: str | None = None,
    note: str | None = None,
    expected: int | None = None,
) -> Value | None:
    """Write one answer durably; on a conflict or a lock, tell the user and return None."""
    current = who(context)
    t = current.t
    period = await context.storage.periods.by_id(conversation.period_id or 0)
    assert period is not None and conversation.agency_code and conversation.element_code
    version = conversation.data.get("seen_version", 0) if expected is None else expected
    try:
        value = await context.storage.values.save(
            period,
            conversation.agency_code,
            conversation.element_code,
            answer=answer,
            number=number,
            text=text,
            note=note,
            by=current.telegram_id,
            expected_version=version,
            now=context.now(),
        )
        cached: ReportSheet | None = getattr(context, "report_sheet", None)
        if cached is not None:
            cached.values[value.element_code] = value
        return value
    except PeriodLocked:
        await context.storage.conversations.delete(current.telegram_id)
        await reply(update, locked_text(t, period.code))
    except ValueConflict as conflict:
        await show_conflict(
            update,
            context,
            conversation,
            conflict.current,
            {"answer": answer.value, "number": number, "text": text, "note": note},
        )
    return None


async def show_conflict(
    update: Update, context: BotContext, conversation: Conversation, theirs: Value, mine: dict[str, Any]
) -> None:
    t = who(context).t
    sheet = await _sheet(context, conversation)
    assert sheet is not None
    element = sheet.element(conversation.element_code)
    assert element is not None
    author = await context.storage.users.get(theirs.updated_by or 0)
    mine_value = Value(
        period_id=theirs.period_id,
        agency_code=theirs.agency_code,
        element_code=theirs.element_code,
        answer=Answer(mine["answer"]),
        number=mine["number"],
        text=mine["text"],
        note=mine["note"],
        updated_at=datetime.now(UTC),
    )
    conversation.state = CONFLICT
    conversation.data |= {"pending": mine, "their_version": theirs.version}
    await context.storage.conversations.save(conversation)
    text = t.gettext(
        "{name} of your agency changed this item at {when}: <b>{theirs}</b>. Keep their figure, or replace it "
        "with yours (<b>{mine}</b>)?"
    ).format(
        name=esc(author.full_name if author and author.full_name else "?"),
        when=t.datetime(theirs.updated_at),
        theirs=format_value(element, theirs, t),
        mine=format_value(element, mine_value, t),
    )
    serial = conversation.serial
    await reply(
        update,
        text,
        keyboard([[(t.gettext("Keep theirs"), f"r:theirs:{serial}"), (t.gettext("Use mine"), f"r:mine:{serial}")]]),
    )


async def saved(update: Update, context: BotContext, conversation: Conversation, value: Value) -> None:
    """Acknowledge a value on disk, offer a note, move on."""
    t = who(context).t
    sheet = await _sheet(context, conversation)
    assert sheet is not None
    element = sheet.element(value.element_code)
    assert element is not None
    index = sheet.index(value.element_code)
    await reply(
        update,
        t.gettext("✓ Saved: {name} = {value}").format(
            name=esc(shorten(element.name(t.locale), 50)), value=format_value(element, value, t)
        ),
        keyboard([[(t.gettext("📝 Add a note"), f"r:note:{index}")]]) if element.type is not ElementType.TASK else None,
    )
    await advance(update, context, conversation)


# ----------------------------------------------------------------- review and submit


async def show_review(update: Update, context: BotContext, conversation: Conversation, sheet: ReportSheet) -> None:
    t = who(context).t
    conversation.state = REVIEW
    conversation.element_code = None
    conversation.serial += 1
    conversation.data = {"screen": conversation.data.get("screen")}
    await context.storage.conversations.save(conversation)
    serial = conversation.serial
    numbers = [(str(i + 1), f"r:edit:{serial}:{i}") for i in range(len(sheet.elements))]
    rows = [numbers[i : i + 6] for i in range(0, len(numbers), 6)]
    rows.append([(t.gettext("✅ Submit"), f"r:submit:{serial}"), (t.gettext("Later"), f"r:later:{serial}")])
    text = review_text(sheet.period, sheet.agency, sheet.elements, sheet.values, sheet.submission, t)
    await present(update, context, conversation, text, keyboard(rows))


async def submit(update: Update, context: BotContext, conversation: Conversation) -> None:
    current = who(context)
    t = current.t
    sheet = await _sheet(context, conversation)
    assert sheet is not None
    now = context.now()
    on_time = is_on_time(now, sheet.period.deadline, t.zone)
    try:
        submission = await context.storage.values.submit(
            sheet.period, sheet.agency.code, current.telegram_id, now, on_time
        )
    except PeriodLocked:
        await context.storage.conversations.delete(current.telegram_id)
        await reply(update, locked_text(t, sheet.period.code))
        return
    await context.storage.conversations.delete(current.telegram_id)
    timeliness = t.gettext("on time") if submission.on_time else t.gettext("late")
    await reply(
        update,
        t.gettext(
            "Report for period {period} of {agency} submitted at {when} ({timeliness}). Thank you! Until the period "
            "is locked you can change any item with /report."
        ).format(
            period=esc(sheet.period.code),
            agency=esc(sheet.agency.name(t.locale)),
            when=t.datetime(submission.submitted_at),
            timeliness=timeliness,
        ),
    )


# ----------------------------------------------------------------- typed input


async def on_text(update: Update, context: BotContext, conversation: Conversation) -> None:
    """A text message while a report is open: route it by the conversation's state."""
    message = update.effective_message
    assert message is not None and message.text is not None
    text = message.text.strip()
    t = who(context).t
    if conversation.state in (ASKING, CONFIRM_JUMP):
        await typed_value(update, context, conversation, text)
    elif conversation.state == TASK_PERCENT:
        verdict = validate_task_percent(text, t.locale)
        if isinstance(verdict, Rejected):
            await reply(update, "⚠️ " + t.gettext("Type the percentage done, from 0 to 100."))
            return
        conversation.state = TASK_NARRATIVE
        conversation.data["percent"] = verdict.number
        await context.storage.conversations.save(conversation)
        await reply(
            update,
            t.gettext("In a sentence or two, how is it going? (at most {limit} characters)").format(
                limit=NARRATIVE_LIMIT
            ),
            keyboard([[(t.gettext("No comment"), f"r:nonarr:{conversation.serial}")]]),
        )
    elif conversation.state == TASK_NARRATIVE:
        if not await too_long(update, t, text, NARRATIVE_LIMIT):
            await save_task(update, context, conversation, text)
    elif conversation.state == NOTE:
        if not await too_long(update, t, text, NOTE_LIMIT):
            await save_note(update, context, conversation, text)
    else:
        await nudge(update, context, conversation)


async def too_long(update: Update, t: Translator, text: str, limit: int) -> bool:
    """Refuse (politely, keeping nothing) a narrative or note over its limit."""
    if len(text) <= limit:
        return False
    await reply(
        update,
        t.gettext("That is {length} characters; please shorten it to {limit}. Nothing was saved yet.").format(
            length=len(text), limit=limit
        ),
    )
    return True


async def typed_value(update: Update, context: BotContext, conversation: Conversation, text: str) -> None:
    t = who(context).t
    sheet = await _sheet(context, conversation)
    if sheet is None:
        return
    element = sheet.element(conversation.element_code)
    if element is None:
        await advance(update, context, conversation)
        return
    if element.type in (ElementType.MILESTONE, ElementType.TASK):
        await nudge(update, context, conversation)
        return
    if len(text) > ESSAY_LENGTH:
        await reply(
            update,
            rejection_text("essay", {}, element, t) + " " + t.gettext("You can add a note once the figure is saved."),
        )
        return
    previous = sheet.previous.get(element.code)
    verdict = validate_number(element, text, t.locale, previous.number if previous else None)
    if isinstance(verdict, Rejected):
        await reply(update, rejection_text(verdict.reason, verdict.params, element, t))
    elif isinstance(verdict, NeedsConfirmation):
        conversation.state = CONFIRM_JUMP
        conversation.data["pending"] = verdict.number
        await context.storage.conversations.save(conversation)
        shown = {
            "new": esc(format_value(element, _number_value(verdict.number), t)),
            "old": esc(format_value(element, _number_value(verdict.previous), t)),
            "period": esc(sheet.previous_code or ""),
        }
        await reply(
            update,
            t.gettext("⚠️ {new} is far from last period's {old} ({period}). Is it right?").format(**shown),
            keyboard(
                [
                    [
                        (t.gettext("Yes, keep it"), f"r:jumpok:{conversation.serial}"),
                        (t.gettext("No, retype"), f"r:jumpno:{conversation.serial}"),
                    ]
                ]
            ),
        )
    elif isinstance(verdict, Accepted):
        await store_number(update, context, conversation, verdict.number)


def _number_value(number: float) -> Value:
    return Value(period_id=0, agency_code="", element_code="", number=number, updated_at=datetime.now(UTC))


async def store_number(update: Update, context: BotContext, conversation: Conversation, number: float) -> None:
    sheet = await _sheet(context, conversation)
    existing = sheet.values.get(conversation.element_code or "") if sheet else None
    value = await save_answer(update, context, conversation, number=number, note=existing.note if existing else None)
    if value is not None:
        await saved(update, context, conversation, value)


async def save_task(update: Update, context: BotContext, conversation: Conversation, narrative: str | None) -> None:
    value = await save_answer(
        update,
        context,
        conversation,
        text=conversation.data.get("status"),
        number=conversation.data.get("percent"),
        note=narrative,
    )
    if value is not None:
        await saved(update, context, conversation, value)


async def save_note(update: Update, context: BotContext, conversation: Conversation, note: str) -> None:
    t = who(context).t
    sheet = await _sheet(context, conversation)
    assert sheet is not None
    code = conversation.data.get("note_for", "")
    existing = sheet.values.get(code)
    resume = conversation.data.get("resume")
    if existing is None:
        await reply(update, t.gettext("There is no saved value to attach the note to."))
    else:
        noted = conversation.model_copy(update={"element_code": code})
        value = await save_answer(
            update,
            context,
            noted,
            answer=existing.answer,
            number=existing.number,
            text=existing.text,
            note=note,
            expected=existing.version,
        )
        if value is None:
            return
        await reply(update, t.gettext("📝 Note saved."))
    conversation.element_code = resume
    if resume is None:
        await show_review(update, context, conversation, sheet)
    else:
        await ask(update, context, conversation, sheet, resume, to_review=bool(conversation.data.get("to_review")))


async def nudge(update: Update, context: BotContext, conversation: Conversation) -> None:
    """Anything unexpected mid-report (a sticker, a photo, a stray command): point back to the question."""
    t = who(context).t
    sheet = await _sheet(context, conversation)
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


# ----------------------------------------------------------------- buttons


async def on_button(update: Update, context: BotContext) -> None:
    """Every `r:` button. Stale presses (an older question's buttons) are answered, not applied."""
    query = update.callback_query
    assert query is not None and query.data is not None
    current = who(context)
    t = current.t
    parts = query.data.split(":")
    action = parts[1] if len(parts) > 1 else ""
    if action == "pick" and len(parts) == 4 and parts[2].isdigit():
        await query.answer()
        await _drop_keyboard(query)
        await begin(update, context, int(parts[2]), parts[3])
        return
    if action == "open" and len(parts) == 3 and parts[2].isdigit():
        await query.answer()
        period = await context.storage.periods.by_id(int(parts[2]))
        agencies = [
            c
            for c in current.agency_codes
            if period and await context.storage.catalogue.assigned_elements(period.programme_id, c)
        ]
        if period is None or not agencies:
            await reply(update, t.gettext("That report is not yours to fill in."))
            return
        await begin(update, context, period.id, agencies[0])
        return
    conversation = await context.storage.conversations.get(current.telegram_id)
    if action == "note" and conversation and len(parts) == 3 and parts[2].isdigit():
        await query.answer()
        await start_note(update, context, conversation, int(parts[2]))
        return
    if conversation is None or conversation.flow != FLOW or len(parts) < 3 or parts[2] != str(conversation.serial):
        await query.answer(t.gettext("This question has passed. Use /report to continue."), show_alert=False)
        await _drop_keyboard(query)
        return
    await query.answer()
    await _drop_keyboard(query)
    await BUTTONS.get(action, _unknown_button)(update, context, conversation, parts[3:])


async def _drop_keyboard(query: Any) -> None:
    """Remove the buttons of an answered message, so the chat shows what was chosen."""
    # Cosmetic: if the edit fails (already edited, too old), nothing the user needs is lost.
    with contextlib.suppress(TelegramError):
        await query.edit_message_reply_markup(None)


async def _unknown_button(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    await nudge(update, context, conversation)


async def _skip(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    value = await save_answer(update, context, conversation, answer=Answer.SKIPPED)
    if value is not None:
        await advance(update, context, conversation)


async def _not_applicable(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    value = await save_answer(update, context, conversation, answer=Answer.NOT_APPLICABLE)
    if value is not None:
        await advance(update, context, conversation)


async def _keep(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    await advance(update, context, conversation)


async def _back(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    sheet = await _sheet(context, conversation)
    assert sheet is not None
    earlier = previous_question(sheet.elements, conversation.element_code)
    if earlier is None:
        await reply(update, who(context).t.gettext("This is the first item."))
        earlier = conversation.element_code
    if earlier:
        await ask(update, context, conversation, sheet, earlier)


async def _milestone(update: Update, context: BotContext, conversation: Conversation, achieved: bool) -> None:
    value = await save_answer(
        update, context, conversation, text="yes" if achieved else "no", number=1.0 if achieved else 0.0
    )
    if value is not None:
        await saved(update, context, conversation, value)


async def _yes(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    await _milestone(update, context, conversation, True)


async def _no(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    await _milestone(update, context, conversation, False)


async def _status(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    t = who(context).t
    if not args or args[0] not in {status.value for status in TaskStatus}:
        await nudge(update, context, conversation)
        return
    conversation.state = TASK_PERCENT
    conversation.data["status"] = args[0]
    await context.storage.conversations.save(conversation)
    await reply(update, t.gettext("How much of it is done, in percent (0–100)?"))


async def _no_narrative(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    await save_task(update, context, conversation, None)


async def _jump_ok(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    pending = conversation.data.get("pending")
    if pending is None:
        await nudge(update, context, conversation)
        return
    await store_number(update, context, conversation, float(pending))


async def _jump_no(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    conversation.state = ASKING
    conversation.data.pop("pending", None)
    await context.storage.conversations.save(conversation)
    await reply(update, who(context).t.gettext("All right, type the figure again."))


async def _theirs(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    await advance(update, context, conversation)


async def _mine(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    pending = conversation.data.get("pending") or {}
    value = await save_answer(
        update,
        context,
        conversation,
        answer=Answer(pending.get("answer", "value")),
        number=pending.get("number"),
        text=pending.get("text"),
        note=pending.get("note"),
        expected=int(conversation.data.get("their_version", 0)),
    )
    if value is not None:
        await saved(update, context, conversation, value)


async def _edit(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    sheet = await _sheet(context, conversation)
    assert sheet is not None
    if not args or not args[0].isdigit() or int(args[0]) >= len(sheet.elements):
        await nudge(update, context, conversation)
        return
    await ask(update, context, conversation, sheet, sheet.elements[int(args[0])].code, to_review=True)


async def _submit(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    await submit(update, context, conversation)


async def _later(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    await context.storage.conversations.delete(conversation.user_id)
    await reply(update, who(context).t.gettext("Saved as a draft. Come back any time with /report."))


async def start_note(update: Update, context: BotContext, conversation: Conversation, index: int) -> None:
    t = who(context).t
    sheet = await _sheet(context, conversation)
    if sheet is None or not 0 <= index < len(sheet.elements) or sheet.elements[index].code not in sheet.values:
        await reply(update, t.gettext("There is no saved value to attach the note to."))
        return
    resume = conversation.element_code if conversation.state != REVIEW else None
    conversation.data = {**conversation.data, "note_for": sheet.elements[index].code, "resume": resume}
    conversation.state = NOTE
    await context.storage.conversations.save(conversation)
    await reply(
        update,
        t.gettext("Type the note for “{name}” (at most {limit} characters).").format(
            name=esc(shorten(sheet.elements[index].name(t.locale), 50)), limit=NOTE_LIMIT
        ),
    )


BUTTONS = {
    "skip": _skip,
    "na": _not_applicable,
    "keep": _keep,
    "back": _back,
    "yes": _yes,
    "no": _no,
    "st": _status,
    "nonarr": _no_narrative,
    "jumpok": _jump_ok,
    "jumpno": _jump_no,
    "theirs": _theirs,
    "mine": _mine,
    "edit": _edit,
    "submit": _submit,
    "later": _later,
}


# ----------------------------------------------------------------- /myreports


async def my_reports(update: Update, context: BotContext) -> None:
    """/myreports: what the agency has submitted, per period."""
    current = who(context)
    t = current.t
    lines = []
    for code in current.agency_codes:
        agency = await context.storage.agencies.get(code)
        if agency is None:
            continue
        lines.append(f"<b>{esc(agency.name(t.locale))}</b>")
        for period in await context.storage.periods.all():
            elements = await context.storage.catalogue.assigned_elements(period.programme_id, code)
            if not elements:
                continue
            values = await context.storage.values.for_agency(period.id, code)
            submission = await context.storage.values.submission(period.id, code)
            answered = sum(1 for e in elements if e.code in values and values[e.code].answer is not Answer.SKIPPED)
            state = (
                t.gettext("submitted {when} ({timeliness})").format(
                    when=t.datetime(submission.submitted_at),
                    timeliness=t.gettext("on time") if submission.on_time else t.gettext("late"),
                )
                if submission
                else t.gettext("not submitted")
            )
            lines.append(
                t.gettext("• {period} ({programme}): {answered}/{total} items, {state}").format(
                    period=esc(period.code),
                    programme=esc(period.programme_code),
                    answered=answered,
                    total=len(elements),
                    state=state,
                )
            )
    await reply(update, "\n".join(lines) if lines else t.gettext("Nothing reported yet."))


def handlers() -> list[Any]:
    return [
        CommandHandler("report", report_command),
        CommandHandler("myreports", my_reports),
        CallbackQueryHandler(on_button, pattern=r"^r:"),
    ]
