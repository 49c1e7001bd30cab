"""The SQLite connection: durable settings, explicit write transactions and numbered migrations.

These are official figures, so the database runs with WAL and `synchronous=FULL`: a value the bot has
acknowledged survives a power cut. Writes go through `transaction()`, which starts with `BEGIN IMMEDIATE`
so that two writers never discover a conflict halfway through.

The bot handles many users' updates at once (bot.ordering), so while one task is inside a transaction on
the main connection, others read. A read outside the transaction must not run on that connection: it would
see rows that may yet be rolled back. So reads go to read-only connections, which WAL lets see exactly
what is committed (a transaction that returned is visible to the next read); a read inside the task's
own transaction stays on the main connection, where it sees the transaction's writes and is part of its
check-then-write. A database without WAL (in memory) has one connection only: its reads wait for the
write lock.

PostgreSQL (storage.postgres) wears the same face: `PostgresDatabase` overrides what differs, and
`dialect` says which one a migration or a dialect-specific query is for.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar, cast

import aiosqlite
from pydantic import BaseModel

from storage.dialect import POSTGRES, SQLITE

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
LOCK_WAIT_SECONDS = 60.0  # how long a write waits for rival writers in all before it gives up
READERS = 2  # a summary reads two periods side by side
# Connections for everyday reads, opened as needed: a long read (an admin's export) takes one while the
# users' small reads go on on the others. Each has a thread, and SQLite lets go of the GIL while it steps.
READ_POOL = 3
T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class DatabaseUnusable(Exception):
    """The database cannot be used as configured. The message is one line for the operator: what is wrong
    with which path, and what to do; the command line prints it and exits 2."""


class DatabaseTooNew(DatabaseUnusable):
    """The database has migrations this code does not ship: a newer version of the bot wrote it, and this one
    could misread it or write what the newer one no longer expects. Raised before anything in it changes."""

    def __init__(self, path: Path, found: int, shipped: int) -> None:
        super().__init__(
            f"the database {path} was written by a newer version of the bot (schema version {found}; this"
            f" version knows up to {shipped}). Upgrade the bot, or restore a backup made by this version."
        )
        self.path = path
        self.found = found
        self.shipped = shipped


class Database:
    """One aiosqlite connection for writes, with a lock that serialises this process's write transactions;
    up to `READ_POOL` read-only connections for everyday reads; and `READERS` more for long reads that
    should run beside them and each other (`reader=0`, `reader=1`). All opened on first use."""

    dialect = SQLITE

    def __init__(self, connection: aiosqlite.Connection, path: Path, *, wal: bool = True) -> None:
        self.connection = connection
        self.path = path
        self.url = f"sqlite:///{path}"
        self.wal = wal  # False: no read connection can see this database (in memory); reads take the lock
        self._write_lock = asyncio.Lock()
        self._writer: asyncio.Task[Any] | None = None  # the task inside transaction()
        self._readers: dict[int, aiosqlite.Connection] = {}
        self._readers_lock = asyncio.Lock()
        self._pool: list[aiosqlite.Connection] = []
        self._idle: list[aiosqlite.Connection] = []
        self._pool_slots = asyncio.Semaphore(READ_POOL)

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open (or create) the database file; DatabaseUnusable, with no thread left behind, if it cannot be."""
        if str(path) != ":memory:":
            _check_location(path)
        try:
            connection = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as error:
            raise DatabaseUnusable(_explain(path, error)) from None
        try:
            connection.row_factory = aiosqlite.Row
            await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            async with connection.execute("PRAGMA journal_mode = WAL") as cursor:
                mode = await cursor.fetchone()
            await connection.execute("PRAGMA synchronous = FULL")
            await connection.execute("PRAGMA foreign_keys = ON")
            await connection.execute("SELECT count(*) FROM sqlite_master")  # reads the header: is it a database?
        except sqlite3.Error as error:
            await connection.close()  # aiosqlite's thread would otherwise keep the process alive for ever
            raise DatabaseUnusable(_explain(path, error)) from None
        return cls(connection, path, wal=mode is not None and str(mode[0]).lower() == "wal")

    async def close(self) -> None:
        for reader in [*self._readers.values(), *self._pool]:
            await reader.close()
        await self.connection.close()

    async def _open_reader(self) -> aiosqlite.Connection:
        connection = await aiosqlite.connect(self.path, isolation_level=None)
        connection.row_factory = aiosqlite.Row
        await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await connection.execute("PRAGMA query_only = ON")  # a write slipped into a read fails loudly
        return connection

    async def _reader(self, reader: int) -> aiosqlite.Connection:
        """Read-only connection number `reader` (modulo READERS): each has its own thread, so long queries
        on different ones use different cores."""
        number = reader % READERS
        async with self._readers_lock:
            if number not in self._readers:
                self._readers[number] = await self._open_reader()
            return self._readers[number]

    @asynccontextmanager
    async def _reading(self, reader: int | None) -> AsyncIterator[aiosqlite.Connection]:
        """The connection a read runs on: the main one inside this task's own transaction; the main one
        between transactions when there is no WAL; else reader number `reader`, or a pooled one."""
        if self._writer is not None and self._writer is asyncio.current_task():
            yield self.connection
        elif not self.wal:
            async with self._write_lock:
                yield self.connection
        elif reader is not None:
            yield await self._reader(reader)
        else:
            async with self._pool_slots:
                connection = self._idle.pop() if self._idle else None
                if connection is None:
                    connection = await self._open_reader()
                    self._pool.append(connection)
                try:
                    yield connection
                finally:
                    self._idle.append(connection)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction: BEGIN IMMEDIATE, COMMIT on success, ROLLBACK on any error. Reads this task
        makes inside it (fetch_one, fetch_all) run in it; other tasks' reads see it once committed. Another
        process's write transaction is waited for (`_begin`), never a reason to fail."""
        if self._writer is not None and self._writer is asyncio.current_task():
            raise RuntimeError("transaction() inside a transaction of the same task would wait for itself")
        async with self._write_lock:
            self._writer = asyncio.current_task()
            try:
                await self._begin()
                try:
                    yield self.connection
                except BaseException:
                    await self.connection.execute("ROLLBACK")
                    raise
                await self.connection.execute("COMMIT")
            finally:
                self._writer = None

    async def _begin(self) -> None:
        """BEGIN IMMEDIATE, waiting up to LOCK_WAIT_SECONDS in all while other processes write.

        SQLite's busy handler (busy_timeout) waits for the write lock only while this connection has no
        statement in progress: with one, it answers SQLITE_BUSY at once ("database is locked"), since
        waiting while holding a read snapshot could deadlock, and a snapshot older than another process's
        commit cannot be written from at all. On this shared aiosqlite connection a statement is often in
        progress: another coroutine's read between its execute and its fetch (two jobs on the connection's
        thread, and this BEGIN can run between them), or a statement whose rows nobody read, which stays
        in progress as long as aiosqlite's thread holds the last job's result, i.e. until a later job
        succeeds (a failed BEGIN does not count). So on SQLITE_BUSY this lets the event loop finish that
        read, runs a job that returns nothing (`commit()` with no transaction open does nothing) so the
        thread lets go of the old result, and tries again, backing off with jitter so that rivals do not
        retry in step; once no statement is in progress, the busy handler waits as it should.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + LOCK_WAIT_SECONDS
        delay = 0.0  # the first retry only lets a half-done read finish
        while True:
            try:
                await self.connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if not is_busy(error) or loop.time() + delay > deadline:
                    raise
            await asyncio.sleep(delay * random.uniform(0.5, 1.5))
            await self.connection.commit()  # not in a transaction: a job that only replaces the held result
            delay = min(max(delay * 2, 0.01), 1.0)

    async def fetch_all(
        self, sql: str, parameters: tuple[object, ...] = (), *, reader: int | None = None
    ) -> list[aiosqlite.Row]:
        """Rows of a read (see `_reading` for the connection it runs on)."""
        async with self._reading(reader) as connection, connection.execute(sql, parameters) as cursor:
            return list(await cursor.fetchall())

    async def fetch_all_as(
        self,
        make: Callable[[sqlite3.Cursor, tuple[Any, ...]], T],
        sql: str,
        parameters: tuple[object, ...] = (),
        *,
        reader: int | None = None,
    ) -> list[T]:
        """Rows turned into objects by `make`, which runs in the connection's own thread: while it builds
        objects there, another connection's query can go on."""
        async with self._reading(reader) as connection, connection.execute(sql, parameters) as cursor:
            cursor.row_factory = make  # type: ignore[assignment]  # aiosqlite's annotation says a type
            return list(await cursor.fetchall())  # type: ignore[arg-type]

    async def fetch_one(self, sql: str, parameters: tuple[object, ...] = ()) -> aiosqlite.Row | None:
        """The first row of a read, or None."""
        async with self._reading(None) as connection, connection.execute(sql, parameters) as cursor:
            return await cursor.fetchone()

    async def backup(self, target: Path) -> None:
        """SQLite's online backup: a consistent copy of what is committed, while the bot keeps running."""
        target.parent.mkdir(parents=True, exist_ok=True)
        async with aiosqlite.connect(target) as destination, self._reading(None) as source:
            await source.backup(destination)


def is_busy(error: sqlite3.Error) -> bool:
    """SQLITE_BUSY, in any of its extended forms: another connection holds the lock; worth waiting for."""
    code = getattr(error, "sqlite_errorcode", None)
    return (code & 0xFF) == sqlite3.SQLITE_BUSY if code is not None else "database is locked" in str(error)


def _check_location(path: Path) -> None:
    """The database's folder exists (created if need be) and the path is not itself a folder."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseUnusable(
            f"cannot create the folder {path.parent} for the database ({error.strerror or error}); set"
            " DATABASE_URL to a file in a folder the bot may write"
        ) from None
    if path.is_dir():
        raise DatabaseUnusable(
            f"{path} is a folder, not a database file; set DATABASE_URL to a file, e.g. sqlite:///{path}/chitieu.db"
        )


def _explain(path: Path, error: sqlite3.Error) -> str:
    """SQLite's complaint about `path` as one line an operator can act on."""
    text = str(error).lower()
    if "not a database" in text or "malformed" in text:
        return (
            f"{path} is not an SQLite database, or it is damaged; point DATABASE_URL at the bot's database, or"
            " restore a backup"
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text or "disk i/o" in text:
        return (
            f"cannot open {path} for writing ({error}); check that the bot's user may write the file and its"
            " folder, or set DATABASE_URL elsewhere"
        )
    return f"cannot use the database {path}: {error}"


def as_model(model: type[M], row: sqlite3.Row, **fields: Any) -> M:
    """A row as a domain model. The columns are named like the model's fields, and pydantic makes stored
    text into what the fields hold: enums from their values, dates and timestamps from ISO 8601, booleans
    from 0 and 1. `fields` are those that no single column holds (JSON, nested models)."""
    return model.model_validate(dict(zip(row.keys(), row, strict=True)) | fields)


def available_migrations(dialect: str = SQLITE) -> list[tuple[int, str, str]]:
    """(version, name, sql) for every numbered file of a dialect, in order: SQLite's in storage/migrations,
    PostgreSQL's in storage/migrations/postgres (see the README there)."""
    folder = resources.files("storage.migrations")
    if dialect == POSTGRES:
        folder = folder / "postgres"
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match[1]), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


async def schema_version(database: Database) -> int:
    """The highest migration applied (0 for a new database, whose version table is created)."""
    if database.dialect == POSTGRES:
        found = await database.fetch_one("SELECT 1 WHERE to_regclass('schema_version') IS NOT NULL")
    else:
        found = await database.fetch_one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")
    if found is None:  # created only when missing: an up-to-date read-only database still opens
        async with database.transaction() as connection:
            await connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)"
            )
    row = await database.fetch_one("SELECT MAX(version) FROM schema_version")
    return int(row[0]) if row and row[0] is not None else 0


def shipped_version(dialect: str = SQLITE) -> int:
    """The highest migration this code ships: the schema version it reads and writes."""
    return max((version for version, _, _ in available_migrations(dialect)), default=0)


async def migrate(database: Database) -> list[str]:
    """Apply the migrations not yet applied, each in its own transaction; return their names. A database
    already past the shipped migrations is refused with DatabaseTooNew, untouched (as mautrix's upgrade
    table refuses an unsupported version). The version is read again inside each transaction, so two
    processes starting at once apply each migration once."""
    current = await schema_version(database)
    shipped = shipped_version(database.dialect)
    if current > shipped:
        raise DatabaseTooNew(database.path, current, shipped)
    applied = []
    for version, name, sql in available_migrations(database.dialect):
        if version <= current:
            continue
        async with database.transaction() as connection:
            row = await database.fetch_one("SELECT MAX(version) FROM schema_version")
            if row and row[0] is not None and int(row[0]) >= version:
                continue  # another process applied it meanwhile
            if database.dialect == POSTGRES:  # one script: PostgreSQL's functions hold semicolons
                await cast(Any, connection).raw.execute(sql)
            else:
                for statement in _split_statements(sql):
                    await connection.execute(statement)
            await connection.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                (version, datetime.now(UTC).isoformat(timespec="seconds")),
            )
        logger.info("applied migration %s", name)
        applied.append(name)
    return applied


def _split_statements(sql: str) -> list[str]:
    """Split a migration into statements; executescript would COMMIT behind our transaction's back."""
    statements, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        if not buffer and line.strip().startswith("--"):
            continue
        buffer += line
        if buffer.strip() and sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
