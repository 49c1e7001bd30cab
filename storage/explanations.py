"""Explanation requests (giải trình): an admin asks an agency about an indicator; its focal point answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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


def _from_row(row: tuple[object, ...]) -> Explanation:
    asked_at = from_text(str(row[6]))
    assert asked_at is not None
    return Explanation(
        int(row[0]),
        int(row[1]),
        str(row[2]),
        str(row[3]),
        str(row[4]),
        int(row[5]),  # type: ignore[arg-type]
        asked_at,
        row[7],
        row[8],
        from_text(row[9]),
    )  # type: ignore[arg-type]


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
        return _from_row(tuple(row)) if row else None

    async def for_period(self, period_id: int) -> list[Explanation]:
        rows = await self.db.fetch_all(
            f"SELECT {COLUMNS} FROM explanations WHERE period_id = ? ORDER BY id", (period_id,)
        )
        return [_from_row(tuple(row)) for row in rows]
