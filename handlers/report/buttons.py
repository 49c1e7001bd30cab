"""Every `r:` button of the /report conversation, dispatched by its action through `BUTTONS`.

The data is `r:<action>:<serial>[:<argument>]`, where the serial is the conversation's at the time the
buttons were sent: a press on an older message is answered ("this question has passed"), not applied.
Three actions carry no serial because they start or step outside the flow: `pick` and `open` (which
report) and `note` (on the message that says "✓ Saved": it outlives that message's question, whose other
buttons are taken off).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot.context import BotContext
from bot.domain.models import TaskStatus
from bot.domain.rendering import esc, shorten
from bot.domain.reporting import (
    NOTE_LIMIT,
    ConfirmedNumber,
    Draft,
    Milestone,
    NotApplicable,
    Skip,
    TaskProgress,
    previous_question,
)
from bot.i18n import Translator
from bot.services.report import Locked, submit_report
from handlers.common import beside, reply, settle_pressed, who
from handlers.report.confidence import ask_confidence
from handlers.report.flow import ASKING, FLOW, NOTE, REVIEW, TASK_PERCENT
from handlers.report.opening import begin
from handlers.report.saving import record
from handlers.report.screens import NOTE_PREFIX, advance, ask, current_sheet, locked_text, nudge
from storage import Conversation

Step = Callable[[Update, BotContext, Conversation, list[str]], Awaitable[None]]
ANSWERING = "answering a button press"


def report_button(period_id: int, t: Translator) -> tuple[str, str]:
    """The "Report now" button a reminder carries; `on_button` opens that period's report."""
    return (t.gettext("📝 Report now"), f"r:open:{period_id}")


async def on_button(update: Update, context: BotContext) -> None:
    """Every `r:` button. Stale presses (an older question's buttons) are answered, not applied. The press
    is answered, and the pressed message's buttons taken off, beside the reply, not before it."""
    query = update.callback_query
    assert query is not None and query.data is not None
    current = who(context)
    application = context.application
    parts = query.data.split(":")
    action = parts[1] if len(parts) > 1 else ""
    if action == "pick" and len(parts) == 4 and parts[2].isdigit():
        beside(application, query.answer(), ANSWERING)
        settle_pressed(application, query)
        await begin(update, context, int(parts[2]), parts[3])
        return
    if action == "open" and len(parts) == 3 and parts[2].isdigit():
        beside(application, query.answer(), ANSWERING)
        await begin(update, context, int(parts[2]), None)
        return
    conversation = await context.storage.conversations.get(current.telegram_id)
    if action == "note" and conversation and len(parts) == 3 and parts[2].isdigit():
        beside(application, query.answer(), ANSWERING)  # the question's buttons on that message stay live
        await start_note(update, context, conversation, int(parts[2]))
        return
    if conversation is None or conversation.flow != FLOW or len(parts) < 3 or parts[2] != str(conversation.serial):
        passed = current.t.gettext("This question has passed. Use /report to continue.")
        beside(application, query.answer(passed, show_alert=False), ANSWERING)
        settle_pressed(application, query, NOTE_PREFIX)
        return
    beside(application, query.answer(), ANSWERING)
    settle_pressed(application, query, NOTE_PREFIX)
    await BUTTONS.get(action, _unknown_button)(update, context, conversation, parts[3:])


async def start_note(update: Update, context: BotContext, conversation: Conversation, index: int) -> None:
    """ "Add a note" under a saved value: ask for the note, remembering where to resume."""
    t = who(context).t
    sheet = await current_sheet(context, conversation)
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


async def _unknown_button(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    """A button this version does not know: point back to the question."""
    await nudge(update, context, conversation)


async def _skip(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    """Skip: saved as skipped (still owed), on to the next item."""
    await record(update, context, conversation, Skip(), acknowledge=False)


async def _not_applicable(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    """Not applicable: saved as such, on to the next item."""
    await record(update, context, conversation, NotApplicable(), acknowledge=False)


async def _keep(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    """Keep as is: the saved answer stands, on to the next item."""
    await advance(update, context, conversation)


async def _back(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    """Back: the previous item (at the first, say so and ask it again)."""
    sheet = await current_sheet(context, conversation)
    assert sheet is not None
    earlier = previous_question(sheet.elements, conversation.element_code)
    if earlier is None:
        await reply(update, who(context).t.gettext("This is the first item."))
        earlier = conversation.element_code
    if earlier:
        await ask(update, context, conversation, sheet, earlier)


async def _yes(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    """A milestone achieved."""
    await record(update, context, conversation, Milestone(achieved=True))


async def _no(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    """A milestone not achieved."""
    await record(update, context, conversation, Milestone(achieved=False))


async def _status(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    """A task's status: kept in the conversation, then ask for the percent done."""
    t = who(context).t
    if not args or args[0] not in {status.value for status in TaskStatus}:
        await nudge(update, context, conversation)
        return
    conversation.state = TASK_PERCENT
    conversation.data["status"] = args[0]
    await context.storage.conversations.save(conversation)
    await reply(update, t.gettext("How much of it is done, in percent (0–100)?"))


async def _no_narrative(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    """No comment: save the task with its status and percent alone."""
    status, percent = conversation.data.get("status"), conversation.data.get("percent")
    await record(update, context, conversation, TaskProgress(status, percent, None))


async def _jump_ok(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    """Yes, keep it: save the figure that was far from last period's."""
    await _save_held(update, context, conversation, "pending")


async def _jump_alternative(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    """The other reading of an ambiguous separator: save it."""
    await _save_held(update, context, conversation, "alternative")


async def _save_held(update: Update, context: BotContext, conversation: Conversation, key: str) -> None:
    """Save the figure the question held under `key`, now confirmed; a stale button gets the question again."""
    held = conversation.data.get(key)
    if held is None:
        await nudge(update, context, conversation)
        return
    await record(update, context, conversation, ConfirmedNumber(float(held)))


async def _jump_no(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    """No, retype: forget the pending figure and wait for another."""
    conversation.state = ASKING
    conversation.data.pop("pending", None)
    conversation.data.pop("alternative", None)
    await context.storage.conversations.save(conversation)
    await reply(update, who(context).t.gettext("All right, type the figure again."))


async def _theirs(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    """Keep theirs after a conflict: nothing to write, on to the next item."""
    await advance(update, context, conversation)


async def _mine(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    """Use mine after a conflict: write the pending answer over the colleague's version just shown."""
    mine = Draft.from_data(conversation.data.get("pending") or {})
    their_version = int(conversation.data.get("their_version", 0))
    await record(update, context, conversation, mine, seen_version=their_version)


async def _edit(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    """An item's number on the review: ask it again, then back to the review."""
    sheet = await current_sheet(context, conversation)
    assert sheet is not None
    if not args or not args[0].isdigit() or int(args[0]) >= len(sheet.elements):
        await nudge(update, context, conversation)
        return
    await ask(update, context, conversation, sheet, sheet.elements[int(args[0])].code, to_review=True)


async def _submit(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    """Submit: mark the report complete and say when, and whether on time; the conversation ends."""
    current = who(context)
    t = current.t
    sheet = await current_sheet(context, conversation)
    assert sheet is not None
    outcome = await submit_report(context.storage, sheet, by=current.telegram_id, now=context.now(), zone=t.zone)
    await context.storage.conversations.delete(current.telegram_id)
    if isinstance(outcome, Locked):
        await reply(update, await locked_text(context, t, sheet.period))
        return
    submission = outcome.submission
    await reply(
        update,
        t.gettext(
            "Report for period {period} of {agency} submitted at {when} ({timeliness}). Thank you! Until the period "
            "is locked you can change any item with /report."
        ).format(
            period=esc(sheet.period.code),
            agency=esc(sheet.agency.name(t.locale)),
            when=t.datetime(submission.submitted_at),
            timeliness=t.gettext("on time") if submission.on_time else t.gettext("late"),
        ),
    )
    await ask_confidence(update, context, sheet)  # a lead agency says how its indicators are going


async def _later(update: Update, context: BotContext, conversation: Conversation, args: list[str]) -> None:
    """Later: the answers stay as a draft; the conversation ends."""
    await context.storage.conversations.delete(conversation.user_id)
    await reply(update, who(context).t.gettext("Saved as a draft. Come back any time with /report."))


BUTTONS: dict[str, Step] = {
    "skip": _skip,
    "na": _not_applicable,
    "keep": _keep,
    "back": _back,
    "yes": _yes,
    "no": _no,
    "st": _status,
    "nonarr": _no_narrative,
    "jumpok": _jump_ok,
    "jumpalt": _jump_alternative,
    "jumpno": _jump_no,
    "theirs": _theirs,
    "mine": _mine,
    "edit": _edit,
    "submit": _submit,
    "later": _later,
}
