"""/catalog: an admin uploads a catalogue (YAML or the Excel template) as a document. The bot checks its
type and size before downloading it, validates it, shows what would change, and applies it only after
confirmation; a bad file gets the list of its problems and changes nothing. The position is kept in the
`conversations` table, and the file is downloaded again on confirmation, so a restart loses nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from telegram import InputFile, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import services
from bot.context import BotContext
from bot.domain.catalogue import CatalogueDiff, CatalogueError, CatalogueSpec, Parsed
from bot.domain.models import Role
from bot.domain.rendering import esc, split_lines
from bot.i18n import Translator
from handlers.common import keyboard, reply, who
from storage import Conversation

FLOW = "catalog"
PROBLEMS_SHOWN = 15


async def catalog(update: Update, context: BotContext) -> None:
    """/catalog: wait for a catalogue file."""
    current = who(context)
    t = current.t
    await context.storage.conversations.save(Conversation(user_id=current.telegram_id, flow=FLOW, state="waiting"))
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
    from bot.files.catalogue_xlsx import catalogue_to_xlsx  # openpyxl only when someone asks for the template

    await chat.send_document(InputFile(catalogue_to_xlsx(None), filename="mau_danh_muc.xlsx"))


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
        parsed = services.parse_catalogue_bytes(await _download(context, file_id), name)
        return parsed, await services.plan_catalogue(context.storage, parsed)
    except CatalogueError as error:
        problems = [f"• {esc(line)}" for line in str(error).splitlines()[:PROBLEMS_SHOWN]]
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
        await context.storage.conversations.delete(conversation.user_id)
        return
    name = document.file_name or "catalogue"
    if Path(name).suffix.lower() not in services.CATALOGUE_SUFFIXES:
        await reply(update, t.gettext("Please send a .yaml, .yml or .xlsx file."))
        return
    if (document.file_size or 0) > services.CATALOGUE_MAX_BYTES:
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
        await context.storage.conversations.delete(conversation.user_id)
        return
    conversation.state = "confirm"
    conversation.data = {"file_id": document.file_id, "name": name}
    await context.storage.conversations.save(conversation)
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
    conversation = await context.storage.conversations.get(current.telegram_id)
    if conversation is None or conversation.flow != FLOW or conversation.state != "confirm":
        await reply(update, t.gettext("Nothing to apply; send /catalog and the file again."))
        return
    result = await _parse(update, context, conversation.data["file_id"], conversation.data["name"])
    await context.storage.conversations.delete(current.telegram_id)
    if result is None:
        return
    load = await services.load_catalogue(context.storage, result[0], loaded_by=current.telegram_id)
    await reply(update, t.gettext("Applied. {summary}").format(summary=describe(load.diff, load.programme_code, t)[0]))


def handlers() -> list[Any]:
    return [
        CommandHandler("catalog", catalog),
        CallbackQueryHandler(template, pattern=r"^c:template$"),
        CallbackQueryHandler(apply, pattern=r"^c:apply$"),
    ]
