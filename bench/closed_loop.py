"""Simulated people for the responsiveness benchmark, timed where Telegram would time them.

They live in the benchmark's process beside the local Bot API server; the bot runs in a process of its
own (`bench.bot_process`), as a phone, Telegram and the bot's server are apart in life. A bot that blocks
its event loop then holds up only itself, and a user's clock keeps running meanwhile.

A focal point works in a closed loop: type a figure, wait until the next question arrives, think about
four seconds (seeded jitter), again. What is measured is the time from the message the user sent to the
moment the bot's next question was stored in the chat, which is when the user sees it (the sandbox's
latency then holds the bot's answer back, see `bot.sandbox.server`). "The next question" is recognised by
its buttons: every question of /report carries Skip (`r:skip:SERIAL`), the review carries Submit
(`r:submit:SERIAL`), and the serial grows with each screen, so it does not matter whether the question
comes as a new message or as an edit of the previous one, nor what else is sent around it. The floor's
next question is simply its reply.
"""

from __future__ import annotations

import asyncio
import math
import random
import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from bot.sandbox import BotApiServer
from bot.sandbox.limits import ApiError
from bot.sandbox.methods import Files, Params

Message = dict[str, Any]
# Given the last question's mark and a message of the bot's, the new mark if it is the next question.
Recognise = Callable[[int, Message], int | None]

QUESTION_BUTTON = re.compile(r"^r:(?:skip|submit):(\d+)$")


def question_serial(message: Message) -> int | None:
    """The serial of the question (or review) a message shows, read from its buttons; None if none."""
    markup = message.get("reply_markup") or {}
    for row in markup.get("inline_keyboard", []):
        for button in row:
            found = QUESTION_BUTTON.match(str(button.get("callback_data", "")))
            if found:
                return int(found.group(1))
    return None


def next_question(last: int, message: Message) -> int | None:
    """Ours: a question or review newer than the one the user answered."""
    serial = question_serial(message)
    return serial if serial is not None and serial > last else None


def any_reply(last: int, message: Message) -> int | None:
    """The floor: whatever it says next."""
    return last + 1 if "text" in message else None


@dataclass
class _Waiter:
    match: Callable[[Message], Any]
    future: asyncio.Future[tuple[float, Any]]


class WatchedServer(BotApiServer):
    """The local server, telling a waiting user the moment a message of the bot's reaches their chat."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._waiting: defaultdict[int, list[_Waiter]] = defaultdict(list)
        self.watched: set[int] = set()  # chats whose deliveries are timed in `deliveries`
        self.deliveries: list[float] = []

    async def call(self, method: str, params: Params, files: Files) -> Any:
        result = await super().call(method, params, files)
        if isinstance(result, dict) and isinstance(result.get("chat"), dict):
            self._arrived(int(result["chat"]["id"]), result, time.perf_counter())
        return result

    def _arrived(self, chat_id: int, message: Message, moment: float) -> None:
        if chat_id in self.watched:
            self.deliveries.append(moment)
        waiting = self._waiting.get(chat_id, [])
        for waiter in list(waiting):
            if waiter.future.done():  # given up on
                waiting.remove(waiter)
                continue
            found = waiter.match(message)
            if found is not None:
                waiting.remove(waiter)
                waiter.future.set_result((moment, found))
                return  # one message answers one waiter

    def expect(self, chat_id: int, match: Callable[[Message], Any]) -> asyncio.Future[tuple[float, Any]]:
        """The next message in the chat that `match` accepts (returns not None): when, and what it returned."""
        future: asyncio.Future[tuple[float, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[chat_id].append(_Waiter(match, future))
        return future


@dataclass(frozen=True)
class Pace:
    """How a focal point works: think time, how many figures at most, until when, how long to wait."""

    think: float
    answers: int
    stop_at: float  # time.perf_counter(): no figure is typed after it
    patience: float  # the longest wait for one answer; then the user gives up (counted as lost)


@dataclass
class Tally:
    """What the simulated people saw: (sent at, waited) per typed figure, and what never came."""

    waits: list[tuple[float, float]] = field(default_factory=list)
    lost: int = 0
    exports: list[float] = field(default_factory=list)
    exports_lost: int = 0


def figure(index: int) -> str:
    """The figure typed for the index-th item: whole, positive, each below the one before it (so that a
    part never exceeds its whole)."""
    return str(120 - index)


async def send_and_wait(
    server: WatchedServer, user_id: int, text: str, match: Callable[[Message], Any], patience: float
) -> tuple[float, float, Any] | None:
    """Send `text` as the user and wait for the matching message: (sent at, waited, match) or None."""
    arrival = server.expect(user_id, match)
    sent = time.perf_counter()
    await server.user_sends(user_id, {"text": text})
    try:
        moment, found = await asyncio.wait_for(arrival, patience)
    except TimeoutError:
        return None
    return sent, moment - sent, found


async def focal_point(
    server: WatchedServer, user_id: int, mark: int, recognise: Recognise, pace: Pace, rng: random.Random, tally: Tally
) -> None:
    """Type figures in a closed loop, starting after the question marked `mark`."""
    await asyncio.sleep(rng.uniform(0, pace.think))  # people do not all start typing at once
    for index in range(pace.answers):
        if time.perf_counter() >= pace.stop_at:
            return
        outcome = await send_and_wait(server, user_id, figure(index), partial(recognise, mark), pace.patience)
        if outcome is None:
            tally.lost += 1
            return  # the conversation is out of step: this user stops
        sent, waited, mark = outcome
        tally.waits.append((sent, waited))
        await asyncio.sleep(pace.think * rng.uniform(0.75, 1.25))


def export_buttons(message: Message) -> tuple[int, list[str]] | None:
    """The summary's message id and its Excel and chart buttons' data, if it is the summary."""
    markup = message.get("reply_markup") or {}
    data = [str(b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row]
    wanted = [d for d in data if d.startswith(("s:xlsx:", "s:png:"))]
    return (int(message["message_id"]), wanted) if len(wanted) == 2 else None


def is_file(message: Message) -> bool | None:
    return True if ("document" in message or "photo" in message) else None


async def _one_export(
    server: WatchedServer, admin_id: int, message_id: int, data: str, patience: float, tally: Tally
) -> None:
    arrival = server.expect(admin_id, is_file)
    pressed = time.perf_counter()
    try:
        await server.user_presses(admin_id, message_id, data)
        moment, _ = await asyncio.wait_for(arrival, patience)
    except (TimeoutError, ApiError):
        tally.exports_lost += 1
        return
    tally.exports.append(moment - pressed)


async def admin_exports(
    server: WatchedServer, admin_id: int, summary: tuple[int, list[str]], every: float, pace: Pace, tally: Tally
) -> None:
    """Press Excel and Chart on the summary every `every` seconds until `pace.stop_at`."""
    message_id, buttons = summary
    pending: list[asyncio.Task[None]] = []
    due = time.perf_counter()
    while due < pace.stop_at:
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        pending += [
            asyncio.create_task(_one_export(server, admin_id, message_id, data, pace.patience, tally))
            for data in buttons
        ]
        due += every
    await asyncio.gather(*pending)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (`share` in 0..1); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]
