"""PostgreSQL through asyncpg, behind the same `Database` face as SQLite: the repositories' SQL runs as written
(storage.dialect rewrites it), and what they get back has the shape of aiosqlite's rows and cursors.

Write transactions keep SQLite's guarantee that two writers never interleave their check-then-write: each
takes a transaction-level advisory lock first (`pg_advisory_xact_lock`, PostgreSQL's BEGIN IMMEDIATE), held
until COMMIT or ROLLBACK, across every process on the database. The unique keys and ON CONFLICT clauses the
repositories already rely on (a reminder's claim, an update id, a value's version) hold here as they do
there; the lock adds that a value's version is read and bumped by one writer at a time. Reads run on pooled
connections and see what is committed (READ COMMITTED), except a read inside the task's own transaction,
which runs in it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
from collections.abc import AsyncIterator, Callable, Generator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import aiosqlite
import asyncpg

from storage import dialect
from storage.db import READ_POOL, READERS, Database, DatabaseUnusable

logger = logging.getLogger(__name__)
T = TypeVar("T")

WRITE_LOCK = 0x63_68_69_74  # "chit": the advisory lock every write transaction takes
CONNECT_SECONDS = 10.0
DRIVER_ERRORS = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError)


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def asyncpg_url(url: str) -> str:
    """asyncpg takes postgresql:// and postgres://; `postgresql+asyncpg://` (SQLAlchemy's spelling) too."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


class Cursor:
    """What a statement left: its rows (for a query or RETURNING) and how many rows it touched."""

    def __init__(self, rows: Sequence[asyncpg.Record], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount
        self.lastrowid = None  # PostgreSQL has none: write INSERT … RETURNING id instead

    async def fetchone(self) -> asyncpg.Record | None:
        return self._rows[0] if self._rows else None

    async def fetchall(self) -> list[asyncpg.Record]:
        return list(self._rows)

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        return None


class _Statement:
    """A statement on its way: awaited it is its Cursor, and `async with` works too, as with aiosqlite."""

    def __init__(self, running: Callable[[], Any]) -> None:
        self._running = running

    def __await__(self) -> Generator[Any, None, Cursor]:
        return self._running().__await__()

    async def __aenter__(self) -> Cursor:
        cursor: Cursor = await self._running()
        return cursor

    async def __aexit__(self, *_: object) -> None:
        return None


def _count(status: str) -> int:
    """Rows touched, from a command tag such as "INSERT 0 1" or "UPDATE 3"."""
    last = status.rsplit(" ", 1)[-1] if status else ""
    return int(last) if last.isdigit() else 0


class Connection:
    """The part of aiosqlite's Connection the repositories use, on one asyncpg connection."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self.raw = connection

    def execute(self, sql: str, parameters: Iterable[object] = ()) -> _Statement:
        text, values = dialect.to_postgres(sql), tuple(parameters)

        async def run() -> Cursor:
            if dialect.returns_rows(text):
                rows = await self.raw.fetch(text, *values)
                return Cursor(rows, len(rows))
            return Cursor((), _count(await self.raw.execute(text, *values)))

        return _Statement(run)

    async def executemany(self, sql: str, records: Iterable[Sequence[object]]) -> None:
        await self.raw.executemany(dialect.to_postgres(sql), [tuple(record) for record in records])

    async def commit(self) -> None:
        """Nothing: transactions end when `Database.transaction()` ends them."""


class PostgresDatabase(Database):
    """A pool of asyncpg connections; one write transaction at a time in this process (as on SQLite), and
    one across processes through the advisory lock."""

    dialect = dialect.POSTGRES

    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        self.url = url
        self.path = Path(redacted(url))  # what messages name
        self.wal = True
        self.pool = pool
        self._write_lock = asyncio.Lock()
        self._writer: asyncio.Task[Any] | None = None
        self._connection: Connection | None = None

    @classmethod
    async def connect(cls, url: str) -> PostgresDatabase:
        """A pool on the server at `url`; DatabaseUnusable, naming the URL without its password, if it cannot be."""
        try:
            pool = await asyncpg.create_pool(
                asyncpg_url(url),
                min_size=1,
                max_size=READ_POOL + READERS + 1,
                timeout=CONNECT_SECONDS,
                # Reads are read-only, as SQLite's read connections are: a write slipped into one fails loudly.
                server_settings={"application_name": process_name(), "default_transaction_read_only": "on"},
            )
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as error:
            raise DatabaseUnusable(
                f"cannot connect to the database {redacted(url)} ({error}); check DATABASE_URL and that the server"
                " is up and lets this user in"
            ) from None
        return cls(pool, url)

    async def close(self) -> None:
        await self.pool.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction holding the write lock until it ends: COMMIT on success, ROLLBACK on error."""
        if self._writer is not None and self._writer is asyncio.current_task():
            raise RuntimeError("transaction() inside a transaction of the same task would wait for itself")
        async with self._write_lock, self.pool.acquire() as raw:
            self._writer = asyncio.current_task()
            self._connection = Connection(raw)
            try:
                # One round trip: the pool's sessions default to read-only, and the lock is the write lock.
                await raw.execute(f"BEGIN READ WRITE; SELECT pg_advisory_xact_lock({WRITE_LOCK})")
                try:
                    # The adapter stands in for aiosqlite's connection: the repositories use only its execute.
                    yield cast(aiosqlite.Connection, self._connection)
                except BaseException:
                    with contextlib.suppress(*DRIVER_ERRORS):  # a broken connection is dropped by the pool
                        await raw.execute("ROLLBACK")
                    raise
                await raw.execute("COMMIT")
            finally:
                self._writer, self._connection = None, None

    @asynccontextmanager
    async def _connected(self) -> AsyncIterator[asyncpg.Connection]:
        """The transaction's connection for a read inside this task's transaction, else a pooled one."""
        if self._writer is not None and self._writer is asyncio.current_task() and self._connection is not None:
            yield self._connection.raw
        else:
            async with self.pool.acquire() as raw:
                yield raw

    async def fetch_all(
        self, sql: str, parameters: tuple[object, ...] = (), *, reader: int | None = None
    ) -> list[aiosqlite.Row]:
        async with self._connected() as raw:
            return cast(list[aiosqlite.Row], await raw.fetch(dialect.to_postgres(sql), *parameters))

    async def fetch_all_as(
        self,
        make: Callable[[Any, tuple[Any, ...]], T],
        sql: str,
        parameters: tuple[object, ...] = (),
        *,
        reader: int | None = None,
    ) -> list[T]:
        rows = await self.fetch_all(sql, parameters, reader=reader)
        return [make(None, tuple(row)) for row in rows]

    async def fetch_one(self, sql: str, parameters: tuple[object, ...] = ()) -> aiosqlite.Row | None:
        async with self._connected() as raw:
            return cast(aiosqlite.Row | None, await raw.fetchrow(dialect.to_postgres(sql), *parameters))

    async def backup(self, target: Path) -> None:
        """`pg_dump --format=custom` of the database to `target` (restore with pg_restore), while the bot runs."""
        await dump(self.url, target)


def process_name() -> str:
    """This process as other sessions see it (pg_stat_activity.application_name): host:pid."""
    import socket

    return f"chitieu-bot {socket.gethostname()}:{os.getpid()}"[:63]


def find_program(name: str) -> str | None:
    """A PostgreSQL client program: on PATH, or in Debian's versioned folder (newest first)."""
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name, reverse=True):
        if (folder / name).exists():
            return str(folder / name)
    return None


async def dump(url: str, target: Path) -> None:
    """pg_dump of the database at `url` into `target`; OSError with pg_dump's complaint if it fails."""
    program = find_program("pg_dump")
    if program is None:
        raise OSError("pg_dump is not installed (Debian: apt-get install postgresql-client)")
    target.parent.mkdir(parents=True, exist_ok=True)
    # The password goes through the environment, never the command line, which any local user can read.
    address, password = _without_password(asyncpg_url(url))
    environment = dict(os.environ, PGPASSWORD=password) if password else None
    process = await asyncio.create_subprocess_exec(
        program,
        "--format=custom",
        f"--file={target}",
        f"--dbname={address}",
        stderr=asyncio.subprocess.PIPE,
        env=environment,
    )
    _, error = await process.communicate()
    if process.returncode != 0:
        raise OSError(error.decode(errors="replace").strip() or f"pg_dump exited with {process.returncode}")


def _without_password(url: str) -> tuple[str, str | None]:
    """The URL with its password taken out, and the password (None if it had none)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url, None
    user = quote(unquote(parts.username or ""), safe="")
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    netloc = f"{user}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc)), unquote(parts.password)
