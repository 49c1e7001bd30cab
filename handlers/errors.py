"""The one error handler: log with context, tell the user something useful, and tell the admins (at most
once per kind of error every ten minutes) so that a fault that is theirs to fix does not go unseen."""

from __future__ import annotations

import contextlib
import logging
import time

from telegram import Update
from telegram.error import NetworkError

from bot.context import BotContext
from bot.domain.rendering import esc
from bot.i18n import translator
from bot.services.people import admins_to_alert, locale_of
from handlers.delivery import deliver

logger = logging.getLogger(__name__)
ADMIN_NOTICE_EVERY = 600.0
_last_notice: dict[str, float] = {}


async def on_error(update: object, context: BotContext) -> None:
    """Log, apologise, alert the admins; a lost network is the network watch's to report, once."""
    user_id = update.effective_user.id if isinstance(update, Update) and update.effective_user else None
    if isinstance(context.error, NetworkError):
        # The Bot API is out of reach: an apology could not be sent either, and the watch warns once per
        # outage instead of a traceback per update.
        context.bot_data.network.failed(context.error)
        return
    logger.error("error handling update for user %s", user_id, exc_info=context.error)
    kind = type(context.error).__name__ if context.error else "Error"
    if isinstance(update, Update) and update.effective_chat is not None:
        # PTB hands the error handler a context of its own, without the gate's Who: ask for the language.
        locale: str = context.settings.default_locale
        if user_id is not None:
            with contextlib.suppress(Exception):  # the fault may be the database's: apologise all the same
                locale = await locale_of(context.storage, user_id, locale)
        t = translator(locale, context.settings.timezone)
        try:
            await update.effective_chat.send_message(
                t.gettext(
                    "Sorry, something went wrong on my side. What you confirmed before is saved; please try again."
                )
            )
        except Exception:
            logger.warning("could not tell user %s about the error", user_id)
    now = time.monotonic()
    if now - _last_notice.get(kind, -ADMIN_NOTICE_EVERY) < ADMIN_NOTICE_EVERY:
        return
    _last_notice[kind] = now
    for admin in await admins_to_alert(context.storage, about_user=user_id):
        t = translator(admin.locale or context.settings.default_locale, context.settings.timezone)
        await deliver(
            context.bot,
            context.bot_data.throttle,
            admin.telegram_id,
            t.gettext("⚠️ The bot hit an error ({kind}) while serving user {user}. The details are in its log.").format(
                kind=esc(kind), user=user_id or "?"
            ),
            None,
        )
