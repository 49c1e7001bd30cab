"""Storage under concurrent tasks, as the bot runs it now that several users' updates are handled at once:
a read beside another task's open transaction sees only what is committed, a read inside a transaction
sees its writes, and two focal points saving one value at once still get the conflict, not an overwrite.

The transaction is held open with an event, so the tests assert what a read saw while it was open, never
how long anything took.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from bot import services
from bot.domain.models import PeriodState
from bot.domain.periods import parse_period
from storage import PeriodError, Storage, ValueConflict, open_storage
from storage.clock import to_text, utcnow

BOUND = 30.0  # seconds: only to end a hung test


async def add_user(connection: object, telegram_id: int) -> None:
    await connection.execute(  # type: ignore[attr-defined]
        "INSERT INTO users (telegram_id, full_name, created_at) VALUES (?, 'Lan', ?)", (telegram_id, to_text(utcnow()))
    )


class OpenTransaction:
    """A task that writes a user inside a transaction and keeps it open until released (or fails it)."""

    def __init__(self, storage: Storage, telegram_id: int, *, fail: bool = False) -> None:
        self.opened, self.release = asyncio.Event(), asyncio.Event()
        self.task = asyncio.create_task(self._run(storage, telegram_id, fail))

    async def _run(self, storage: Storage, telegram_id: int, fail: bool) -> None:
        async with storage.db.transaction() as connection:
            await add_user(connection, telegram_id)
            self.opened.set()
            await self.release.wait()
            if fail:
                raise RuntimeError("the write fails after all")

    async def __aenter__(self) -> OpenTransaction:
        await asyncio.wait_for(self.opened.wait(), BOUND)
        return self

    async def __aexit__(self, *_: object) -> None:
        self.release.set()
        await asyncio.wait_for(asyncio.gather(self.task, return_exceptions=True), BOUND)


@pytest.fixture
async def memory() -> AsyncIterator[Storage]:
    opened = await open_storage(Path(":memory:"))
    yield opened
    await opened.close()


async def test_a_read_beside_an_open_transaction_sees_only_what_is_committed(storage: Storage) -> None:
    async with OpenTransaction(storage, 501):
        # Returns while the other transaction is still open: reads do not wait for writers.
        assert await asyncio.wait_for(storage.users.get(501), BOUND) is None
        assert await storage.db.fetch_all("SELECT telegram_id FROM users WHERE telegram_id = 501") == []
    user = await storage.users.get(501)
    assert user is not None and user.full_name == "Lan"  # committed: the very next read sees it


async def test_a_read_never_sees_a_write_that_is_rolled_back(storage: Storage) -> None:
    async with OpenTransaction(storage, 502, fail=True) as failing:
        assert await storage.users.get(502) is None
    assert isinstance(failing.task.exception(), RuntimeError)
    assert await storage.users.get(502) is None


async def test_in_memory_a_read_waits_for_the_open_transaction(memory: Storage) -> None:
    """One connection only: a read waits for the transaction to end instead of reading inside it, so it
    sees neither a write that is then rolled back, nor half of one that commits."""
    async with OpenTransaction(memory, 503, fail=True):
        read = asyncio.create_task(memory.users.get(503))
        for _ in range(20):
            await asyncio.sleep(0)  # every chance to run; it must still be waiting
        assert not read.done()
    assert await asyncio.wait_for(read, BOUND) is None  # read after the rollback
    async with OpenTransaction(memory, 503):
        read = asyncio.create_task(memory.users.get(503))
    assert await asyncio.wait_for(read, BOUND) is not None  # read after the commit


async def test_reads_inside_a_transaction_see_its_own_writes(storage: Storage, memory: Storage) -> None:
    for opened in (storage, memory):
        async with opened.db.transaction() as connection:
            await add_user(connection, 504)
            assert await opened.users.get(504) is not None
            assert len(await opened.db.fetch_all("SELECT 1 FROM users WHERE telegram_id = 504")) == 1


async def test_a_transaction_inside_a_transaction_is_refused_not_hung(storage: Storage) -> None:
    async with storage.db.transaction():
        with pytest.raises(RuntimeError, match="inside a transaction"):
            async with asyncio.timeout(BOUND), storage.db.transaction():  # the same task: no wait_for
                pass
    await storage.users.set_locale(1, "vi")  # the lock was let go


async def test_a_write_slipped_into_a_read_is_refused(storage: Storage) -> None:
    with pytest.raises((sqlite3.OperationalError, asyncpg.ReadOnlySQLTransactionError), match=r"read-?only"):
        await storage.db.fetch_all("DELETE FROM users")


@pytest.mark.sqlite_only  # PostgreSQL's backup is pg_dump's (tests/test_postgres.py)
async def test_a_backup_holds_what_is_committed_only(storage: Storage, tmp_path: Path) -> None:
    await storage.users.ensure_admins([900])
    async with OpenTransaction(storage, 505):
        await asyncio.wait_for(storage.db.backup(tmp_path / "copy.db"), BOUND)
    copy = sqlite3.connect(tmp_path / "copy.db")
    try:
        assert copy.execute("SELECT telegram_id FROM users ORDER BY telegram_id").fetchall() == [(900,)]
    finally:
        copy.close()


async def test_two_focal_points_saving_one_value_at_once_get_one_conflict(loaded: Storage) -> None:
    period = await services.open_period(loaded, "2025", programme_code="HD-NQ30", deadline=None)

    async def save(by: int, number: float) -> object:
        try:
            return await loaded.values.save(period, "SYT", "hospital_beds", number=number, by=by, expected_version=0)
        except ValueConflict as conflict:
            return conflict

    outcomes = await asyncio.wait_for(asyncio.gather(save(11, 7000), save(12, 7100)), BOUND)
    conflicts = [outcome for outcome in outcomes if isinstance(outcome, ValueConflict)]
    assert len(conflicts) == 1  # the second writer is told, never overwrites silently
    stored = (await loaded.values.for_agency(period.id, "SYT"))["hospital_beds"]
    assert stored.version == 1 and conflicts[0].current == stored


async def test_many_tasks_reading_and_writing_at_once(loaded: Storage) -> None:
    period = await services.open_period(loaded, "2025", programme_code="HD-NQ30", deadline=None)
    agencies = [agency.code for agency in await loaded.agencies.all()]
    elements = ["hospital_beds", "doctors"]

    async def one_user(n: int, agency: str) -> None:
        assert await loaded.updates.first_time(10_000 + n)
        await loaded.users.ensure_admins([2000 + n])
        for element in elements:
            saved = await loaded.values.save(period, agency, element, number=n, by=2000 + n, expected_version=0)
            assert saved.number == n and (await loaded.users.get(2000 + n)) is not None

    await asyncio.wait_for(asyncio.gather(*(one_user(n, code) for n, code in enumerate(agencies))), BOUND)
    rows = await loaded.db.fetch_all('SELECT agency_code, number FROM "values" WHERE period_id = ?', (period.id,))
    expected = [(code, n) for n, code in enumerate(agencies) for _ in elements]
    assert len(agencies) > 10 and sorted((row[0], row[1]) for row in rows) == sorted(expected)


async def test_a_period_change_logs_the_state_it_really_had_and_a_lock_is_never_undone(loaded: Storage) -> None:
    period = await services.open_period(loaded, "2025", programme_code="HD-NQ30", deadline=None)
    stale = period  # an admin's copy, taken while the period was open
    await loaded.periods.set_state(period, PeriodState.LOCKED, by=1)  # another admin locks it meanwhile
    await loaded.periods.set_state(stale, PeriodState.CLOSED, by=2)
    rows = await loaded.db.fetch_all("SELECT old_state, new_state, changed_by FROM period_events ORDER BY id")
    assert [tuple(row) for row in rows][-2:] == [("open", "locked", 1), ("locked", "closed", 2)]
    await loaded.periods.set_state(stale, PeriodState.LOCKED, by=1)
    with pytest.raises(PeriodError):  # reopening reads the state in its transaction: locked stays locked
        await loaded.periods.open(period.programme_id, parse_period("2025"), period.deadline, by=2)
    current = await loaded.periods.by_id(period.id)
    assert current is not None and current.state is PeriodState.LOCKED


async def test_two_admins_merging_one_agency_at_once_merge_it_once(loaded: Storage) -> None:
    from datetime import date

    from storage import AgencyError

    results = await asyncio.gather(
        loaded.agencies.merge(["SKHDT"], "STC", date(2025, 3, 1)),
        loaded.agencies.merge(["SKHDT"], "SNV", date(2025, 3, 1)),
        return_exceptions=True,
    )
    assert sum(isinstance(result, AgencyError) for result in results) == 1
    merged = await loaded.agencies.get("SKHDT")
    assert merged is not None and merged.successor_code == ("STC" if results[0] is None else "SNV")
