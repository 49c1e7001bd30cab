"""The reminder log: one row per (period, recipient, slot). Claiming the row before sending makes each
reminder go out at most once, across restarts and across bot instances sharing the database."""

from __future__ import annotations

from storage.clock import to_text, utcnow
from storage.db import Database


class ReminderLogRepository:
    def __init__(self, database: Database) -> None:
        self.db = database

    async def logged(self, period_id: int) -> set[tuple[int, str]]:
        rows = await self.db.fetch_all("SELECT user_id, slot FROM reminder_log WHERE period_id = ?", (period_id,))
        return {(row[0], row[1]) for row in rows}

    async def claim(self, period_id: int, user_id: int, slot: str, kind: str) -> bool:
        """Take the slot for this recipient; False if it was already taken (sent or being sent)."""
        async with self.db.transaction() as connection:
            cursor = await connection.execute(
                "INSERT OR IGNORE INTO reminder_log (period_id, user_id, slot, kind, claimed_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (period_id, user_id, slot, kind, to_text(utcnow())),
            )
            return cursor.rowcount == 1

    async def record(self, period_id: int, user_id: int, slot: str, outcome: str, detail: str | None = None) -> None:
        """sent, forbidden, unknown (timed out: it may have arrived) or failed."""
        async with self.db.transaction() as connection:
            await connection.execute(
                "UPDATE reminder_log SET outcome = ?, detail = ? WHERE period_id = ? AND user_id = ? AND slot = ?",
                (outcome, detail, period_id, user_id, slot),
            )

    async def outcomes(self, period_id: int) -> list[tuple[int, str, str, str]]:
        """(user_id, slot, kind, outcome) in the order claimed."""
        rows = await self.db.fetch_all(
            "SELECT user_id, slot, kind, outcome FROM reminder_log WHERE period_id = ? ORDER BY claimed_at, rowid",
            (period_id,),
        )
        return [(row[0], row[1], row[2], row[3]) for row in rows]
