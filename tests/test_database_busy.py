"""A write transaction waits for another process's instead of failing with "database is locked", on real
SQLite files opened twice, as two processes would."""

from __future__ import annotations

import asyncio
from pathlib import Path

from storage.db import Database


async def test_a_write_waits_for_a_rival_while_a_read_is_half_done(tmp_path: Path) -> None:
    """The cause of "database is locked" in the claim: another coroutine's read had run its execute but not
    yet its fetch, so SQLite refused BEGIN IMMEDIATE at once instead of waiting for the rival writer."""
    path = tmp_path / "busy.db"
    ours, rival = await Database.open(path), await Database.open(path)
    try:
        await ours.connection.execute("CREATE TABLE t (x INTEGER)")
        await ours.connection.execute("INSERT INTO t VALUES (1), (2), (3)")
        half_done = await ours.connection.execute("SELECT x FROM t")  # a read whose fetch has not run yet
        async with rival.transaction() as connection:
            await connection.execute("INSERT INTO t VALUES (4)")

            async def write() -> None:
                async with ours.transaction() as mine:
                    await mine.execute("INSERT INTO t VALUES (5)")

            writing = asyncio.create_task(write())
            await asyncio.sleep(0.2)
            assert not writing.done()  # waiting, not failed
            assert len(list(await half_done.fetchall())) == 3  # the read finishes, as its coroutine would
            await half_done.close()
        await asyncio.wait_for(writing, 30)
        assert (await ours.fetch_one("SELECT count(*) FROM t"))[0] == 5  # type: ignore[index]
    finally:
        await ours.close()
        await rival.close()


async def test_a_write_outwaits_a_rival_that_holds_the_lock_past_the_busy_timeout(tmp_path: Path) -> None:
    path = tmp_path / "long.db"
    ours, rival = await Database.open(path), await Database.open(path)
    try:
        await ours.connection.execute("PRAGMA busy_timeout = 20")  # SQLite alone would give up after 20 ms
        await ours.connection.execute("CREATE TABLE t (x INTEGER)")
        async with rival.transaction() as connection:
            await connection.execute("INSERT INTO t VALUES (1)")

            async def write() -> None:
                async with ours.transaction() as mine:
                    await mine.execute("INSERT INTO t VALUES (2)")

            writing = asyncio.create_task(write())
            await asyncio.sleep(0.5)
            assert not writing.done()
        await asyncio.wait_for(writing, 30)
        assert (await ours.fetch_one("SELECT count(*) FROM t"))[0] == 2  # type: ignore[index]
    finally:
        await ours.close()
        await rival.close()
