"""Reported values: the current answer per (period, agency, element) plus an append-only history.

Every write happens in one transaction that re-reads the period's state (a locked period refuses) and the
value's version (a writer who saw an older version gets a ValueConflict instead of overwriting silently).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

import aiosqlite

from bot.domain.aggregation import Figure
from bot.domain.models import (
    Answer,
    Period,
    PeriodState,
    Submission,
    Value,
    ValueChange,
    ValueStatus,
)
from storage.clock import to_text, utcnow
from storage.db import Database, as_model

VALUE_COLUMNS = (
    "v.period_id, v.agency_code, e.code AS element_code, v.answer, v.number, v.text, v.note,"
    " v.status, v.version, v.updated_by, v.updated_at"
)
FIGURE_COLUMNS = "v.agency_code, e.code, v.answer, v.number, v.updated_at, v.text, v.note, v.status, v.updated_by"
CHANGE_COLUMNS = (
    "c.period_id, c.agency_code, e.code AS element_code, c.version, c.old_answer, c.old_number,"
    " c.old_text, c.new_answer, c.new_number, c.new_text, c.note, c.status, c.changed_by,"
    " c.changed_at"
)


T = TypeVar("T")
_PAIR = "(?, CAST(? AS INTEGER))"  # typed: PostgreSQL takes an untyped parameter in VALUES for text


class ElementTotals(NamedTuple):
    """The numbers given for one element in one period, in bulk (see `ValueRepository.element_totals`)."""

    element_code: str
    answered: frozenset[str]  # agency codes as stored, before any roll-up
    total: float
    lowest: float
    highest: float
    statuses: tuple[int, int, int]  # estimates, preliminary, official


class PeriodLocked(RuntimeError):
    """The period is locked: nobody may change its values."""


class ValueConflict(RuntimeError):
    """Someone else changed this value since the writer last saw it."""

    def __init__(self, current: Value) -> None:
        super().__init__(f"value changed by {current.updated_by} (version {current.version})")
        self.current = current


class _Key(NamedTuple):
    """Where one answer is stored: the key of the "values" table."""

    period_id: int
    agency_code: str
    element_id: int


# What a writer gives, as stored: answer, number, text, note, status.
_Answered = tuple[str, float | None, str | None, str | None, str]


def _answered(value: Value) -> _Answered:
    """A stored answer's columns, to tell a repeated answer from a new one."""
    return (value.answer.value, value.number, value.text, value.note, value.status.value)


def _refuse_if_changed(current: Value | None, expected_version: int | None) -> None:
    """The optimistic lock: a writer who saw another version than the stored one (0 for none) gets a
    ValueConflict carrying the current answer; None skips the check."""
    current_version = current.version if current else 0
    if expected_version is not None and expected_version != current_version:
        assert current is not None
        raise ValueConflict(current)


class ValueRepository:
    def __init__(self, database: Database) -> None:
        self.db = database

    async def save(
        self,
        period: Period,
        agency_code: str,
        element_code: str,
        *,
        answer: Answer = Answer.VALUE,
        number: float | None = None,
        text: str | None = None,
        note: str | None = None,
        status: ValueStatus = ValueStatus.PRELIMINARY,
        by: int | None = None,
        expected_version: int | None = None,
        now: datetime | None = None,
    ) -> Value:
        """Write one answer durably. `expected_version` is the version the writer saw (0 for none);
        None skips the check (the CLI, imports)."""
        moment = to_text(now or utcnow())
        given: _Answered = (answer.value, number, text, note, status.value)
        async with self.db.transaction() as connection:
            await self._refuse_if_locked(period, agency_code)
            key = _Key(period.id, agency_code, await self._element_id(period, element_code))
            current = await self._current(*key)
            _refuse_if_changed(current, expected_version)
            if current is not None and _answered(current) == given:
                return current  # the same answer again: no new version, no history row
            version = (current.version if current else 0) + 1
            await self._write_current(connection, key, given, version, by, moment)
            await self._append_change(connection, key, version, current, given, by, moment)
        saved = await self._current(*key)
        assert saved is not None
        return saved

    async def _element_id(self, period: Period, element_code: str) -> int:
        """The id of an element of the period's programme; KeyError for a code it does not have."""
        element = await self.db.fetch_one(
            "SELECT id FROM data_elements WHERE programme_id = ? AND code = ?",
            (period.programme_id, element_code),
        )
        if element is None:
            raise KeyError(element_code)
        return int(element[0])

    @staticmethod
    async def _write_current(
        connection: aiosqlite.Connection,
        key: _Key,
        given: _Answered,
        version: int,
        by: int | None,
        moment: str,
    ) -> None:
        """Insert or replace the current answer at `key`, with its new version."""
        await connection.execute(
            'INSERT INTO "values" (period_id, agency_code, element_id, answer, number, text, note,'
            " status, version, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (period_id, agency_code, element_id) DO UPDATE SET"
            " answer = excluded.answer, number = excluded.number, text = excluded.text,"
            " note = excluded.note, status = excluded.status, version = excluded.version,"
            " updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            (*key, *given, version, by, moment),
        )

    @staticmethod
    async def _append_change(
        connection: aiosqlite.Connection,
        key: _Key,
        version: int,
        old: Value | None,
        given: _Answered,
        by: int | None,
        moment: str,
    ) -> None:
        """Add the history row of a write: the answer it replaced (if any) and the one it gave."""
        await connection.execute(
            "INSERT INTO value_changes (period_id, agency_code, element_id, version, old_answer,"
            " old_number, old_text, new_answer, new_number, new_text, note, status, changed_by,"
            " changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                *key,
                version,
                old.answer.value if old else None,
                old.number if old else None,
                old.text if old else None,
                *given,
                by,
                moment,
            ),
        )

    async def _refuse_if_locked(self, period: Period, agency_code: str | None = None) -> None:
        """Inside a write transaction, so that a lock taken meanwhile counts: the period's state, and whether
        the consolidating agency accepted this agency's report (storage.reviews), are read again."""
        state = await self.db.fetch_one(
            "SELECT state, (SELECT state FROM reviews WHERE period_id = p.id AND agency_code = ?) FROM periods p"
            " WHERE id = ?",
            (agency_code, period.id),
        )
        if state is None or state[0] == PeriodState.LOCKED.value or state[1] == "accepted":
            raise PeriodLocked(period.code)

    async def _current(self, period_id: int, agency_code: str, element_id: int) -> Value | None:
        row = await self.db.fetch_one(
            f'SELECT {VALUE_COLUMNS} FROM "values" v JOIN data_elements e ON e.id = v.element_id'
            " WHERE v.period_id = ? AND v.agency_code = ? AND v.element_id = ?",
            (period_id, agency_code, element_id),
        )
        return as_model(Value, row) if row else None

    async def for_agency(self, period_id: int, agency_code: str) -> dict[str, Value]:
        rows = await self.db.fetch_all(
            f'SELECT {VALUE_COLUMNS} FROM "values" v JOIN data_elements e ON e.id = v.element_id'
            " WHERE v.period_id = ? AND v.agency_code = ?",
            (period_id, agency_code),
        )
        return {row["element_code"]: as_model(Value, row) for row in rows}

    async def import_numbers(
        self, period: Period, rows: list[tuple[str, str, float]], by: int | None = None, now: datetime | None = None
    ) -> int:
        """Bulk-load (agency, element, number) figures into an unlocked period that has none of them yet, with
        their history rows: for historical data and benchmarks. Returns how many were written."""
        moment = to_text(now or utcnow())
        elements = {
            row[0]: row[1]
            for row in await self.db.fetch_all(
                "SELECT code, id FROM data_elements WHERE programme_id = ?", (period.programme_id,)
            )
        }
        records = [(period.id, agency, elements[code], number, by, moment) for agency, code, number in rows]
        async with self.db.transaction() as connection:
            await self._refuse_if_locked(period)
            await connection.executemany(
                'INSERT INTO "values" (period_id, agency_code, element_id, answer, number, version, updated_by,'
                " updated_at) VALUES (?, ?, ?, 'value', ?, 1, ?, ?)",
                records,
            )
            await connection.executemany(
                "INSERT INTO value_changes (period_id, agency_code, element_id, version, new_answer, new_number,"
                " status, changed_by, changed_at) VALUES (?, ?, ?, 1, 'value', ?, 'preliminary', ?, ?)",
                records,
            )
        return len(records)

    async def figures(
        self, period_id: int, elements: Collection[str] | None = None, *, reader: int | None = None
    ) -> list[Figure]:
        """A period's answers as light rows, in one query, all or those of some elements: for details and
        exports, and for aggregating the rare elements that totals cannot (see bot.services.summary)."""
        chosen = ""
        if elements is not None:
            chosen = f" AND e.code IN ({', '.join('?' * len(elements))})"
        rows = await self.db.fetch_all(
            f'SELECT {FIGURE_COLUMNS} FROM "values" v JOIN data_elements e ON e.id = v.element_id'
            f" WHERE v.period_id = ?{chosen} ORDER BY v.agency_code, e.position",
            (period_id, *(elements or ())),
            reader=reader,
        )
        return [Figure(*row) for row in rows]

    async def figures_of(
        self, period_id: int, pairs: Collection[tuple[str, str]], *, reader: int | None = None
    ) -> list[Figure]:
        """The answers of some (agency code, element code) pairs of a period, each found through the key."""
        ids = await self._element_ids(period_id, reader=reader)
        keys = sorted((agency, ids[code]) for agency, code in pairs if code in ids)
        found: list[Figure] = []
        chunk = 5000  # two parameters a pair, well under SQLite's limit of 32,766
        for start in range(0, len(keys), chunk):
            part = keys[start : start + chunk]
            rows = await self.db.fetch_all(
                f"WITH wanted (agency_code, element_id) AS (VALUES {', '.join([_PAIR] * len(part))})"
                f' SELECT {FIGURE_COLUMNS} FROM wanted w JOIN "values" v ON v.period_id = ?'
                " AND v.agency_code = w.agency_code AND v.element_id = w.element_id"
                " JOIN data_elements e ON e.id = v.element_id",
                (*(item for key in part for item in key), period_id),
                reader=reader,
            )
            found += (Figure(*row) for row in rows)
        return found

    async def element_totals(
        self, period_id: int, build: Callable[[ElementTotals], T], *, reader: int | None = None
    ) -> list[T]:
        """Per element, who gave a number in the period and the totals of those numbers: one GROUP BY over
        the period's rows, the whole of what a summary reads in bulk. Each row is handed to `build` in the
        connection's own thread (`reader` names a read-only connection), so that several periods are read
        and built side by side."""
        codes = {element_id: code for code, element_id in (await self._element_ids(period_id, reader=reader)).items()}

        def make(_: sqlite3.Cursor, row: tuple[Any, ...]) -> T:
            element_id, answered, total, lowest, highest, estimates, preliminary, count = row
            return build(
                ElementTotals(
                    element_code=codes[element_id],
                    answered=frozenset(answered.split(",")),  # agency codes cannot contain a comma
                    total=total,
                    lowest=lowest,
                    highest=highest,
                    statuses=(estimates, preliminary, count - estimates - preliminary),
                )
            )

        return await self.db.fetch_all_as(
            make,
            "SELECT element_id, group_concat(agency_code), SUM(number), MIN(number), MAX(number),"
            " SUM(status = 'estimate'), SUM(status = 'preliminary'), COUNT(*)"
            " FROM \"values\" WHERE period_id = ? AND answer = 'value' AND number IS NOT NULL GROUP BY element_id",
            (period_id,),
            reader=reader,
        )

    async def _element_ids(self, period_id: int, *, reader: int | None = None) -> dict[str, int]:
        """Element code -> id, for the programme of a period."""
        rows = await self.db.fetch_all(
            "SELECT e.code, e.id FROM data_elements e JOIN periods p ON p.programme_id = e.programme_id WHERE p.id = ?",
            (period_id,),
            reader=reader,
        )
        return {row[0]: row[1] for row in rows}

    async def not_numbers(self, period_ids: Collection[int]) -> list[tuple[int, Figure]]:
        """The answers that are not numbers (not applicable, skipped), through their small partial index."""
        rows = await self.db.fetch_all(
            f'SELECT v.period_id, {FIGURE_COLUMNS} FROM "values" v JOIN data_elements e ON e.id = v.element_id'
            f" WHERE v.period_id IN ({', '.join('?' * len(period_ids))}) AND v.answer <> 'value'",
            tuple(period_ids),
        )
        return [(row[0], Figure(*row[1:])) for row in rows]

    async def notes(self, period_id: int) -> list[Figure]:
        """The answers of a period that carry a note, through their small partial index."""
        rows = await self.db.fetch_all(
            f'SELECT {FIGURE_COLUMNS} FROM "values" v JOIN data_elements e ON e.id = v.element_id'
            " WHERE v.period_id = ? AND v.note IS NOT NULL",
            (period_id,),
        )
        # Sorted here: an ORDER BY would lead SQLite to walk the whole period in key order instead.
        return sorted((Figure(*row) for row in rows), key=lambda figure: figure.agency_code)

    async def for_period(self, period_id: int) -> list[Value]:
        rows = await self.db.fetch_all(
            f'SELECT {VALUE_COLUMNS} FROM "values" v JOIN data_elements e ON e.id = v.element_id'
            " WHERE v.period_id = ? ORDER BY v.agency_code, e.position",
            (period_id,),
        )
        return [as_model(Value, row) for row in rows]

    async def history(
        self,
        *,
        period_id: int | None = None,
        agency_code: str | None = None,
        element_code: str | None = None,
    ) -> list[ValueChange]:
        clauses, parameters = [], []
        for column, value in (
            ("c.period_id", period_id),
            ("c.agency_code", agency_code),
            ("e.code", element_code),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                parameters.append(value)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = await self.db.fetch_all(
            f"SELECT {CHANGE_COLUMNS} FROM value_changes c JOIN data_elements e"
            f" ON e.id = c.element_id {where} ORDER BY c.id",
            tuple(parameters),
        )
        return [as_model(ValueChange, row) for row in rows]

    async def submit(
        self, period: Period, agency_code: str, by: int | None, now: datetime, on_time: bool
    ) -> Submission:
        """Mark the agency's report complete; a resubmission keeps the first timestamp."""
        async with self.db.transaction() as connection:
            await self._refuse_if_locked(period, agency_code)
            await connection.execute(
                "INSERT OR IGNORE INTO submissions (period_id, agency_code, submitted_at,"
                " submitted_by, on_time) VALUES (?, ?, ?, ?, ?)",
                (period.id, agency_code, to_text(now), by, int(on_time)),
            )
        submission = await self.submission(period.id, agency_code)
        assert submission is not None
        return submission

    async def submission(self, period_id: int, agency_code: str) -> Submission | None:
        row = await self.db.fetch_one(
            "SELECT period_id, agency_code, submitted_at, submitted_by, on_time FROM submissions"
            " WHERE period_id = ? AND agency_code = ?",
            (period_id, agency_code),
        )
        return as_model(Submission, row) if row else None

    async def submissions(self, period_id: int) -> dict[str, Submission]:
        rows = await self.db.fetch_all(
            "SELECT period_id, agency_code, submitted_at, submitted_by, on_time FROM submissions WHERE period_id = ?",
            (period_id,),
        )
        return {row["agency_code"]: as_model(Submission, row) for row in rows}
