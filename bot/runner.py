"""`python -m bot run`: the bot against Telegram, or any Bot API server at BOT_API_URL."""

from __future__ import annotations

import logging

from telegram import Update

from bot.app import build_app
from bot.config import Settings

logger = logging.getLogger(__name__)


def run_bot(settings: Settings, *, webhook: bool = False) -> int:
    """Poll (or receive by webhook) until SIGINT or SIGTERM, then stop cleanly and close storage."""
    application = build_app(settings)
    logger.info("starting the bot against %s", settings.bot_api_url)
    if webhook:
        from bot.webhook import run_webhook

        return run_webhook(application, settings)
    application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0
