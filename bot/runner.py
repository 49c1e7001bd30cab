"""`python -m bot run`: the bot against Telegram, or any Bot API server at BOT_API_URL.

On PostgreSQL several `run` processes may share the database: one leads (polls, or serves the webhook, and
runs the reminder job), the others stand by and take over when it dies (storage.leader). The leadership is
held on a thread of its own with its own event loop, so polling and the webhook (which runs its own loop)
are treated alike: the main thread waits until this process leads, then runs the bot; if the lock's
connection is lost, the thread stops the bot (SIGTERM to itself) and `run` exits 1, for the service
manager to start it again as a standby.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
import time
from types import FrameType

from bot.app import build_app, polling
from bot.config import Settings
from bot.context import BotApplication
from bot.network import reach_bot_api
from storage.leader import CONNECTION_ERRORS, Leadership, processes, this_process

logger = logging.getLogger(__name__)
LONG_POLL_SECONDS = 10
CHECK_LEADERSHIP_SECONDS = 2.0
RETRY_SECONDS = 5.0
EXIT_LEADERSHIP_LOST = 1


class LeaderThread:
    """Takes the leader lock and holds it on its own thread; `lost` once the lock's connection failed."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.leading = threading.Event()
        self.lost = False
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._hold()), name="leader", daemon=True)

    def start(self) -> None:
        self._thread.start()

    async def _hold(self) -> None:
        leadership = Leadership(self.url)
        while not self._stopping.is_set():
            try:
                await leadership.take()
                break
            except CONNECTION_ERRORS as error:  # the server is down: try again, still standing by
                logger.warning("cannot reach the database to stand by (%s); retrying", error)
                await asyncio.sleep(RETRY_SECONDS)
        self.leading.set()
        while not self._stopping.is_set():
            await asyncio.sleep(CHECK_LEADERSHIP_SECONDS)
            if not await leadership.still_leading():
                logger.error("lost the database connection that holds the leadership; stopping")
                self.lost = True
                os.kill(os.getpid(), signal.SIGTERM)
                return
        await leadership.release()

    def stop(self) -> None:
        """Step down (the standby takes over) and end the thread."""
        self._stopping.set()
        self._thread.join(timeout=CHECK_LEADERSHIP_SECONDS + 10)


def stand_by(settings: Settings) -> LeaderThread | None:
    """On PostgreSQL, wait until this process leads (None if SIGINT or SIGTERM came first); on SQLite, lead."""
    holder = LeaderThread(settings.database_url)
    holder.start()
    stopped = threading.Event()

    def on_signal(_: int, __: FrameType | None) -> None:
        stopped.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        logged = False
        while not holder.leading.wait(0.2):
            if stopped.is_set():
                return None
            if not logged:
                logged = True
                try:
                    leader = asyncio.run(processes(settings.database_url)).leader
                except CONNECTION_ERRORS:  # only for the log line: the thread keeps trying
                    leader = None
                logger.info("standing by as %s; %s leads", this_process(), leader or "nobody yet")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    logger.info("leading as %s", this_process())
    return holder


def run_bot(settings: Settings, *, webhook: bool = False) -> int:
    """Poll (or receive by webhook) until SIGINT or SIGTERM, then stop cleanly and close storage. The Bot
    API is reached first (ConfigError for a refused token, BotApiUnreachable after the retries)."""
    application = build_app(settings)
    username = asyncio.run(reach_bot_api(settings))
    holder = None
    if settings.uses_postgres:
        started = time.monotonic()
        holder = stand_by(settings)
        if holder is None:
            return 0
        logger.info("took the lead after %.1f s", time.monotonic() - started)
    logger.info("starting @%s against %s", username, settings.bot_api_url)
    try:
        if webhook:
            from bot.webhook import run_webhook

            run_webhook(application, settings)
        else:
            asyncio.run(_poll_until_stopped(application))
    finally:
        if holder is not None:
            holder.stop()
    return EXIT_LEADERSHIP_LOST if holder is not None and holder.lost else 0


async def _poll_until_stopped(application: BotApplication) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with polling(application, timeout=LONG_POLL_SECONDS):
        await stop.wait()
    logger.info("stopped")
