"""Which bot process leads, when several run against one PostgreSQL database: the one holding a session-level
advisory lock. Telegram lets one process poll a bot, and PTB's job queue is per process, so exactly one
process polls (or serves the webhook) and runs the reminder job; the others stand by, each blocked in
`pg_advisory_lock` until the leader's connection closes and PostgreSQL frees the lock, which happens the
moment its process dies on the server's machine or, across machines, within the TCP keepalive set below.

SQLite needs none of this: one file on one machine has one bot process.
"""

from __future__ import annotations

import asyncio
import os
import socket
from dataclasses import dataclass

import asyncpg

from storage.postgres import CONNECT_SECONDS, asyncpg_url

LEADER_LOCK = 0x6C_65_61_64  # "lead"; under 2^32, so pg_locks shows it as objid with classid 0
LEADER_PREFIX = "chitieu-bot leader "
STANDBY_PREFIX = "chitieu-bot standby "
# A leader whose machine vanished (no FIN ever comes) is noticed after 5 + 3 x 2 s of silence.
# What losing the server looks like from asyncpg: refused, reset, or a connection it gave up on.
CONNECTION_ERRORS = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError)
KEEPALIVE = {"tcp_keepalives_idle": "5", "tcp_keepalives_interval": "2", "tcp_keepalives_count": "3"}


def this_process() -> str:
    """host:pid, as `status` names a process."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Processes:
    """What `status` shows: the leader (None if nobody leads) and the processes standing by."""

    leader: str | None
    standby: list[str]


class Leadership:
    """This process's claim to lead, on a connection of its own (the lock lives as long as it does)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._connection: asyncpg.Connection | None = None

    async def _connect(self, name: str) -> asyncpg.Connection:
        return await asyncpg.connect(
            asyncpg_url(self.url),
            timeout=CONNECT_SECONDS,
            server_settings={"application_name": (name + this_process())[:63], **KEEPALIVE},
        )

    async def take(self) -> None:
        """Wait until this process leads: blocked in the server until the lock is free, then renamed leader."""
        connection = await self._connect(STANDBY_PREFIX)
        try:
            await connection.execute("SELECT pg_advisory_lock($1)", LEADER_LOCK)
            await connection.execute(
                "SELECT set_config('application_name', $1, false)", (LEADER_PREFIX + this_process())[:63]
            )
        except BaseException:
            connection.terminate()
            raise
        self._connection = connection

    async def try_take(self) -> bool:
        """Lead if nobody does; False at once otherwise."""
        connection = await self._connect(LEADER_PREFIX)
        if await connection.fetchval("SELECT pg_try_advisory_lock($1)", LEADER_LOCK):
            self._connection = connection
            return True
        await connection.close()
        return False

    async def still_leading(self) -> bool:
        """The lock's connection answers (so the lock is still ours)."""
        if self._connection is None or self._connection.is_closed():
            return False
        try:
            await asyncio.wait_for(self._connection.fetchval("SELECT 1"), CONNECT_SECONDS)
        except CONNECTION_ERRORS:
            return False
        return True

    async def release(self) -> None:
        """Step down: the connection closes and a standby takes over."""
        if self._connection is not None:
            connection, self._connection = self._connection, None
            try:
                await asyncio.wait_for(connection.close(), CONNECT_SECONDS)
            except CONNECTION_ERRORS:
                connection.terminate()


async def processes(url: str) -> Processes:
    """The process holding the leader lock on this database and those waiting for it."""
    connection = await asyncpg.connect(asyncpg_url(url), timeout=CONNECT_SECONDS)
    try:
        rows = await connection.fetch(
            "SELECT a.application_name, l.granted FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE l.locktype = 'advisory' AND l.classid = 0 AND l.objid = $1 AND l.objsubid = 1"
            " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " ORDER BY a.backend_start",
            LEADER_LOCK,
        )
    finally:
        await connection.close()
    leader = next((_name(row[0]) for row in rows if row[1]), None)
    return Processes(leader, [_name(row[0]) for row in rows if not row[1]])


def _name(application_name: str) -> str:
    return application_name.removeprefix(LEADER_PREFIX).removeprefix(STANDBY_PREFIX)
