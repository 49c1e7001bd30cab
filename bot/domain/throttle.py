"""At most one message per interval to any one chat: the spacing Telegram asks of bulk sends.

Pure: `reserve` books the next free moment for a chat on a clock the caller passes and says how long to
wait for it, so the sender sleeps and the rule stays testable without time passing.
"""

from __future__ import annotations


class ChatThrottle:
    """At most one message per `interval` seconds to any one chat."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self._next: dict[int, float] = {}

    def reserve(self, chat_id: int, now: float) -> float:
        """Book the chat's next send slot at or after `now`; return the seconds to wait for it."""
        ready = max(now, self._next.get(chat_id, 0.0))
        self._next[chat_id] = ready + self.interval
        return ready - now
