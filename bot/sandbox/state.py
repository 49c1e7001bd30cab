"""The sandbox's world: simulated users and their chats, the update queue, files and counters.

Kept apart from HTTP so that the server module stays about requests and responses.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    content: bytes
    file_name: str
    mime_type: str
    path: str

    def as_document(self) -> dict[str, Any]:
        """The Bot API's Document object for this file."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "file_size": len(self.content),
        }

    def as_photo(self) -> list[dict[str, Any]]:
        """The Bot API's PhotoSize list: one size, since the sandbox does not resize."""
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "width": 1280,
                "height": 960,
                "file_size": len(self.content),
            }
        ]


@dataclass
class Chat:
    """A private chat between the bot and one simulated user."""

    user: dict[str, Any]
    blocked: bool = False
    # Everything the bot sent, current form (edits applied); deleted messages are marked.
    bot_messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    # Every send and edit in order, as the user's phone would have shown them.
    events: list[dict[str, Any]] = field(default_factory=list)
    next_message_id: int = 1

    @property
    def chat(self) -> dict[str, Any]:
        return {
            "id": self.user["id"],
            "type": "private",
            "first_name": self.user["first_name"],
            **({"username": self.user["username"]} if self.user.get("username") else {}),
        }

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass
class Counters:
    calls: Counter[str] = field(default_factory=Counter)
    retry_after_sent: int = 0
    faults_injected: Counter[str] = field(default_factory=Counter)
    # chat id -> monotonic times of successful sends
    send_times: defaultdict[int, list[float]] = field(default_factory=lambda: defaultdict(list))

    def max_sends_per_chat_per_second(self) -> int:
        """The most messages delivered to one chat within any one-second window."""
        best = 0
        for times in self.send_times.values():
            start = 0
            for end, moment in enumerate(times):
                while moment - times[start] >= 1.0:
                    start += 1
                best = max(best, end - start + 1)
        return best

    def snapshot(self) -> dict[str, Any]:
        total_sends = sum(len(times) for times in self.send_times.values())
        all_times = sorted(t for times in self.send_times.values() for t in times)
        return {
            "calls": dict(self.calls),
            "retry_after_sent": self.retry_after_sent,
            "faults_injected": dict(self.faults_injected),
            "messages_delivered": total_sends,
            "max_per_chat_per_second": self.max_sends_per_chat_per_second(),
            "first_send": all_times[0] if all_times else None,
            "last_send": all_times[-1] if all_times else None,
        }


class World:
    """All mutable sandbox state, with conditions to wait on instead of sleeping."""

    def __init__(self) -> None:
        self.chats: dict[int, Chat] = {}
        self.updates: list[dict[str, Any]] = []  # pending, oldest first, not yet confirmed
        self.history: dict[int, dict[str, Any]] = {}  # every update ever queued, for replays
        # Everything that happened in every chat, in the order it happened: (chat id, "update" or "send", payload).
        self.journal: list[tuple[int, str, dict[str, Any]]] = []
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.pending_callbacks: set[str] = set()
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.allowed_updates: list[str] = []
        self.counters = Counters()
        self.changed = asyncio.Condition()
        self._update_ids = itertools.count(1)
        self._ids = itertools.count(1)

    def next_id(self) -> int:
        return next(self._ids)

    async def notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    async def wait_for(self, predicate: Any, timeout: float) -> bool:
        """Wait until predicate() is true or the timeout passes; return its last value."""
        deadline = time.monotonic() + timeout
        async with self.changed:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return bool(predicate())
                try:
                    await asyncio.wait_for(self.changed.wait(), remaining)
                except TimeoutError:
                    return bool(predicate())
            return True

    async def enqueue(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update_id = next(self._update_ids)
        update: dict[str, Any] = {"update_id": update_id, kind: payload}
        self.history[update_id] = update
        self.journal.append((_sender(payload), "update", update))
        self.updates.append(update)
        await self.notify()
        return update

    async def replay(self, update_id: int) -> None:
        """Queue an old update again with its id, as Telegram does when a bot crashed before confirming."""
        self.updates.append(self.history[update_id])
        self.updates.sort(key=lambda update: update["update_id"])
        await self.notify()

    def confirm(self, offset: int) -> None:
        """getUpdates with an offset confirms every update below it."""
        self.updates = [u for u in self.updates if u["update_id"] >= offset]

    def deliverable(self, limit: int) -> list[dict[str, Any]]:
        allowed = set(self.allowed_updates)
        chosen = [u for u in self.updates if not allowed or _kind(u) in allowed]
        return chosen[:limit]

    def add_file(self, content: bytes, file_name: str, mime_type: str, folder: str) -> StoredFile:
        number = self.next_id()
        stored = StoredFile(
            file_id=f"F{number:08d}{len(content):x}",
            file_unique_id=f"U{number:08d}",
            content=content,
            file_name=file_name,
            mime_type=mime_type,
            path=f"{folder}/file_{number}{_suffix(file_name)}",
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.path] = stored
        return stored


def _sender(payload: dict[str, Any]) -> int:
    """The user an update comes from (0 when it names none)."""
    return int((payload.get("from") or payload.get("chat") or {}).get("id", 0))


def _kind(update: dict[str, Any]) -> str:
    return next(key for key in update if key != "update_id")


def _suffix(file_name: str) -> str:
    return "." + file_name.rsplit(".", 1)[1] if "." in file_name else ""
