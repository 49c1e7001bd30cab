"""PostgreSQL: the SQL rewritten per dialect, migrations numbered alike, the guarantees under two writers at
once (each a storage of its own, as two processes would have), and the leader lock with a standby."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import services
from storage import Storage, ValueConflict, db, open_storage
from storage.db import available_migrations
from storage.dialect import POSTGRES, SQLITE, numbered, to_postgres
from storage.leader import Leadership, processes, this_process
from storage.postgres import find_program

BOUND = 30  # seconds: bounds a hang, never a measurement


def test_placeholders_are_numbered_outside_literals_and_names() -> None:
    sql = "SELECT '?', \"a?b\", x FROM t WHERE a = ? AND b = 'it''s ?' AND c IN (?, ?)"
    assert numbered(sql) == "SELECT '?', \"a?b\", x FROM t WHERE a = $1 AND b = 'it''s ?' AND c IN ($2, $3)"


def test_sqlite_only_constructs_are_mapped() -> None:
    assert (
        to_postgres("INSERT OR IGNORE INTO t (a) VALUES (?)") == "INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING"
    )
    assert to_postgres("SELECT group_concat(a.code) FROM a") == "SELECT string_agg(a.code, ',') FROM a"
    assert to_postgres("SELECT SUM(status = 'estimate') FROM v") == (
        "SELECT COUNT(*) FILTER (WHERE status = 'estimate') FROM v"
    )


def test_both_dialects_ship_the_same_migration_numbers() -> None:
    """A migration added for one dialect only fails here (storage/migrations/README.md says how to port it)."""
    sqlite = [(version, name) for version, name, _ in available_migrations(SQLITE)]
    postgres = [(version, name) for version, name, _ in available_migrations(POSTGRES)]
    assert sqlite == postgres


async def test_a_database_before_a_gap_in_the_numbers_gets_the_later_migrations(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No 0011 was shipped: a database left at 0010 by the code of then gets 0012, and only it, on both."""
    shipped = db.available_migrations
    monkeypatch.setattr(db, "available_migrations", lambda d=SQLITE: [m for m in shipped(d) if m[0] <= 10])
    await (await open_storage(database_url)).close()
    then = await open_storage(database_url, run_migrations=False)
    try:
        assert await db.schema_version(then.db) == 10
        monkeypatch.setattr(db, "available_migrations", shipped)
        assert await db.migrate(then.db) == ["0012_indicator_judged.sql"]
        assert await db.schema_version(then.db) == 12 == db.shipped_version(then.db.dialect)
        assert await then.db.fetch_all("SELECT judged, since FROM indicators") == []
    finally:
        await then.close()


async def test_a_merger_recorded_before_0009_becomes_a_succession(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """0009 on a database with a merger: the succession is recorded from the agency's own columns, on both."""
    shipped = db.available_migrations
    monkeypatch.setattr(db, "available_migrations", lambda d=SQLITE: [m for m in shipped(d) if m[0] <= 8])
    old = await open_storage(database_url)
    try:
        async with old.db.transaction() as connection:
            for code, successor in (("STC", None), ("SKHDT", "STC")):
                await connection.execute(
                    "INSERT INTO agencies (code, name_vi, name_en, kind, valid_to, status, successor_code)"
                    " VALUES (?, ?, ?, 'department', ?, ?, ?)",
                    (
                        code,
                        code,
                        code,
                        "2025-03-01" if successor else None,
                        "merged" if successor else "active",
                        successor,
                    ),
                )
        monkeypatch.setattr(db, "available_migrations", shipped)
        await db.migrate(old.db)
        successions = await old.db.fetch_all("SELECT predecessor, successor, on_date, event FROM agency_successions")
        assert [tuple(row) for row in successions] == [("SKHDT", "STC", "2025-03-01", "merge")]
    finally:
        await old.close()


@pytest.fixture
async def rival(loaded: Storage) -> Storage:
    """A second storage on the same database: another process's connections."""
    other = await open_storage(loaded.db.url)
    yield other  # type: ignore[misc]
    await other.close()


async def test_two_processes_saving_one_value_at_once_get_one_conflict(loaded: Storage, rival: Storage) -> None:
    period = await services.open_period(loaded, "2025", programme_code="HD-NQ30", deadline=None)

    async def save(storage: Storage, by: int, number: float) -> object:
        try:
            return await storage.values.save(period, "SYT", "hospital_beds", number=number, by=by, expected_version=0)
        except ValueConflict as conflict:
            return conflict

    outcomes = await asyncio.wait_for(asyncio.gather(save(loaded, 11, 7000), save(rival, 12, 7100)), BOUND)
    assert len([outcome for outcome in outcomes if isinstance(outcome, ValueConflict)]) == 1
    history = await loaded.values.history(period_id=period.id, agency_code="SYT", element_code="hospital_beds")
    assert [change.version for change in history] == [1]


async def test_two_processes_see_one_update_once(loaded: Storage, rival: Storage) -> None:
    firsts = await asyncio.wait_for(
        asyncio.gather(*(storage.updates.first_time(update) for update in range(50) for storage in (loaded, rival))),
        BOUND,
    )
    assert sum(firsts) == 50


async def test_two_processes_claim_each_reminder_once(loaded: Storage, rival: Storage) -> None:
    from datetime import timedelta

    period = await services.open_period(loaded, "2025", programme_code="HD-NQ30", deadline=None)
    claims = await asyncio.wait_for(
        asyncio.gather(
            *(
                storage.reminders.claim(period.id, user, "before-7", "before", timedelta(minutes=2))
                for user in range(40)
                for storage in (loaded, rival)
            )
        ),
        BOUND,
    )
    taken = [claim for claim in claims if claim is not None]
    assert sorted(claim.user_id for claim in taken) == list(range(40))


async def test_one_leader_and_a_standby_that_takes_over(postgres_url: str) -> None:
    leader, standby = Leadership(postgres_url), Leadership(postgres_url)
    assert await leader.try_take()
    assert not await Leadership(postgres_url).try_take()
    waiting = asyncio.create_task(standby.take())
    await asyncio.sleep(0.5)  # the standby is blocked in the server, not polling
    assert not waiting.done()
    seen = await processes(postgres_url)
    assert seen.leader == this_process() and seen.standby == [this_process()]
    assert leader._connection is not None
    leader._connection.terminate()  # as a kill -9 leaves it: the socket closes, the server frees the lock
    await asyncio.wait_for(waiting, BOUND)
    assert await standby.still_leading() and not await leader.still_leading()
    assert (await processes(postgres_url)).standby == []
    await standby.release()
    assert (await processes(postgres_url)).leader is None


def test_an_unreachable_server_is_one_line_without_the_password(tmp_path: Path) -> None:
    # The message is checked in English; the command line speaks Vietnamese by default.
    environment = dict(os.environ, DATABASE_URL="postgresql://bot:s3cret@127.0.0.1:1/chitieu", DEFAULT_LOCALE="en")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "period", "list"], env=environment, cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("Database error: cannot connect to the database postgresql://bot:***@127.0.0.1:1/")
    assert len(done.stderr.strip().splitlines()) == 1 and "s3cret" not in done.stderr


async def test_backup_is_a_pg_dump_that_pg_restore_reads(loaded: Storage, tmp_path: Path) -> None:
    if loaded.db.dialect != POSTGRES:
        pytest.skip("SQLite's backup has its own tests (test_storage_concurrency)")
    target = tmp_path / "chitieu.dump"
    await loaded.db.backup(target)
    listing = subprocess.run([find_program("pg_restore") or "pg_restore", "--list", str(target)], capture_output=True)
    assert listing.returncode == 0 and b"TABLE DATA public value_changes" in listing.stdout


def test_pg_dump_gets_the_password_through_its_environment_not_its_command_line() -> None:
    from storage.postgres import _without_password

    assert _without_password("postgresql://chitieu:s%40cret@db.example:5433/chitieu") == (
        "postgresql://chitieu@db.example:5433/chitieu",
        "s@cret",
    )
    assert _without_password("postgresql://chitieu@localhost/chitieu") == (
        "postgresql://chitieu@localhost/chitieu",
        None,
    )
