"""Which message goes out next, and when: one pace for every message the bot sends, replies first.

Telegram lets a bot send about 30 messages a second in all and about one a second to any one chat. A
reminder fan-out to two thousand focal points takes the whole budget for a minute, and a reply queued
behind it in one line would wait as long. So waiters stand in two queues: interactive (a reply to
someone who just wrote) and bulk (reminders, broadcasts, notices to people who did not write). Each slot
goes to the oldest interactive waiter, else to the oldest bulk waiter whose chat has had no message for
`chat_interval`. Slots are at least `interval` apart whoever takes them, so the total rate holds, and a
reply waits at most for the slot after the one already given.

Pure: the caller passes the clock, and turns `take` and `wake_at` into wake-ups (bot/ratelimit.py does
it over asyncio), so the rule is tested without time passing.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Hashable
from typing import Generic, TypeVar

Waiter = TypeVar("Waiter")
ChatKey = Hashable  # a chat id as the Bot API call names it (an int, or an "@username")
PRUNE_AT = 1024  # chats remembered before those already free again are forgotten


class SendQueue(Generic[Waiter]):
    """Interactive and bulk waiters for send slots `interval` seconds apart; bulk ones also kept
    `chat_interval` apart within one chat."""

    def __init__(self, interval: float, chat_interval: float = 1.0) -> None:
        self.interval = interval
        self.chat_interval = chat_interval
        self._interactive: deque[tuple[Waiter, ChatKey | None]] = deque()
        self._bulk: deque[tuple[Waiter, ChatKey | None]] = deque()
        self._next_slot = -math.inf
        self._paused_until = -math.inf
        self._chat_free: dict[ChatKey, float] = {}  # chat -> when a bulk send to it may go

    def __len__(self) -> int:
        return len(self._interactive) + len(self._bulk)

    def join(self, waiter: Waiter, *, bulk: bool, chat: ChatKey | None = None, first: bool = False) -> None:
        """Queue a waiter at the back of its queue, or at the front (`first`: it already had its turn,
        and Telegram asked it to wait)."""
        queue = self._bulk if bulk else self._interactive
        if first:
            queue.appendleft((waiter, chat))
        else:
            queue.append((waiter, chat))

    def leave(self, waiter: Waiter) -> bool:
        """Take a waiter out of its queue (it gave up); False if it was not waiting."""
        for queue in (self._interactive, self._bulk):
            for index, (queued, _) in enumerate(queue):
                if queued is waiter:
                    del queue[index]
                    return True
        return False

    def pause(self, until: float) -> None:
        """Give no slot before `until` (Telegram answered 429 and said how long to wait)."""
        self._paused_until = max(self._paused_until, until)

    @property
    def paused_until(self) -> float:
        return self._paused_until

    def take(self, now: float) -> Waiter | None:
        """The waiter whose slot is now, which then counts as used; None when no one may go yet."""
        if now < max(self._next_slot, self._paused_until):
            return None
        found = self._first_ready(now)
        if found is None:
            return None
        queue, index = found
        waiter, chat = queue[index]
        del queue[index]
        self._next_slot = now + self.interval  # never closer, also after an idle spell: no bursts
        if chat is not None:
            if len(self._chat_free) >= PRUNE_AT:
                self._chat_free = {key: free for key, free in self._chat_free.items() if free > now}
            self._chat_free[chat] = now + self.chat_interval
        return waiter

    def wake_at(self, now: float) -> float | None:
        """When `take` may next give a slot (at the earliest `now`); None while nobody waits."""
        if not self:
            return None
        opens = max(now, self._next_slot, self._paused_until)
        if self._interactive:
            return opens
        return max(opens, min(self._free_at(chat) for _, chat in self._bulk))

    def _first_ready(self, now: float) -> tuple[deque[tuple[Waiter, ChatKey | None]], int] | None:
        """The queue and place of the waiter to go next: the first interactive one, else the first bulk one
        whose chat is free."""
        if self._interactive:
            return self._interactive, 0
        for index, (_, chat) in enumerate(self._bulk):
            if self._free_at(chat) <= now:
                return self._bulk, index
        return None

    def _free_at(self, chat: ChatKey | None) -> float:
        return -math.inf if chat is None else self._chat_free.get(chat, -math.inf)
