"""The project's real Application, built by `build_app`, polling the local server over HTTP."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler, filters

from bot.app import build_app
from bot.config import Settings
from bot.context import BotContext
from bot.sandbox import BotApiServer, SandboxClient
from tests.e2e import polling

NAME, AGENCY = range(2)


def add_signup_conversation(application: object) -> None:
    """A two-question conversation, enough to show per-user state over real HTTP. It replaces the
    product's handlers, whose catch-all for unknown commands would answer /signup first."""
    application.handlers.clear()  # type: ignore[attr-defined]

    async def begin(update: Update, context: BotContext) -> int:
        assert update.effective_message is not None
        await update.effective_message.reply_text("Họ tên của anh/chị?")
        return NAME

    async def name(update: Update, context: BotContext) -> int:
        assert update.effective_message is not None and context.user_data is not None
        context.user_data["name"] = update.effective_message.text
        await update.effective_message.reply_text("Cơ quan?")
        return AGENCY

    async def agency(update: Update, context: BotContext) -> int:
        assert update.effective_message is not None and context.user_data is not None
        await update.effective_message.reply_text(
            f"Xong: {context.user_data['name']} – {update.effective_message.text}"
        )
        return ConversationHandler.END

    application.add_handler(  # type: ignore[attr-defined]
        ConversationHandler(
            entry_points=[CommandHandler("signup", begin)],
            states={
                NAME: [MessageHandler(filters.TEXT & ~filters.COMMAND, name)],
                AGENCY: [MessageHandler(filters.TEXT & ~filters.COMMAND, agency)],
            },
            fallbacks=[],
        )
    )


async def test_two_users_hold_separate_conversations_at_once(
    settings: Settings, server: BotApiServer, sandbox: SandboxClient
) -> None:
    application = build_app(settings)
    add_signup_conversation(application)
    lan = await sandbox.user(1001, "Lan")
    minh = await sandbox.user(1002, "Minh")
    async with polling(application):
        await asyncio.gather(lan.command("signup"), minh.command("signup"))
        await asyncio.gather(lan.expect("Họ tên"), minh.expect("Họ tên"))
        await asyncio.gather(lan.send("Nguyễn Thị Lan"), minh.send("Trần Văn Minh"))
        await asyncio.gather(lan.expect("Cơ quan?"), minh.expect("Cơ quan?"))
        await asyncio.gather(lan.send("Sở Y tế"), minh.send("UBND huyện Tứ Kỳ"))
        done_lan, done_minh = await asyncio.gather(lan.expect("Xong"), minh.expect("Xong"))
    assert done_lan.text == "Xong: Nguyễn Thị Lan – Sở Y tế"
    assert done_minh.text == "Xong: Trần Văn Minh – UBND huyện Tứ Kỳ"
    stats = await sandbox.stats()
    assert stats["calls"]["getUpdates"] >= 1
    assert stats["calls"]["setMyCommands"] == 2


async def test_bot_starts_on_a_server_without_set_my_commands(
    settings: Settings, server: BotApiServer, sandbox: SandboxClient
) -> None:
    server.disabled_methods.add("setMyCommands")
    application = build_app(settings)
    add_signup_conversation(application)
    lan = await sandbox.user(1001, "Lan")
    async with polling(application):
        await lan.command("signup")
        assert (await lan.expect("Họ tên")).text == "Họ tên của anh/chị?"
    assert (await sandbox.stats())["calls"]["setMyCommands"] == 1
