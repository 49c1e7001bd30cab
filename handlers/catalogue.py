"""/catalog: an admin uploads a catalogue (YAML or the Excel template) as a document. The bot checks its
type and size before downloading it, validates it, shows what would change, and applies it only after
confirmation; a bad file gets the list of its problems and changes nothing. The position is kept in the
`conversations` table, and the file is downloaded again on confirmation, so a restart loses nothing.
Parsing the file (bot.services.catalogue) and writing the template run in worker threads, off the loop."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from telegram import InputFile, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.domain.catalogue import CatalogueDiff, CatalogueError, CatalogueSpec, Parsed
from bot.domain.models import Role
from bot.domain.rendering import esc, split_lines
from bot.i18n import Translator, catalogue_problems
from bot.services.catalogue import CATALOGUE_MAX_BYTES, CATALOGUE_SUFFIXES, load_catalogue, plan_file
from bot.services.catalogue_upload import FLOW as FLOW  # the onboarding dispatcher routes documents by it
from bot.services.catalogue_upload import (
    PendingUpload,
    await_apply,
    await_file,
    end_upload,
    pending_upload,
)
from handlers.common import keyboard, reply, who
from storage import Conversation

PROBLEMS_SHOWN = 15


async def catalog(update: Update, context: BotContext) -> None:
    """/catalog: wait for a catalogue file."""
    current = who(context)
    t = current.t
    await await_file(context.storage, current.telegram_id)
    await reply(
        update,
        t.gettext(
            "Send the catalogue as a file: YAML, or the Excel template (.xlsx), at most 2 MB. I will show what it "
            "changes before applying it. /cancel stops."
        ),
        keyboard([[(t.gettext("📥 Excel template"), "c:template")]]),
    )


async def template(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    chat = update.effective_chat
    assert chat is not None
    workbook = await asyncio.to_thread(empty_template)
    await chat.send_document(InputFile(workbook, filename="mau_danh_muc.xlsx"))


def empty_template() -> bytes:
    """The Excel template with no rows; run in a worker thread, where openpyxl is imported on first use."""
    from bot.files.catalogue_xlsx import catalogue_to_xlsx

    return catalogue_to_xlsx(None)


async def _download(context: BotContext, file_id: str) -> bytes:
    telegram_file = await context.bot.get_file(file_id)
    return bytes(await telegram_file.download_as_bytearray())


def describe(diff: CatalogueDiff, code: str, t: Translator) -> list[str]:
    lines = [
        t.gettext("{code}: {added} added, {changed} changed, {removed} removed").format(
            code=esc(code), added=len(diff.added), changed=len(diff.changed), removed=len(diff.removed)
        )
    ]
    lines += [f"+ {esc(item)}" for item in diff.added[:30]]
    lines += [f"~ {esc(item)}" for item in diff.changed[:30]]
    lines += [f"− {esc(item)}" for item in diff.removed[:30]]
    return lines


async def _parse(
    update: Update, context: BotContext, file_id: str, name: str
) -> tuple[Parsed[CatalogueSpec], CatalogueDiff] | None:
    t = who(context).t
    try:
        return await plan_file(context.storage, await _download(context, file_id), name)
    except CatalogueError as error:
        problems = [f"• {esc(line)}" for line in catalogue_problems(error, t)[:PROBLEMS_SHOWN]]
        if len(error.problems) > PROBLEMS_SHOWN:
            problems.append(t.gettext("… and {count} more").format(count=len(error.problems) - PROBLEMS_SHOWN))
        for text in split_lines([t.gettext("The file was not loaded; nothing changed:"), *problems]):
            await reply(update, text)
    except TelegramError:
        await reply(update, t.gettext("I could not download the file; please send it again."))
    return None


async def on_document(update: Update, context: BotContext, conversation: Conversation) -> None:
    """A document while /catalog waits for one."""
    current = who(context)
    t = current.t
    message = update.effective_message
    document = message.document if message else None
    if document is None or current.role is not Role.ADMIN:  # /catalog is admin-only; so is what follows it
        await end_upload(context.storage, conversation.user_id)
        return
    name = document.file_name or "catalogue"
    if Path(name).suffix.lower() not in CATALOGUE_SUFFIXES:
        await reply(update, t.gettext("Please send a .yaml, .yml or .xlsx file."))
        return
    if (document.file_size or 0) > CATALOGUE_MAX_BYTES:
        await reply(update, t.gettext("That file is larger than 2 MB; a catalogue is much smaller."))
        return
    result = await _parse(update, context, document.file_id, name)
    if result is None:
        return
    parsed, diff = result
    if diff.empty:
        await reply(
            update,
            t.gettext("{code}: the file matches what is loaded; nothing to change.").format(
                code=esc(parsed.spec.programme.code)
            ),
        )
        await end_upload(context.storage, conversation.user_id)
        return
    await await_apply(context.storage, conversation.user_id, PendingUpload(document.file_id, name))
    for text in split_lines(describe(diff, parsed.spec.programme.code, t)):
        await reply(update, text)
    await reply(
        update,
        t.gettext("Apply these changes? Values already reported are kept."),
        keyboard([[(t.gettext("✅ Apply"), "c:apply"), (t.gettext("Cancel"), "a:cancel")]]),
    )


async def apply(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    current = who(context)
    t = current.t
    await query.answer()
    await query.edit_message_reply_markup(None)
    upload = await pending_upload(context.storage, current.telegram_id)
    if upload is None:
        await reply(update, t.gettext("Nothing to apply; send /catalog and the file again."))
        return
    result = await _parse(update, context, upload.file_id, upload.name)
    await end_upload(context.storage, current.telegram_id)
    if result is None:
        return
    load = await load_catalogue(context.storage, result[0], loaded_by=current.telegram_id)
    await reply(update, t.gettext("Applied. {summary}").format(summary=describe(load.diff, load.programme_code, t)[0]))


def handlers() -> list[Any]:
    return [
        CommandHandler("catalog", catalog),
        CallbackQueryHandler(template, pattern=r"^c:template$"),
        CallbackQueryHandler(apply, pattern=r"^c:apply$"),
    ]
