"""The bot side of the responsiveness benchmark, in a process of its own, as the bot runs on its server.

    python -m bench.bot_process ours API_URL DATABASE ADMIN_ID
    python -m bench.bot_process floor API_URL

`ours` is the product: `bot.app.build_app(settings)` run by `bot.app.polling`, with the long poll of
`python -m bot run` and the product's default send rate. `floor` is the least any bot could do on the
same network: a minimal python-telegram-bot Application that answers every message with one sendMessage,
users served concurrently (`concurrent_updates`), paced under the same global limit of Telegram's so that
the server never has to refuse it.

On PostgreSQL it first takes the leader lock, as `python -m bot run` does (storage.leader): a second one
started beside it stands by until the first dies. It prints `ready` once polling, then obeys lines on stdin:
`fanout ISO-LOCAL-TIME` runs the reminder job's code (`bot.app.run_reminders`) at that time, beside the
traffic, and prints `fanout-done SECONDS REPORT` when it ends; `stop` (or the end of stdin) stops the bot
cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time
from datetime import datetime

from telegram import Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.app import build_app, polling, run_reminders
from bot.config import Settings
from bot.context import BotApplication
from bot.runner import LONG_POLL_SECONDS
from bot.sandbox import DEFAULT_TOKEN
from storage import is_postgres
from storage.leader import Leadership

TELEGRAM_LIMIT = 30.0  # messages a second, all chats together
FLOOR_MARGIN = 0.985  # below the limit, as the product paces itself (bot.app.RATE_MARGIN)


def say(line: str) -> None:
    print(line, flush=True)


async def _stdin() -> asyncio.StreamReader:
    reader = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    return reader


async def _fan_out(application: BotApplication, local_now: datetime) -> None:
    started = time.perf_counter()
    report = await run_reminders(application, local_now)
    say(f"fanout-done {time.perf_counter() - started:.3f} {report}")


async def obey(application: BotApplication | None) -> None:
    """Say ready, then follow the benchmark's commands until `stop`."""
    reader = await _stdin()
    say("ready")
    fanout: asyncio.Task[None] | None = None
    while line := (await reader.readline()).decode().strip():
        command, _, argument = line.partition(" ")
        if command == "fanout" and application is not None:
            fanout = asyncio.create_task(_fan_out(application, datetime.fromisoformat(argument)))
        elif command == "stop":
            break
    if fanout is not None and not fanout.done():
        fanout.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await fanout


async def run_ours(api_url: str, database: str, admin_id: int) -> None:
    """The product, as `python -m bot run` polls."""
    settings = Settings(
        bot_token=DEFAULT_TOKEN,  # type: ignore[arg-type]
        bot_api_url=api_url,
        database_url=database,
        admin_ids=[admin_id],
        reminders_enabled=False,  # the fan-out runs when the benchmark says
    )
    leadership = Leadership(database) if is_postgres(database) else None
    if leadership is not None:
        await leadership.take()  # blocks while another process leads
    try:
        async with polling(build_app(settings), timeout=LONG_POLL_SECONDS) as application:
            await obey(application)
    finally:
        if leadership is not None:
            await leadership.release()


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None:
        await message.reply_text(f"✓ {message.text or ''}")


def floor_app(api_url: str) -> Application:  # type: ignore[type-arg]
    """A minimal bot: one sendMessage per message, users served concurrently, paced under the limit."""
    application = (
        ApplicationBuilder()
        .token(DEFAULT_TOKEN)
        .base_url(f"{api_url}/bot")
        .concurrent_updates(True)
        .rate_limiter(AIORateLimiter(overall_max_rate=1, overall_time_period=1 / (TELEGRAM_LIMIT * FLOOR_MARGIN)))
        .build()
    )
    application.add_handler(MessageHandler(filters.ALL, _answer))
    return application


async def run_floor(api_url: str) -> None:
    """The floor, polling the way ours does."""
    application = floor_app(api_url)
    await application.initialize()
    try:
        assert application.updater is not None
        await application.updater.start_polling(
            poll_interval=0, timeout=LONG_POLL_SECONDS, allowed_updates=Update.ALL_TYPES
        )
        await application.start()
        try:
            await obey(None)
        finally:
            await application.updater.stop()
            await application.stop()
    finally:
        await application.shutdown()


def main(argv: list[str]) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if argv[0] == "ours":
        asyncio.run(run_ours(argv[1], argv[2], int(argv[3])))
    elif argv[0] == "floor":
        asyncio.run(run_floor(argv[1]))
    else:
        raise SystemExit(f"unknown bot {argv[0]!r}: ours or floor")


if __name__ == "__main__":
    main(sys.argv[1:])
