"""The bot's view of its link to the Bot API: reach it at start, and say when it is lost and back.

A network outage makes every poll and every reply fail. Logged one traceback per failure, that drowns the
log (39 tracebacks in 3.5 minutes were seen); here an outage is one warning when it starts and one when it
ends, with how long it lasted, and each failure's traceback at debug level only.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from telegram import Bot
from telegram.error import Forbidden, InvalidToken, NetworkError, TelegramError, TimedOut
from telegram.request import HTTPXRequest

from bot.config import ConfigError, Settings

logger = logging.getLogger("bot.network")
FIRST_DELAY = 1.0  # seconds; doubled after each failed attempt


class BotApiUnreachable(Exception):
    """The Bot API could not be reached at start; the message is one line for the operator."""


class NetworkWatch:
    """Tells the log once when calls to the Bot API start failing and once when they succeed again."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.down_since: float | None = None
        self.failures = 0

    def failed(self, error: BaseException) -> None:
        """A call failed for a network reason; warn if this starts an outage."""
        logger.debug("Bot API call failed", exc_info=error)
        self.failures += 1
        if self.down_since is None:
            self.down_since = self.clock()
            logger.warning("calls to the Bot API fail (%s); retrying quietly until it answers", describe(error))

    def succeeded(self) -> None:
        """A call went through; if an outage was on, say it is over and how long it lasted."""
        if self.down_since is not None:
            logger.warning(
                "the Bot API answers again after %.0f s (%d failed calls)",
                self.clock() - self.down_since,
                self.failures,
            )
            self.down_since, self.failures = None, 0


def describe(error: BaseException) -> str:
    """An error as a short phrase: its type and its message, no traceback."""
    return f"{type(error).__name__}: {error}"


class WatchedRequest(HTTPXRequest):
    """PTB's HTTP transport, reporting to a NetworkWatch whether each call reached the Bot API."""

    def __init__(self, watch: NetworkWatch, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.watch = watch

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        try:
            result = await super().do_request(*args, **kwargs)
        except (NetworkError, TimedOut) as error:
            self.watch.failed(error)
            raise
        self.watch.succeeded()
        return result


def polling_error(watch: NetworkWatch) -> Callable[[TelegramError], None]:
    """PTB's polling error callback: a network failure was already noted by the transport; anything else
    (another process polling the same bot, say) is noted here, without a traceback per poll."""

    def note(error: TelegramError) -> None:
        if not isinstance(error, NetworkError):
            watch.failed(error)

    return note


async def reach_bot_api(settings: Settings, first_delay: float = FIRST_DELAY) -> str:
    """Call getMe until the Bot API answers; return the bot's username. A refused token is a ConfigError;
    an API still unreachable after BOT_API_START_ATTEMPTS attempts (waiting 1, 2, 4... s between them) is
    BotApiUnreachable. One log line per failed attempt."""
    token = settings.require_token()
    attempts = settings.bot_api_start_attempts
    bot = Bot(token, base_url=f"{settings.bot_api_url}/bot", base_file_url=f"{settings.bot_api_url}/file/bot")
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            async with bot:  # initialize() calls getMe
                return bot.username
        except (InvalidToken, Forbidden):
            raise ConfigError(
                f"BOT_TOKEN: the Bot API at {settings.bot_api_url} refused the token; copy it again from @BotFather"
            ) from None
        except TelegramError as error:
            if attempt == attempts:
                raise BotApiUnreachable(
                    f"cannot reach the Bot API at {settings.bot_api_url} after {attempts} attempts ({describe(error)});"
                    " check BOT_API_URL and the network, then start again"
                ) from None
            logger.warning(
                "the Bot API at %s does not answer (%s); attempt %d of %d, next in %.0f s",
                settings.bot_api_url,
                describe(error),
                attempt,
                attempts,
                delay,
            )
            await asyncio.sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")  # pragma: no cover
