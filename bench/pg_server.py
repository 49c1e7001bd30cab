"""A throw-away PostgreSQL server (initdb into a temporary folder, `postgres` on loopback on a free port,
durability off) for the tests (tests/postgres_server.py) and the PostgreSQL benchmarks, and fresh databases
on it or on any server.

PostgreSQL refuses to run as root, so as root (CI's fresh machine) the server runs as the `postgres` user
Debian's package creates (or `nobody`).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from storage.postgres import find_program

USER = "chitieu"
START_SECONDS = 30.0


class PostgresServer:
    """One `postgres` process on 127.0.0.1 with its data in a temporary folder."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="chitieu-pg-"))
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._names = itertools.count(1)
        self._runs_as: str | None = None
        if os.geteuid() == 0:
            self._runs_as = "postgres" if _user_exists("postgres") else "nobody"
            account = pwd.getpwnam(self._runs_as)
            os.chown(self.folder, account.pw_uid, account.pw_gid)
            self.folder.chmod(0o700)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def start(self, initdb: str, postgres: str) -> None:
        """initdb, then the server; returns once it accepts connections."""
        data = self.folder / "data"
        self._run([initdb, "-D", str(data), "-U", USER, "--auth=trust", "--encoding=UTF8", "--no-locale"])
        log = (self.folder / "server.log").open("wb")
        settings = ["fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=300"]
        self.process = subprocess.Popen(
            [postgres, "-D", str(data), "-p", str(self.port), "-k", str(self.folder), "-h", "127.0.0.1"]
            + [part for setting in settings for part in ("-c", setting)],
            stdout=log,
            stderr=subprocess.STDOUT,
            user=self._runs_as,
        )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"postgres exited: {(self.folder / 'server.log').read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        asyncio.run(self._wait_ready(deadline))

    async def _wait_ready(self, deadline: float) -> None:
        while True:
            try:
                connection = await asyncpg.connect(self.url())
                await connection.close()
                return
            except (OSError, asyncpg.PostgresError):  # "the database system is starting up"
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.1)

    def _run(self, command: list[str]) -> None:
        done = subprocess.run(command, capture_output=True, user=self._runs_as, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {done.stderr.decode(errors='replace')[-2000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: PostgreSQL's "smart" shutdown would wait; this is "fast"
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)

    async def create_database(self) -> str:
        """A new empty database; its name."""
        name = f"test_{os.getpid()}_{next(self._names)}"
        connection = await asyncpg.connect(self.url())
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()
        return name

    async def drop_database(self, name: str) -> None:
        connection = await asyncpg.connect(self.url())
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@asynccontextmanager
async def fresh_database(server_url: str, prefix: str = "bench") -> AsyncIterator[str]:
    """A new empty database on the server that `server_url` (any database on it) names; dropped afterwards."""
    name = f"{prefix}_{os.getpid()}_{next(_NUMBERS)}"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    finally:
        admin = await asyncpg.connect(server_url)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


_NUMBERS = itertools.count(1)


def throwaway_server() -> PostgresServer:
    """A started throw-away server; RuntimeError if PostgreSQL is not installed."""
    initdb, postgres = find_program("initdb"), find_program("postgres")
    if initdb is None or postgres is None:
        raise RuntimeError("PostgreSQL is not installed (no initdb/postgres; Debian: apt-get install postgresql)")
    server = PostgresServer()
    try:
        server.start(initdb, postgres)
    except BaseException:
        server.stop()
        raise
    return server
