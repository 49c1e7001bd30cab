"""Sending to a chat that did not just write to us (reminders, broadcasts, notices to admins).

Such sends keep to one message a second per chat (`ChatThrottle`) and mark themselves bulk for the
application's rate limiter (bot/ratelimit.py), which gives them the send slots that replies to people who
just wrote leave free. A 429 is waited out and the same message retried, since Telegram did not deliver
it; a 403 means the user blocked the bot; a timeout leaves the outcome unknown, because the message may
have arrived, so it is never repeated blindly.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import ExtBot

from bot.domain.throttle import ChatThrottle
from bot.i18n import Translator
from bot.ratelimit import BULK, retry_seconds
from handlers.common import keyboard
from handlers.report import report_button

logger = logging.getLogger(__name__)


def bulk(bot: Bot) -> dict[str, Any]:
    """The keyword that queues a send behind replies, where the bot has a rate limiter to read it (PTB
    refuses `rate_limit_args` without one)."""
    return {"rate_limit_args": BULK} if isinstance(bot, ExtBot) and bot.rate_limiter is not None else {}


async def deliver(
    bot: Bot, throttle: ChatThrottle, chat_id: int, text: str, markup: InlineKeyboardMarkup | None
) -> str:
    """Send one message; return "sent", "forbidden", "failed" or "unknown"."""
    loop = asyncio.get_running_loop()
    while True:
        await asyncio.sleep(throttle.reserve(chat_id, loop.time()))
        try:
            await bot.send_message(chat_id, text, reply_markup=markup, **bulk(bot))
            return "sent"
        except RetryAfter as error:
            await asyncio.sleep(retry_seconds(error))
        except Forbidden:
            return "forbidden"
        except BadRequest as error:
            logger.warning("message to %s refused: %s", chat_id, error.message)
            return "failed"
        except (TimedOut, NetworkError) as error:
            # The network watch (bot.network) has already warned once for the outage, and the outcome is in
            # the reminder log (`reminders plan` lists it): a warning per message would flood a fan-out's log.
            logger.debug("message to %s: outcome unknown (%s)", chat_id, error)
            return "unknown"
        except TelegramError as error:
            logger.warning("message to %s failed: %s", chat_id, error)
            return "failed"


class TelegramOutbox:
    """The reminder service's `Outbox` over a PTB bot: each text in order, the report button on the last."""

    def __init__(self, bot: Bot, throttle: ChatThrottle) -> None:
        self.bot = bot
        self.throttle = throttle

    async def send(self, chat_id: int, texts: Sequence[str], report_period: int | None, t: Translator) -> str:
        markup = keyboard([[report_button(report_period, t)]]) if report_period is not None else None
        outcome = "sent"
        for text in texts:
            outcome = await deliver(self.bot, self.throttle, chat_id, text, markup)
            if outcome != "sent":
                break
        return outcome
