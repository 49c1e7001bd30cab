"""Explanation requests (giải trình): an admin asks an agency about an indicator; its focal point answers."""

from __future__ import annotations

from datetime import datetime

from bot.domain.models import Frozen
from storage.clock import to_text, utcnow
from storage.db import Database, as_model

COLUMNS = "id, period_id, agency_code, indicator_code, question, asked_by, asked_at, answer, answered_by, answered_at"


class Explanation(Frozen):
    id: int
    period_id: int
    agency_code: str
    indicator_code: str
    question: str
    asked_by: int
    asked_at: datetime
    answer: str | None
    answered_by: int | None
    answered_at: datetime | None


class ExplanationRepository:
    def __init__(self, database: Database) -> None:
        self.db = database

    async def ask(self, period_id: int, agency_code: str, indicator_code: str, question: str, asked_by: int) -> int:
        async with self.db.transaction() as connection:
            cursor = await connection.execute(
                "INSERT INTO explanations (period_id, agency_code, indicator_code, question, asked_by, asked_at)"
                " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (period_id, agency_code, indicator_code, question, asked_by, to_text(utcnow())),
            )
            row = await cursor.fetchone()  # RETURNING, not lastrowid: PostgreSQL has no rowid
            return int(row[0]) if row else 0

    async def answer(self, explanation_id: int, answer: str, answered_by: int) -> None:
        async with self.db.transaction() as connection:
            await connection.execute(
                "UPDATE explanations SET answer = ?, answered_by = ?, answered_at = ? WHERE id = ?",
                (answer, answered_by, to_text(utcnow()), explanation_id),
            )

    async def get(self, explanation_id: int) -> Explanation | None:
        row = await self.db.fetch_one(f"SELECT {COLUMNS} FROM explanations WHERE id = ?", (explanation_id,))
        return as_model(Explanation, row) if row else None

    async def for_period(self, period_id: int) -> list[Explanation]:
        rows = await self.db.fetch_all(
            f"SELECT {COLUMNS} FROM explanations WHERE period_id = ? ORDER BY id", (period_id,)
        )
        return [as_model(Explanation, row) for row in rows]
