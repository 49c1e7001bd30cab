"""An unusable DATABASE_URL ends in one line naming the path and what to do, within seconds, with no thread
left behind (aiosqlite's worker thread kept a process alive for ever after a failed open)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from storage import DatabaseUnusable, open_storage


def worker_threads() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if thread is not threading.main_thread() and thread.is_alive()}


async def threads_left(before: set[threading.Thread]) -> set[threading.Thread]:
    """Threads started since `before` that are still running a moment later. aiosqlite's close() returns
    when its thread has been told to stop, a hair before the thread has ended; the wait only bounds that."""
    for _ in range(100):
        if not worker_threads() - before:
            break
        await asyncio.sleep(0.01)
    return worker_threads() - before


@pytest.fixture
def not_a_database(tmp_path: Path) -> Path:
    path = tmp_path / "notes.db"
    path.write_bytes(b"This is a spreadsheet export, not SQLite.\n" * 200)
    return path


CASES = {
    "a folder": (lambda tmp: tmp, "is a folder"),
    "under a file": (lambda tmp: Path("/dev/null/chitieu.db"), "cannot create the folder /dev/null"),
    "a read-only file system": (lambda tmp: Path("/sys/chitieu/chitieu.db"), "cannot create the folder /sys/chitieu"),
}


@pytest.mark.parametrize("case", CASES)
async def test_an_unusable_location_is_refused_in_one_line(case: str, tmp_path: Path) -> None:
    make, expected = CASES[case]
    before = worker_threads()
    with pytest.raises(DatabaseUnusable) as caught:
        await asyncio.wait_for(open_storage(make(tmp_path)), 10)
    assert expected in str(caught.value) and "DATABASE_URL" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert await threads_left(before) == set()  # no thread started by the failed open is left running


async def test_a_file_that_is_not_a_database_is_refused_and_left_alone(not_a_database: Path) -> None:
    content = not_a_database.read_bytes()
    before = worker_threads()
    with pytest.raises(DatabaseUnusable) as caught:
        await asyncio.wait_for(open_storage(not_a_database), 10)
    assert str(caught.value).startswith(f"{not_a_database} is not an SQLite database")
    assert await threads_left(before) == set()  # the worker thread is closed: nothing hangs
    assert not_a_database.read_bytes() == content


async def test_a_missing_folder_is_created(tmp_path: Path) -> None:
    storage = await open_storage(tmp_path / "new" / "deeper" / "chitieu.db")
    await storage.close()
    assert (tmp_path / "new" / "deeper" / "chitieu.db").is_file()
