"""Review states of reports (accepted, returned) and their append-only history.

Each decision is one transaction that re-reads what it decides on: a report is accepted or returned only
while it is submitted, so two admins pressing at once cannot both act. Returning deletes the agency's
submission row, which is what makes the report owed again everywhere (reminders, /status, the summary);
the first submission's timeliness is kept in the review and given back when the agency resubmits.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.domain.models import Period, ValueChange
from bot.domain.review import Review, ReviewState
from storage.clock import to_text
from storage.db import Database, as_model
from storage.values import CHANGE_COLUMNS

COLUMNS = "period_id, agency_code, state, reason, seen_change, changed_by"


class ReviewRefused(RuntimeError):
    """The report is not in a state that allows this decision (not submitted, or already accepted)."""


class ReviewRepository:
    def __init__(self, database: Database) -> None:
        self.db = database

    async def get(self, period_id: int, agency_code: str) -> Review | None:
        row = await self.db.fetch_one(
            f"SELECT {COLUMNS} FROM reviews WHERE period_id = ? AND agency_code = ?", (period_id, agency_code)
        )
        return as_model(Review, row) if row else None

    async def for_period(self, period_id: int) -> dict[str, Review]:
        rows = await self.db.fetch_all(f"SELECT {COLUMNS} FROM reviews WHERE period_id = ?", (period_id,))
        return {row["agency_code"]: as_model(Review, row) for row in rows}

    async def accept(self, period: Period, agency_code: str, by: int, now: datetime) -> None:
        """Accept a submitted report: its figures are locked for that agency (storage.values refuses writes)."""
        async with self.db.transaction() as connection:
            current = await self._submitted_state(period.id, agency_code)
            if current is ReviewState.ACCEPTED:
                raise ReviewRefused("already accepted")
            await self._set(connection, period.id, agency_code, ReviewState.ACCEPTED, None, by, now)
            await self._log(connection, period.id, agency_code, current, "accepted", None, by, now)

    async def give_back(self, period: Period, agency_code: str, reason: str, by: int, now: datetime) -> None:
        """Return a submitted report with a reason: the submission is withdrawn, so the report is owed again."""
        async with self.db.transaction() as connection:
            current = await self._submitted_state(period.id, agency_code)
            if current is ReviewState.ACCEPTED:
                raise ReviewRefused("accepted: unlock it first")
            row = await self.db.fetch_one(
                "SELECT on_time FROM submissions WHERE period_id = ? AND agency_code = ?", (period.id, agency_code)
            )
            await self._set(connection, period.id, agency_code, ReviewState.RETURNED, reason, by, now)
            await connection.execute(
                "UPDATE reviews SET first_on_time = coalesce(first_on_time, ?) WHERE period_id = ? AND agency_code = ?",
                (row[0] if row else None, period.id, agency_code),
            )
            await connection.execute(
                "DELETE FROM submissions WHERE period_id = ? AND agency_code = ?", (period.id, agency_code)
            )
            await self._log(connection, period.id, agency_code, current, "returned", reason, by, now)

    async def resubmitted(self, period: Period, agency_code: str, by: int, now: datetime) -> bool:
        """After a submission: a returned report is waiting for review again, and keeps its first submission's
        timeliness (being returned does not make an agency late). True if it had been returned."""
        async with self.db.transaction() as connection:
            review = await self.get(period.id, agency_code)
            if review is None or review.state is not ReviewState.RETURNED:
                return False
            await connection.execute(
                "UPDATE submissions SET on_time = coalesce((SELECT first_on_time FROM reviews r"
                " WHERE r.period_id = submissions.period_id AND r.agency_code = submissions.agency_code), on_time)"
                " WHERE period_id = ? AND agency_code = ?",
                (period.id, agency_code),
            )
            await self._set(connection, period.id, agency_code, ReviewState.SUBMITTED, review.reason, by, now)
            await self._log(connection, period.id, agency_code, ReviewState.RETURNED, "resubmitted", None, by, now)
            return True

    async def unlock(self, period: Period, agency_code: str, by: int, now: datetime) -> None:
        """Unlock an accepted report (logged): back to waiting for review, its figures writable again."""
        async with self.db.transaction() as connection:
            review = await self.get(period.id, agency_code)
            if review is None or review.state is not ReviewState.ACCEPTED:
                raise ReviewRefused("not accepted")
            await self._set(connection, period.id, agency_code, ReviewState.SUBMITTED, None, by, now)
            await self._log(connection, period.id, agency_code, ReviewState.ACCEPTED, "unlocked", None, by, now)

    async def mark_seen(self, period_id: int, agency_code: str, change_id: int, now: datetime) -> None:
        """Remember the last change an admin has seen of this report ("changes since the last look")."""
        async with self.db.transaction() as connection:
            await connection.execute(
                "INSERT INTO reviews (period_id, agency_code, state, seen_change, changed_at)"
                " VALUES (?, ?, 'submitted', ?, ?) ON CONFLICT (period_id, agency_code)"
                " DO UPDATE SET seen_change = CASE WHEN excluded.seen_change > reviews.seen_change"
                " THEN excluded.seen_change ELSE reviews.seen_change END",  # max(a, b) is SQLite's alone
                (period_id, agency_code, change_id, to_text(now)),
            )

    async def changes_after(self, period_id: int, agency_code: str, after: int) -> tuple[list[ValueChange], int]:
        """The history rows of one report after change id `after`, and the latest id of all (0 for none)."""
        rows = await self.db.fetch_all(
            f"SELECT c.id, {CHANGE_COLUMNS} FROM value_changes c JOIN data_elements e ON e.id = c.element_id"
            " WHERE c.period_id = ? AND c.agency_code = ? AND c.id > ? ORDER BY c.id",
            (period_id, agency_code, after),
        )
        latest = await self.db.fetch_one(
            "SELECT coalesce(max(id), 0) FROM value_changes WHERE period_id = ? AND agency_code = ?",
            (period_id, agency_code),
        )
        return [as_model(ValueChange, row) for row in rows], int(latest[0]) if latest else 0

    async def events(self, period_id: int, agency_code: str) -> list[tuple[str, str | None, int | None, str]]:
        """The report's review history, oldest first: (new state, reason, by, when)."""
        rows = await self.db.fetch_all(
            "SELECT new_state, reason, changed_by, changed_at FROM review_events"
            " WHERE period_id = ? AND agency_code = ? ORDER BY id",
            (period_id, agency_code),
        )
        return [(row[0], row[1], row[2], row[3]) for row in rows]

    async def _submitted_state(self, period_id: int, agency_code: str) -> ReviewState | None:
        """Inside a transaction: the review state of a report that is submitted; ReviewRefused if it is not."""
        submitted = await self.db.fetch_one(
            "SELECT 1 FROM submissions WHERE period_id = ? AND agency_code = ?", (period_id, agency_code)
        )
        if submitted is None:
            raise ReviewRefused("not submitted")
        review = await self.get(period_id, agency_code)
        return review.state if review else None

    @staticmethod
    async def _set(
        connection: aiosqlite.Connection,
        period_id: int,
        agency_code: str,
        state: ReviewState,
        reason: str | None,
        by: int,
        now: datetime,
    ) -> None:
        await connection.execute(
            "INSERT INTO reviews (period_id, agency_code, state, reason, changed_by, changed_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (period_id, agency_code) DO UPDATE SET"
            " state = excluded.state, reason = excluded.reason, changed_by = excluded.changed_by,"
            " changed_at = excluded.changed_at",
            (period_id, agency_code, state.value, reason, by, to_text(now)),
        )

    @staticmethod
    async def _log(
        connection: aiosqlite.Connection,
        period_id: int,
        agency_code: str,
        old: ReviewState | None,
        new: str,
        reason: str | None,
        by: int,
        now: datetime,
    ) -> None:
        await connection.execute(
            "INSERT INTO review_events (period_id, agency_code, old_state, new_state, reason, changed_by, changed_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (period_id, agency_code, old.value if old else None, new, reason, by, to_text(now)),
        )
