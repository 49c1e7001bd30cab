"""How final a period's figures are, and what lead agencies say about their indicators: "official figures"
rounds, counts of figures by status, and each lead agency's confidence in an indicator it leads.

A figure's status itself lives on the value (storage.values), changed through its one save path so that
every change is versioned and kept in the history; this repository only reads it in bulk.
"""

from __future__ import annotations

from datetime import date, datetime

from bot.domain.models import Frozen
from bot.domain.review import Confidence
from storage.clock import to_text
from storage.db import Database, as_model


class OfficialRound(Frozen):
    """An open "official figures" round: its period and its own deadline."""

    period_id: int
    deadline: date
    opened_by: int | None


class FigureRepository:
    def __init__(self, database: Database) -> None:
        self.db = database

    async def status_counts(self, period_id: int) -> dict[str, int]:
        """How many numeric figures of the period are estimates, preliminary and official."""
        rows = await self.db.fetch_all(
            "SELECT status, count(*) FROM \"values\" WHERE period_id = ? AND answer = 'value'"
            " AND number IS NOT NULL GROUP BY status",
            (period_id,),
        )
        return {row[0]: int(row[1]) for row in rows}

    async def open_round(self, period_id: int, deadline: date, by: int, now: datetime) -> None:
        """Open (or move the deadline of) the period's official-figures round."""
        async with self.db.transaction() as connection:
            await connection.execute(
                "INSERT INTO official_rounds (period_id, deadline, opened_by, opened_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (period_id) DO UPDATE SET deadline = excluded.deadline",
                (period_id, deadline.isoformat(), by, to_text(now)),
            )

    async def official_round(self, period_id: int) -> OfficialRound | None:
        row = await self.db.fetch_one(
            "SELECT period_id, deadline, opened_by FROM official_rounds WHERE period_id = ?", (period_id,)
        )
        return as_model(OfficialRound, row) if row else None

    async def set_confidence(
        self,
        period_id: int,
        indicator_code: str,
        agency_code: str,
        level: str,
        reason: str | None,
        by: int,
        now: datetime,
    ) -> None:
        """Record the lead agency's confidence (a later one replaces it)."""
        async with self.db.transaction() as connection:
            await connection.execute(
                "INSERT INTO confidences (period_id, indicator_code, agency_code, level, reason, given_by, given_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (period_id, indicator_code) DO UPDATE SET"
                " agency_code = excluded.agency_code, level = excluded.level, reason = excluded.reason,"
                " given_by = excluded.given_by, given_at = excluded.given_at",
                (period_id, indicator_code, agency_code, level, reason, by, to_text(now)),
            )

    async def set_reason(self, period_id: int, indicator_code: str, reason: str) -> None:
        """The sentence that goes with a confidence already given."""
        async with self.db.transaction() as connection:
            await connection.execute(
                "UPDATE confidences SET reason = ? WHERE period_id = ? AND indicator_code = ?",
                (reason, period_id, indicator_code),
            )

    async def confidences(self, period_id: int) -> dict[str, Confidence]:
        """Every confidence given for the period, by indicator code."""
        rows = await self.db.fetch_all(
            "SELECT period_id, indicator_code, agency_code, level, reason, given_by, given_at FROM confidences"
            " WHERE period_id = ?",
            (period_id,),
        )
        return {row["indicator_code"]: as_model(Confidence, row) for row in rows}
