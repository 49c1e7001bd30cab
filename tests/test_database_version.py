"""A database written by a newer version of the bot is refused, untouched: in code, by `db migrate` and by
`python -m bot run`, each with one line that names both schema versions."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from bot.sandbox import BotApiServer
from storage import DatabaseTooNew, DatabaseUnusable, open_storage
from storage.db import available_migrations, shipped_version

FUTURE = 9999


async def _written_by_a_newer_bot(path: Path) -> bytes:
    """A real database file at `path`, migrated and then marked with a schema version past this code's;
    its bytes once closed."""
    storage = await open_storage(path)
    await storage.db.connection.execute(
        "INSERT INTO schema_version (version, applied_at) VALUES (?, '2031-01-01 00:00:00')", (FUTURE,)
    )
    await storage.close()
    assert not path.with_name(path.name + "-wal").exists()  # everything is in the file itself
    return path.read_bytes()


def _rows(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return list(connection.iterdump())


def test_the_shipped_version_is_the_last_migration() -> None:
    assert shipped_version() == available_migrations()[-1][0] > 0


async def test_a_newer_database_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    before = await _written_by_a_newer_bot(path)
    rows = _rows(path)
    with pytest.raises(DatabaseTooNew) as caught:
        await open_storage(path)
    message = str(caught.value)
    assert "written by a newer version of the bot" in message
    assert f"schema version {FUTURE}" in message and f"knows up to {shipped_version()}" in message
    assert "Upgrade the bot, or restore a backup" in message and str(path) in message
    assert "\n" not in message
    assert (caught.value.found, caught.value.shipped) == (FUTURE, shipped_version())
    assert isinstance(caught.value, DatabaseUnusable)  # what the command line prints as one line
    assert path.read_bytes() == before
    assert _rows(path) == rows


async def test_a_database_at_the_shipped_version_opens(tmp_path: Path) -> None:
    path = tmp_path / "same.db"
    storage = await open_storage(path)
    await storage.close()
    storage = await open_storage(path)
    await storage.close()


def _environment(path: Path, **more: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "ADMIN_", "DATABASE_"))}
    return environment | {"DATABASE_URL": str(path), "DEFAULT_LOCALE": "en"} | more  # messages checked in English


async def _run(arguments: list[str], environment: dict[str, str], cwd: Path) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *arguments,
        env=environment,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, stderr.decode()


async def test_db_migrate_refuses_a_newer_database_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    before = await _written_by_a_newer_bot(path)
    code, stderr = await _run(["db", "migrate"], _environment(path), tmp_path)
    assert code == 2, stderr
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1].startswith("Database error: the database")
    assert f"schema version {FUTURE}" in stderr and "written by a newer version of the bot" in stderr
    assert path.read_bytes() == before


async def test_a_backup_of_a_newer_database_is_still_possible(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    before = await _written_by_a_newer_bot(path)
    code, stderr = await _run(["db", "backup", str(tmp_path / "copy.db")], _environment(path), tmp_path)
    assert code == 0, stderr
    assert _rows(tmp_path / "copy.db") == _rows(path)
    assert path.read_bytes() == before


async def test_the_bot_refuses_to_start_on_a_newer_database(server: BotApiServer, tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    before = await _written_by_a_newer_bot(path)
    environment = _environment(path, BOT_TOKEN=server.token, BOT_API_URL=server.api_url)
    code, stderr = await _run(["run"], environment, tmp_path)
    assert code == 2, stderr
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1].startswith("Database error: the database")
    assert f"knows up to {shipped_version()}" in stderr
    assert path.read_bytes() == before


async def test_other_commands_refuse_a_newer_database_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    before = await _written_by_a_newer_bot(path)
    code, stderr = await _run(["init"], _environment(path), tmp_path)
    assert path.read_bytes() == before
    assert "Traceback" not in stderr
    assert code == 2 and stderr.strip().splitlines()[-1].startswith("Database error: the database")
