"""A throw-away PostgreSQL server for the test run, and the `database_url` fixture that runs the storage and
end-to-end tests on SQLite and on PostgreSQL.

The server (bench.pg_server) is the test run's own child process: `initdb` into a temporary folder,
`postgres` on loopback on a free port (durability off: it is thrown away), stopped and deleted when the run
ends. Each test gets a database of its own, dropped after it. Without PostgreSQL's programs the
PostgreSQL half is skipped, saying why; CI sets `CHITIEU_REQUIRE_POSTGRES=1`, which makes their absence a
failure instead. A developer runs only one half with `CHITIEU_DATABASES=sqlite` or `CHITIEU_DATABASES=postgres`.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bench.pg_server import PostgresServer
from storage.postgres import find_program

REQUIRE = os.environ.get("CHITIEU_REQUIRE_POSTGRES", "") not in ("", "0", "false", "no")
DATABASES = [name.strip() for name in os.environ.get("CHITIEU_DATABASES", "sqlite,postgres").split(",") if name.strip()]


def _absent(reason: str) -> None:
    if REQUIRE:
        pytest.fail(f"{reason} (CHITIEU_REQUIRE_POSTGRES is set)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The run's PostgreSQL server, started on first use."""
    initdb, postgres = find_program("initdb"), find_program("postgres")
    if initdb is None or postgres is None:
        _absent("PostgreSQL is not installed (no initdb/postgres; Debian: apt-get install postgresql)")
    assert initdb is not None and postgres is not None
    server = PostgresServer()
    try:
        server.start(initdb, postgres)
    except (RuntimeError, OSError) as error:
        server.stop()
        _absent(f"the throw-away PostgreSQL server did not start: {error}")
    yield server
    server.stop()


@pytest.fixture
async def postgres_url(postgres_server: PostgresServer) -> AsyncIterator[str]:
    """The URL of a fresh, empty database on the run's server, dropped after the test."""
    name = await postgres_server.create_database()
    yield postgres_server.url(name)
    await postgres_server.drop_database(name)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that uses a database runs once per database, except property tests: Hypothesis seeds their
    derandomized examples with the parameter's id too, and they check parsing, not the database."""
    if "database_url" in metafunc.fixturenames and not hasattr(metafunc.function, "hypothesis"):
        metafunc.parametrize("database_url", DATABASES, indirect=True)


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """DATABASE_URL of a fresh database: an SQLite file, then (as a second run of the test) PostgreSQL."""
    if getattr(request, "param", "sqlite") == "postgres":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path / 'test.db'}"
