"""Updates side by side, each chat's in order: the Application's update processor.

On deadline day a hundred focal points type at once, and each answer costs the bot two or three Bot API
round trips. Handled one at a time, every user waits behind everyone else's round trips. So updates of
different users run concurrently, up to a bound; but one user's updates must run strictly in the order
they came: a typed figure answers the question the previous update asked, and the conversation row, the
buttons' serials and the flood count are all per user.

An update waits for the updates that came before it with the same chat or the same user. Both count: the
conversation row is the user's, whatever chat they type in, and a group's messages answer each other. In
a private chat the two ids are equal (Telegram gives the chat the user's id), so a press on an inline
message, which has no chat, still queues behind that user's private messages. Group and channel ids are
negative and user ids positive, so the two never mix up. Updates with neither (polls) run freely.

This holds for polling and webhook alike: both put updates on `application.update_queue`, whose single
fetcher starts one task per update in arrival order, and each task calls `process_update` here before
its first pause, so updates reach their queues in the order they came.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def ordering_keys(update: object) -> frozenset[int]:
    """What an update keeps its order with: its chat's id and its user's id (one key in a private chat);
    nothing for an update that has neither."""
    if not isinstance(update, Update):
        return frozenset()
    keys = set()
    if update.effective_chat is not None:
        keys.add(update.effective_chat.id)
    if update.effective_user is not None:
        keys.add(update.effective_user.id)
    return frozenset(keys)


class OrderedUpdateProcessor(BaseUpdateProcessor):
    """At most `max_concurrent_updates` updates at once; per chat and per user, one at a time, in order."""

    __slots__ = ("_last", "_waiting")

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        # Per key, the event the latest update with that key sets when it is done. An update waits for the
        # events of its predecessors, so each key is a FIFO queue; an entry goes when its last update does,
        # so the table holds only the keys with an update running or waiting.
        self._last: dict[int, asyncio.Event] = {}
        self._waiting = 0

    @property
    def busy_keys(self) -> int:
        """How many chats and users have an update running or waiting (0 when all is done)."""
        return len(self._last)

    @property
    def waiting(self) -> int:
        """How many updates wait for an earlier update of their chat or user (a snapshot)."""
        return self._waiting

    # BaseUpdateProcessor.process_update is marked @final: it takes a concurrency slot, then calls
    # do_process_update. Here the update first waits for its turn in its chat, and only then takes a slot:
    # taking the slot first would let one user's burst of messages, each waiting for the one before it,
    # occupy every slot while other users' updates, free to run, wait for a slot.
    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:  # type: ignore[misc]
        """Wait for the earlier updates of this update's chat and user, then run it in a free slot."""
        keys = ordering_keys(update)
        done = asyncio.Event()
        earlier = {self._last[key] for key in keys if key in self._last}
        for key in keys:
            self._last[key] = done
        try:
            if earlier:
                await self._wait_for(earlier, coroutine)
            await super().process_update(update, coroutine)
        finally:
            # Cancelled (only when the event loop is torn down), an update lets its successors go at once.
            done.set()
            for key in keys:
                if self._last.get(key) is done:
                    del self._last[key]

    async def _wait_for(self, earlier: set[asyncio.Event], coroutine: Awaitable[Any]) -> None:
        """Wait until every earlier update of the same chat or user is done."""
        self._waiting += 1
        try:
            for event in earlier:
                await event.wait()
        except BaseException:
            if inspect.iscoroutine(coroutine):
                coroutine.close()  # never started: no "coroutine was never awaited" warning
            raise
        finally:
            self._waiting -= 1

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update's handlers (its turn and its slot are already taken)."""
        await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free: Application.stop has waited for every update."""
