"""Which Telegram update ids were already handled: de-duplication that survives a restart."""

from __future__ import annotations

from datetime import timedelta

from storage.clock import to_text, utcnow
from storage.db import Database

KEEP = timedelta(days=2)  # Telegram keeps unconfirmed updates for 24 hours
PRUNE_EVERY = 500


class UpdateLog:
    def __init__(self, database: Database) -> None:
        self.db = database
        self._since_prune = 0

    async def first_time(self, update_id: int) -> bool:
        """Record the update id; False if it was seen before (a redelivery)."""
        now = utcnow()
        async with self.db.transaction() as connection:
            cursor = await connection.execute(
                "INSERT OR IGNORE INTO processed_updates (update_id, seen_at) VALUES (?, ?)", (update_id, to_text(now))
            )
            fresh = cursor.rowcount == 1
            self._since_prune += 1
            if self._since_prune >= PRUNE_EVERY:
                self._since_prune = 0
                await connection.execute("DELETE FROM processed_updates WHERE seen_at < ?", (to_text(now - KEEP),))
        return fresh
