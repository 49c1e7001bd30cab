"""`python -m bot run`: the bot against Telegram, or any Bot API server at BOT_API_URL."""

from __future__ import annotations

import logging

from telegram import Update

from bot.app import build_app
from bot.config import Settings

logger = logging.getLogger(__name__)


def run_bot(settings: Settings) -> int:
    """Poll for updates until SIGINT or SIGTERM; PTB then stops cleanly and post_shutdown closes storage."""
    application = build_app(settings)
    logger.info("starting the bot against %s", settings.bot_api_url)
    application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0
