"""The one error handler: log with context, tell the user something useful."""

from __future__ import annotations

import logging

from telegram import Update

from bot.app import BotContext
from bot.i18n import translator

logger = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    user_id = update.effective_user.id if isinstance(update, Update) and update.effective_user else None
    logger.error("error handling update for user %s", user_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    current = getattr(context, "who", None)
    t = current.t if current is not None else translator(context.settings.default_locale)
    try:
        await update.effective_chat.send_message(
            t.gettext("Sorry, something went wrong on my side. What you confirmed before is saved; please try again.")
        )
    except Exception:
        logger.warning("could not tell user %s about the error", user_id)
