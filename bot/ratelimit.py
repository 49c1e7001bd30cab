"""The bot's rate limiter (a PTB `BaseRateLimiter`): one pace for every message it sends, replies ahead of
bulk sends, and Telegram's 429 waited out and retried.

PTB's AIORateLimiter, which this replaces, kept one line for every call: a reply to a focal point queued
behind whatever a reminder fan-out had queued already (up to 64 sends, two seconds at 30 a second). The
pace here is the same, but the order is `bot.domain.send_queue`'s: a reply takes the next slot, and bulk
sends (which say so with `rate_limit_args=BULK`, see handlers/delivery.py) take the slots replies leave.

Which calls it touches (PTB never hands it getUpdates):
- paced, one slot each: the calls that post a new message to a chat, every `send…` method but
  sendChatAction, and copyMessage(s) and forwardMessage(s). Telegram's limits (30 a second in all, about
  one a second per chat) count messages; a media group counts as one here, and the bot sends none.
- not paced, but waiting out a 429 and retried: the `editMessage…` methods. An edit posts nothing new,
  the sandbox (like Telegram, as far as is known) does not count it against the rate, and pacing it would
  halve what interactive use may take of the budget (each answered question edits the one before).
- straight through: everything else (answerCallbackQuery, sendChatAction, deleteMessage, getFile, getMe,
  setMyCommands...): they must be quick, and a 429 on them reaches the caller as without a limiter.

A 429 stops every paced and edit call for the time Telegram asked (plus 0.1 s), as AIORateLimiter did,
and the call that got it goes first in its queue when it tries again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from collections.abc import Callable, Coroutine, Mapping
from datetime import timedelta
from enum import Enum
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.domain.send_queue import ChatKey, SendQueue

logger = logging.getLogger(__name__)

BULK: Mapping[str, Any] = {"bulk": True}  # rate_limit_args of a send to someone who did not just write
RETRY_MARGIN = 0.1  # seconds added to Telegram's retry_after, as AIORateLimiter did
Result = bool | dict[str, Any] | list[dict[str, Any]]


class Call(Enum):
    """How the limiter treats a Bot API method."""

    PACED = "paced"
    RETRIED = "retried"
    DIRECT = "direct"


def call_kind(endpoint: str) -> Call:
    """Paced (it posts a message), retried (it edits one) or direct (anything else)."""
    if endpoint.startswith("send") and endpoint != "sendChatAction":
        return Call.PACED
    if endpoint.startswith(("copyMessage", "forwardMessage")):
        return Call.PACED
    if endpoint.startswith("editMessage"):
        return Call.RETRIED
    return Call.DIRECT


def retry_seconds(error: RetryAfter) -> float:
    """How long Telegram asked us to wait (PTB is moving this attribute from seconds to a timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


def chat_key(chat_id: object) -> ChatKey | None:
    """The chat a call is for, as one key whether PTB passed the id as a number or a string."""
    if chat_id is None:
        return None
    with contextlib.suppress(TypeError, ValueError):
        return int(chat_id)  # type: ignore[call-overload]
    return str(chat_id)


class PriorityRateLimiter(BaseRateLimiter[Mapping[str, Any]]):
    """Message sends paced at `messages_per_second` in all, replies first, bulk sends also kept
    `chat_interval` apart per chat; a 429 waited out and retried up to `max_retries` times.

    `rate_limit_args` of a call: {"bulk": True} to queue behind replies; {"max_retries": n} to override."""

    def __init__(self, messages_per_second: float, chat_interval: float = 1.0, max_retries: int = 0) -> None:
        self._queue: SendQueue[asyncio.Future[None]] = SendQueue(1 / messages_per_second, chat_interval)
        self._max_retries = max_retries
        self._timer: asyncio.TimerHandle | None = None

    async def initialize(self) -> None:
        """Nothing to open: the queue starts empty."""

    async def shutdown(self) -> None:
        """Stop the pending wake-up."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Mapping[str, Any] | None,
    ) -> Result:
        """Call `callback` when its turn comes; on a 429 wait as asked and call it again."""
        kind = call_kind(endpoint)
        if kind is Call.DIRECT:
            return await callback(*args, **kwargs)
        options = rate_limit_args or {}
        bulk = bool(options.get("bulk", False))
        retries = int(options.get("max_retries", self._max_retries))
        chat = chat_key(data.get("chat_id"))
        for attempt in range(retries + 1):
            if kind is Call.PACED:
                await self._turn(bulk, chat, first=attempt > 0)
            else:
                await self._pause_over()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == retries:
                    logger.warning("%s: still rate-limited after %d retries", endpoint, retries)
                    raise
                wait = retry_seconds(error) + RETRY_MARGIN
                logger.info("%s: rate-limited by Telegram; every send waits %.1f s", endpoint, wait)
                self._queue.pause(asyncio.get_running_loop().time() + wait)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _turn(self, bulk: bool, chat: ChatKey | None, first: bool) -> None:
        """Wait for this call's send slot."""
        loop = asyncio.get_running_loop()
        turn: asyncio.Future[None] = loop.create_future()
        self._queue.join(turn, bulk=bulk, chat=chat, first=first)
        self._grant(loop)
        try:
            await turn
        except asyncio.CancelledError:
            self._queue.leave(turn)  # given up before its turn (if it had come, the slot goes unused)
            raise

    async def _pause_over(self) -> None:
        """Wait until a 429's pause is over."""
        delay = self._queue.paused_until - asyncio.get_running_loop().time()
        if delay > 0:
            await asyncio.sleep(delay)

    def _grant(self, loop: asyncio.AbstractEventLoop) -> None:
        """Wake whoever's slot it is, and set the wake-up for the next one."""
        now = loop.time()
        while (turn := self._queue.take(now)) is not None:
            if not turn.done():
                turn.set_result(None)
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        wake = self._queue.wake_at(now)
        if wake is not None:
            self._timer = loop.call_at(wake, self._grant, loop)
