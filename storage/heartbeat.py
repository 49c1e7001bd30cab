"""Heartbeats of running bot processes: the evidence a health check reads."""

from __future__ import annotations

from datetime import datetime

from storage.clock import from_text, to_text
from storage.db import Database


class HeartbeatRepository:
    def __init__(self, database: Database) -> None:
        self.db = database

    async def beat(self, process: str, started_at: datetime, now: datetime) -> None:
        """Note that `process` is alive at `now`."""
        async with self.db.transaction() as connection:
            await connection.execute(
                "INSERT INTO heartbeat (process, started_at, beat_at) VALUES (?, ?, ?)"
                " ON CONFLICT (process) DO UPDATE SET beat_at = excluded.beat_at, started_at = excluded.started_at",
                (process, to_text(started_at), to_text(now)),
            )

    async def latest(self) -> tuple[str, datetime] | None:
        """The process that beat last, and when; None if none ever did."""
        row = await self.db.fetch_one("SELECT process, beat_at FROM heartbeat ORDER BY beat_at DESC LIMIT 1")
        beat_at = from_text(row["beat_at"]) if row else None
        return (row["process"], beat_at) if row and beat_at else None
