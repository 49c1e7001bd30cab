"""Explanation requests (giải trình): an admin asks an agency about an indicator; its focal point answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.clock import from_text, to_text, utcnow
from storage.db import Database

COLUMNS = "id, period_id, agency_code, indicator_code, question, asked_by, asked_at, answer, answered_by, answered_at"


@dataclass(frozen=True)
class Explanation:
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


def _from_row(row: aiosqlite.Row) -> Explanation:
    asked_at = from_text(row["asked_at"])
    assert asked_at is not None
    return Explanation(
        id=row["id"],
        period_id=row["period_id"],
        agency_code=row["agency_code"],
        indicator_code=row["indicator_code"],
        question=row["question"],
        asked_by=row["asked_by"],
        asked_at=asked_at,
        answer=row["answer"],
        answered_by=row["answered_by"],
        answered_at=from_text(row["answered_at"]),
    )


class ExplanationRepository:
    def __init__(self, database: Database) -> None:
        self.db = database

    async def ask(self, period_id: int, agency_code: str, indicator_code: str, question: str, asked_by: int) -> int:
        async with self.db.transaction() as connection:
            cursor = await connection.execute(
                "INSERT INTO explanations (period_id, agency_code, indicator_code, question, asked_by, asked_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (period_id, agency_code, indicator_code, question, asked_by, to_text(utcnow())),
            )
            return int(cursor.lastrowid or 0)

    async def answer(self, explanation_id: int, answer: str, answered_by: int) -> None:
        async with self.db.transaction() as connection:
            await connection.execute(
                "UPDATE explanations SET answer = ?, answered_by = ?, answered_at = ? WHERE id = ?",
                (answer, answered_by, to_text(utcnow()), explanation_id),
            )

    async def get(self, explanation_id: int) -> Explanation | None:
        row = await self.db.fetch_one(f"SELECT {COLUMNS} FROM explanations WHERE id = ?", (explanation_id,))
        return _from_row(row) if row else None

    async def for_period(self, period_id: int) -> list[Explanation]:
        rows = await self.db.fetch_all(
            f"SELECT {COLUMNS} FROM explanations WHERE period_id = ? ORDER BY id", (period_id,)
        )
        return [_from_row(row) for row in rows]
