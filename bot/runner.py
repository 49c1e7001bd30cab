"""`python -m bot run`: the bot against Telegram, or any Bot API server at BOT_API_URL."""

from __future__ import annotations

import asyncio
import logging
import signal

from bot.app import build_app, polling
from bot.config import Settings
from bot.network import reach_bot_api

logger = logging.getLogger(__name__)
LONG_POLL_SECONDS = 10


def run_bot(settings: Settings, *, webhook: bool = False) -> int:
    """Poll (or receive by webhook) until SIGINT or SIGTERM, then stop cleanly and close storage. The Bot
    API is reached first (ConfigError for a refused token, BotApiUnreachable after the retries)."""
    application = build_app(settings)
    username = asyncio.run(reach_bot_api(settings))
    logger.info("starting @%s against %s", username, settings.bot_api_url)
    if webhook:
        from bot.webhook import run_webhook

        return run_webhook(application, settings)

    async def poll_until_stopped() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with polling(application, timeout=LONG_POLL_SECONDS):
            await stop.wait()
        logger.info("stopped")

    asyncio.run(poll_until_stopped())
    return 0
