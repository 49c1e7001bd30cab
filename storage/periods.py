"""Reporting periods and their lifecycle: open -> closed -> locked (and unlock, which is logged)."""

from __future__ import annotations

import json
from datetime import date

import aiosqlite

from bot.domain.models import Period, PeriodKind, PeriodState
from bot.domain.periods import PeriodSpan
from storage.clock import to_text, utcnow
from storage.db import Database, as_model

COLUMNS = (
    "p.id, p.programme_id, g.code AS programme_code, p.code, p.kind, p.starts_on, p.ends_on,"
    " p.deadline, p.state, p.ad_hoc"
)
_FROM = "FROM periods p JOIN programmes g ON g.id = p.programme_id"


class PeriodError(ValueError):
    """A period operation that cannot be done."""


class PeriodRepository:
    def __init__(self, database: Database) -> None:
        self.db = database

    async def open(self, programme_id: int, span: PeriodSpan, deadline: date, by: int | None = None) -> Period:
        """Open a period; reopening an existing closed one sets it open with the new deadline. The state is
        read inside the write transaction: a lock taken meanwhile by another admin is never undone."""
        async with self.db.transaction() as connection:
            existing = await self.get(programme_id, span.code)
            if existing and existing.state is PeriodState.LOCKED:
                raise PeriodError(f"{span.code} is locked; unlock it first")
            await connection.execute(
                "INSERT INTO periods (programme_id, code, kind, starts_on, ends_on, deadline, state,"
                " ad_hoc) VALUES (?, ?, ?, ?, ?, ?, 'open', ?) ON CONFLICT (programme_id, code)"
                " DO UPDATE SET deadline = excluded.deadline, state = 'open'",
                (
                    programme_id,
                    span.code,
                    span.kind.value,
                    span.starts_on.isoformat(),
                    span.ends_on.isoformat(),
                    deadline.isoformat(),
                    int(span.kind is PeriodKind.AD_HOC),
                ),
            )
            if existing is None or existing.state is not PeriodState.OPEN:
                await self._log(
                    connection,
                    programme_id,
                    span.code,
                    existing.state if existing else None,
                    PeriodState.OPEN,
                    by,
                )
        period = await self.get(programme_id, span.code)
        assert period is not None
        return period

    async def set_state(self, period: Period, state: PeriodState, by: int | None = None) -> Period:
        """Move a period to `state`; the log records the state it really had (read in the transaction), not
        the caller's copy, which another admin may have changed meanwhile."""
        async with self.db.transaction() as connection:
            current = await self.get(period.programme_id, period.code)
            old = current.state if current else period.state
            await connection.execute("UPDATE periods SET state = ? WHERE id = ?", (state.value, period.id))
            await self._log(connection, period.programme_id, period.code, old, state, by)
        updated = await self.get(period.programme_id, period.code)
        assert updated is not None
        return updated

    @staticmethod
    async def _log(
        connection: aiosqlite.Connection,
        programme_id: int,
        code: str,
        old: PeriodState | None,
        new: PeriodState,
        by: int | None,
    ) -> None:
        await connection.execute(
            "INSERT INTO period_events (period_id, old_state, new_state, changed_by, changed_at)"
            " SELECT id, ?, ?, ?, ? FROM periods WHERE programme_id = ? AND code = ?",
            (old.value if old else None, new.value, by, to_text(utcnow()), programme_id, code),
        )

    async def policy_override(self, period_id: int) -> dict[str, object]:
        """The reminder policy fields this period overrides (empty: the settings' defaults apply)."""
        row = await self.db.fetch_one("SELECT policy_json FROM periods WHERE id = ?", (period_id,))
        return json.loads(row[0]) if row and row[0] else {}

    async def set_policy_override(self, period_id: int, override: dict[str, object]) -> None:
        async with self.db.transaction() as connection:
            await connection.execute(
                "UPDATE periods SET policy_json = ? WHERE id = ?",
                (json.dumps(override) if override else None, period_id),
            )

    async def get(self, programme_id: int, code: str) -> Period | None:
        row = await self.db.fetch_one(
            f"SELECT {COLUMNS} {_FROM} WHERE p.programme_id = ? AND p.code = ?",
            (programme_id, code),
        )
        return as_model(Period, row) if row else None

    async def by_id(self, period_id: int) -> Period | None:
        row = await self.db.fetch_one(f"SELECT {COLUMNS} {_FROM} WHERE p.id = ?", (period_id,))
        return as_model(Period, row) if row else None

    async def find(self, code: str) -> list[Period]:
        """Periods with this code across programmes."""
        rows = await self.db.fetch_all(f"SELECT {COLUMNS} {_FROM} WHERE p.code = ? ORDER BY p.id", (code,))
        return [as_model(Period, row) for row in rows]

    async def all(self, *, state: PeriodState | None = None) -> list[Period]:
        where, parameters = ("WHERE p.state = ?", (state.value,)) if state else ("", ())
        rows = await self.db.fetch_all(
            f"SELECT {COLUMNS} {_FROM} {where} ORDER BY p.starts_on DESC, g.id, p.id", parameters
        )
        return [as_model(Period, row) for row in rows]
