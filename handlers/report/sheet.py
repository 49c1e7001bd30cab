"""Figures from a spreadsheet: the 📥 button of /report sends the agency's sheet; the filled sheet sent back
as a document is checked (bot.services.values_sheet, with the conversation's own checks), shown as a
review, and saved on confirmation. A bad sheet gets its problems by row and changes nothing.

The position between the review and the confirmation is a row in the `conversations` table (flow
`sheet`) holding Telegram's id for the file and the versions the review showed; on confirmation the file
is downloaded and checked again, and saved with those versions, so that a colleague's change meanwhile
is kept and named rather than overwritten. Buttons are `vs:` (focal points, in the gate's table).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from telegram import Document, InputFile, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler

from bot.context import BotContext
from bot.domain.models import Answer, ElementType
from bot.domain.rendering import esc, format_number_with_unit, format_value, rejection_text, shorten, split_lines
from bot.i18n import Translator
from bot.services.summary import period_by_id
from bot.services.values_sheet import (
    SHEET_MAX_BYTES,
    Checked,
    Planned,
    Problem,
    Refused,
    apply_sheet,
    check_sheet,
    sheet_for,
)
from handlers.common import Who, beside, keyboard, reply, settle_pressed, who
from storage import Conversation

FLOW = "sheet"
CONFIRM = "confirm"
PROBLEMS_SHOWN = 20


def sheet_button(period_id: int, agency_code: str, t: Translator) -> tuple[str, str]:
    """The /report button that gives the agency's sheet for the period."""
    return (t.gettext("📥 Fill in with Excel"), f"vs:get:{period_id}:{agency_code}")


def wants(update: Update, current: Who) -> bool:
    """Whether a message is a filled figures sheet to check: an .xlsx document from a focal point."""
    message = update.effective_message
    document = message.document if message else None
    return bool(document and current.memberships and Path(document.file_name or "").suffix.lower() == ".xlsx")


async def _download(context: BotContext, file_id: str) -> bytes:
    telegram_file = await context.bot.get_file(file_id)
    return bytes(await telegram_file.download_as_bytearray())


async def send_sheet(update: Update, context: BotContext, period_id: int, agency_code: str) -> None:
    """The agency's sheet for the period, as a document."""
    current = who(context)
    t = current.t
    period = await period_by_id(context.storage, period_id)
    if period is None or agency_code not in current.agency_codes:
        await reply(update, t.gettext("That report is not yours to fill in."))
        return
    content = await sheet_for(context.storage, period, agency_code, t)
    chat = update.effective_chat
    if content is None or chat is None:
        await reply(update, t.gettext("Your agency owes nothing for this period."))
        return
    await chat.send_document(
        InputFile(content, filename=f"so_lieu_{agency_code}_{period.code}.xlsx"),
        caption=t.gettext(
            "Fill in the yellow column (a blank cell leaves the item as it is) and send the file back here. "
            "I will check every figure as in the conversation and show you what changes before saving."
        ),
    )


async def on_document(update: Update, context: BotContext) -> None:
    """A filled sheet: check it and show the review, or list its problems by row."""
    current = who(context)
    t = current.t
    message = update.effective_message
    document: Document | None = message.document if message else None
    if document is None:
        return
    if (document.file_size or 0) > SHEET_MAX_BYTES:
        await reply(update, t.gettext("That file is larger than 1 MB; a figures sheet is much smaller."))
        return
    checked = await _check(update, context, document.file_id)
    if checked is None:
        return
    if not checked.planned:
        await reply(update, t.gettext("The sheet matches what is saved; nothing to change."))
        return
    versions = {item.element.code: item.seen_version for item in checked.planned}
    await context.storage.conversations.save(
        Conversation(
            user_id=current.telegram_id,
            flow=FLOW,
            state=CONFIRM,
            period_id=checked.sheet.period.id,
            agency_code=checked.sheet.agency.code,
            data={"file_id": document.file_id, "versions": versions},
        )
    )
    texts = split_lines(_review_lines(checked, t))
    for text in texts[:-1]:
        await reply(update, text)
    count = len(checked.planned)
    rows = [[(t.gettext("✅ Save {count} figure(s)").format(count=count), "vs:save:all")]]
    if checked.jumps:
        safe = count - len(checked.jumps)
        rows.append([(t.gettext("💾 Save without the jumps ({count})").format(count=safe), "vs:save:safe")])
    rows.append([(t.gettext("Cancel"), "vs:cancel")])
    await reply(update, texts[-1], keyboard(rows))


async def _check(update: Update, context: BotContext, file_id: str) -> Checked | None:
    """Download and check the sheet; say why when it cannot be saved (None)."""
    current = who(context)
    t = current.t
    try:
        content = await _download(context, file_id)
    except TelegramError:
        await reply(update, t.gettext("I could not download the file; please send it again."))
        return None
    outcome = await check_sheet(context.storage, content, current.agency_codes, t.locale)
    if isinstance(outcome, Checked):
        return outcome
    for text in split_lines(_refusal_lines(outcome, t)):
        await reply(update, text)
    return None


def _review_lines(checked: Checked, t: Translator) -> list[str]:
    sheet = checked.sheet
    lines = [
        t.gettext("<b>From the sheet: {agency}, period {period}</b>").format(
            agency=esc(sheet.agency.name(t.locale)), period=esc(sheet.period.code)
        )
    ]
    for item in checked.planned:
        element = item.element
        before = format_value(element, sheet.values.get(element.code), t)
        after = _shown(item, t)
        line = t.gettext("Row {row} · {name}: {before} → {after}").format(
            row=item.row, name=esc(shorten(element.name(t.locale), 50)), before=before, after=after
        )
        if item.jump is not None:
            line += "\n   " + t.gettext("⚠️ a big change from last period's {previous}: please confirm").format(
                previous=t.number(item.jump.previous)
            )
        lines.append(line)
    lines.append(t.gettext("Nothing is saved until you confirm."))
    return lines


def _shown(item: Planned, t: Translator) -> str:
    """What the sheet gives for an item, as the review shows answers."""
    draft, element = item.draft, item.element
    if draft.answer is Answer.NOT_APPLICABLE:
        shown = t.gettext("not applicable")
    elif element.type is ElementType.MILESTONE:
        shown = t.gettext("achieved") if draft.text == "yes" else t.gettext("not achieved")
    else:
        shown = format_number_with_unit(element, draft.number, t)
    return shown + (f" — 📝 {esc(shorten(draft.note, 60))}" if draft.note else "")


def _refusal_lines(refused: Refused, t: Translator) -> list[str]:
    lead = t.gettext("The sheet was not saved; nothing changed:")
    if refused.why == "not_yours":
        return [
            lead,
            t.gettext("it is the sheet of {agency}, which is not your agency.").format(agency=esc(refused.detail)),
        ]
    if refused.why == "no_period":
        return [lead, t.gettext("there is no period {period}.").format(period=esc(refused.detail))]
    if refused.why == "locked":
        return [lead, t.gettext("the figures of period {period} are locked.").format(period=esc(refused.detail))]
    if refused.why == "unreadable":  # its detail is the file reader's English, and may name an exception
        return [
            lead,
            t.gettext(
                "this is not the figures sheet the bot gave you, or it is damaged; please send that sheet, filled in."
            ),
        ]
    lines = [lead] + [_problem_line(problem, t) for problem in refused.problems[:PROBLEMS_SHOWN]]
    if len(refused.problems) > PROBLEMS_SHOWN:
        lines.append(t.gettext("… and {count} more").format(count=len(refused.problems) - PROBLEMS_SHOWN))
    lines.append(t.gettext("Correct these rows and send the file again."))
    return lines


def _problem_line(problem: Problem, t: Translator) -> str:
    place = t.gettext("Row {row} ({code})").format(row=problem.row, code=esc(problem.code))
    if problem.reason == "unknown_item":
        return f"• {place}: " + t.gettext("not an item your agency reports")
    if problem.reason == "twice":
        return f"• {place}: " + t.gettext("the item appears twice")
    if problem.reason == "not_yes_no" or problem.element is None:
        return f"• {place}: " + t.gettext("write yes or no")
    return f"• {place}: " + rejection_text(problem.reason, problem.params, problem.element, t).removeprefix("⚠️ ")


async def on_button(update: Update, context: BotContext) -> None:
    """`vs:get:<period>:<agency>` (the sheet), `vs:save:all|safe` (confirm the review), `vs:cancel`."""
    query = update.callback_query
    assert query is not None and query.data is not None
    beside(context.application, query.answer(), "answering a sheet button")
    parts = query.data.split(":")
    if parts[1] == "get" and len(parts) == 4 and parts[2].isdigit():
        await send_sheet(update, context, int(parts[2]), parts[3])
        return
    settle_pressed(context.application, query)
    current = who(context)
    conversation = await context.storage.conversations.get(current.telegram_id)
    if conversation is None or conversation.flow != FLOW:
        await reply(update, current.t.gettext("Nothing to save; send the sheet again."))
        return
    await context.storage.conversations.delete(current.telegram_id)
    if parts[1] == "save":
        await save(update, context, conversation, with_jumps=parts[2:] == ["all"])
    else:
        await reply(update, current.t.gettext("Cancelled; nothing was saved."))


async def save(update: Update, context: BotContext, conversation: Conversation, *, with_jumps: bool) -> None:
    """Check the file again and save it with the versions the review showed."""
    current = who(context)
    t = current.t
    checked = await _check(update, context, conversation.data.get("file_id", ""))
    if checked is None:
        return
    versions = {str(code): int(version) for code, version in conversation.data.get("versions", {}).items()}
    applied = await apply_sheet(
        context.storage, checked, with_jumps=with_jumps, versions=versions, by=current.telegram_id, now=context.now()
    )
    if applied.locked:
        await reply(
            update,
            t.gettext("The figures of period {period} are locked.").format(period=esc(checked.sheet.period.code)),
        )
        return
    lines = [t.gettext("✓ Saved {count} figure(s) from the sheet.").format(count=len(applied.saved))]
    names = {item.element.code: item.element.name(t.locale) for item in checked.planned}
    if applied.skipped_jumps:
        skipped = ", ".join(esc(shorten(names[c], 40)) for c in applied.skipped_jumps)
        lines.append(t.gettext("Not saved (big changes you did not confirm): {items}").format(items=skipped))
    if applied.conflicts:
        kept = ", ".join(esc(shorten(names[c], 40)) for c in applied.conflicts)
        lines.append(t.gettext("Changed by a colleague meanwhile, their figure kept: {items}").format(items=kept))
    lines.append(t.gettext("/report shows the whole report; submit it there."))
    await reply(update, "\n".join(lines))


def handlers() -> list[Any]:
    """Every `vs:` button."""
    return [CallbackQueryHandler(on_button, pattern=r"^vs:")]
