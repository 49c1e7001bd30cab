"""build_app(settings): the one place that wires PTB, storage, jobs and handlers. Tests reuse it."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from telegram import BotCommand, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationBuilder,
    ContextTypes,
)
from telegram.ext import Defaults as PTBDefaults

from bot.config import Settings
from bot.context import BotApplication, BotContext, BotData
from bot.i18n import translator
from bot.network import NetworkWatch, WatchedRequest, polling_error
from bot.ordering import OrderedUpdateProcessor
from bot.ratelimit import PriorityRateLimiter
from bot.services.reminders import send_due
from handlers import register, review
from handlers.delivery import TelegramOutbox
from handlers.report import confidence, official
from handlers.report import sheet as values_sheet
from storage import open_storage

logger = logging.getLogger(__name__)


# Sends are spaced this fraction below the limit. Arrival times jitter by milliseconds, and at exactly the
# limit one compressed interval puts a 31st message into some one-second window; Telegram answers it with a
# 429 that stalls every send for a second. Measured with bench/reminder_fanout.py (2,000 chats, limit 30):
# no margin gave 295 429s and 0.82 of the limit; 3 % gave none and 0.947; 1.5 % gave none and 0.960. Since
# each reminder is claimed (a write with fsync) just before its turn, the loop jitters more: 1.5 % drew one
# 429 per run (0.947), 2.5 % none (0.956).
RATE_MARGIN = 0.975


def global_rate_limiter(limit_per_second: float) -> PriorityRateLimiter:
    """A smooth global rate: one message per slot, slots at the limit less the margin, so no burst ever
    exceeds it; replies take the next slot ahead of bulk sends, which also keep one a second per chat."""
    return PriorityRateLimiter(limit_per_second * RATE_MARGIN, chat_interval=1 / RATE_MARGIN, max_retries=5)


def build_app(settings: Settings) -> BotApplication:
    """The Application for `settings`: polling-ready; storage opens in post_init."""
    token = settings.require_token()
    watch = NetworkWatch()
    application = (
        ApplicationBuilder()
        .token(token)
        .request(WatchedRequest(watch))
        .get_updates_request(WatchedRequest(watch, connection_pool_size=1))
        .base_url(f"{settings.bot_api_url}/bot")
        .base_file_url(f"{settings.bot_api_url}/file/bot")
        .defaults(PTBDefaults(tzinfo=settings.tzinfo, parse_mode=ParseMode.HTML))
        .rate_limiter(global_rate_limiter(settings.send_rate_per_second))
        .concurrent_updates(OrderedUpdateProcessor(settings.max_concurrent_updates))
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data._settings = settings
    application.bot_data.network = watch
    application.add_handlers(review.handlers())  # group 0 before the catch-alls register adds
    application.add_handlers(values_sheet.handlers())
    application.add_handlers(official.handlers())
    application.add_handlers(confidence.handlers())
    register(application)
    return application  # type: ignore[return-value]


@asynccontextmanager
async def polling(application: BotApplication, timeout: int = 1) -> AsyncIterator[BotApplication]:
    """Run an application as `run_polling` does, inside an event loop that is already running (the bot
    itself, tests, the demo, benchmarks), and stop it cleanly afterwards, also when starting fails."""
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        assert application.updater is not None
        await application.updater.start_polling(
            poll_interval=0,
            timeout=timeout,
            allowed_updates=Update.ALL_TYPES,
            error_callback=polling_error(application.bot_data.network),
        )
        await application.start()
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()
    finally:
        if application.post_shutdown:
            await application.post_shutdown(application)
        await application.shutdown()


async def _post_init(application: BotApplication) -> None:
    data = application.bot_data
    data._storage = await open_storage(data.settings.database_target)
    await data.storage.users.ensure_admins(data.settings.admin_ids)
    await register_commands(application)
    schedule_reminders(application)
    schedule_heartbeat(application)


REMINDER_JOB = "reminders"
HEARTBEAT_JOB = "heartbeat"
HEARTBEAT_SECONDS = 60


def schedule_heartbeat(application: BotApplication) -> None:
    """Note in the database every minute that this process is alive (what `chitieu-bot health` reads)."""
    assert application.job_queue is not None
    process = f"{socket.gethostname()}:{os.getpid()}"
    started = datetime.now(UTC)

    async def beat(context: BotContext) -> None:
        await context.bot_data.storage.heartbeat.beat(process, started, datetime.now(UTC))

    # first=1, not 0: a job due before the scheduler starts (post_init runs first) counts as missed.
    application.job_queue.run_repeating(beat, interval=HEARTBEAT_SECONDS, first=1, name=HEARTBEAT_JOB)


def schedule_reminders(application: BotApplication) -> None:
    """Run the reminder check every few minutes, the first time right away (to catch up after downtime).

    PTB keeps jobs in memory only, so nothing about the schedule is stored in the job: every run reads the
    open periods, the reminder log and who still owes from the database, and decides afresh. A restart (or
    a second instance) therefore picks up exactly where the database says things stand.
    """
    assert application.job_queue is not None
    if not application.bot_data.settings.reminders_enabled:
        return
    for job in application.job_queue.get_jobs_by_name(REMINDER_JOB):
        job.schedule_removal()
    interval = application.bot_data.settings.reminder_check_minutes * 60
    application.job_queue.run_repeating(_reminder_job, interval=interval, first=1, name=REMINDER_JOB)


async def _reminder_job(context: BotContext) -> None:
    await run_reminders(context.application, context.now())  # type: ignore[arg-type]


async def run_reminders(application: BotApplication, local_now: datetime) -> str:
    """What the reminder job does at `local_now`; the CLI, the demo and tests call it at a chosen time."""
    data = application.bot_data
    outbox = TelegramOutbox(application.bot, data.throttle)
    return str(await send_due(outbox, data.storage, data.settings, local_now))


async def _post_shutdown(application: BotApplication) -> None:
    if application.bot_data._storage is not None:
        await application.bot_data._storage.close()
        application.bot_data._storage = None


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


COMMANDS = (
    ("start", N_("Start, or show my status")),
    ("report", N_("Report figures for the open period")),
    ("myreports", N_("What my agency has submitted")),
    ("pause", N_("No reminders while I am on leave")),
    ("resume", N_("Reminders again")),
    ("help", N_("What this bot can do")),
    ("lang", N_("Tiếng Việt / English")),
    ("cancel", N_("Stop what I am doing")),
)


async def register_commands(application: BotApplication) -> None:
    """Tell Telegram the command menu in both languages; a server without the method is fine."""
    for locale in ("vi", "en"):
        t = translator(locale)
        commands = [BotCommand(name, t.gettext(text)) for name, text in COMMANDS]
        try:
            await application.bot.set_my_commands(commands, language_code=locale)
        except TelegramError as error:
            logger.warning("setMyCommands failed (%s); the menu is optional, carrying on", error)
            return
