from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot import services
from storage import Storage, open_storage
from tests.e2e import bot, sandbox, season, server, settings  # noqa: F401  (fixtures)

# The throw-away PostgreSQL server and `database_url`, which runs storage and end-to-end tests on both.
pytest_plugins = ("tests.postgres_server",)


@pytest.fixture(autouse=True)
def _fresh_error_notices() -> None:
    """The admins' error notices are rate-limited per process; each test (each database's run too) starts
    with none sent."""
    from handlers import errors

    errors._last_notice.clear()


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    """A fresh, migrated database: an SQLite file, and in a second run of the test PostgreSQL."""
    opened = await open_storage(database_url)
    yield opened
    await opened.close()


@pytest.fixture
async def loaded(storage: Storage) -> Storage:
    """The shipped agencies and catalogues, as after `python -m bot init`."""
    await services.load_shipped(storage)
    return storage


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: checks something only SQLite has; not run on PostgreSQL")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test marked sqlite_only runs with database_url's SQLite parameter only."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if item.get_closest_marker("sqlite_only") and callspec and callspec.params.get("database_url") == "postgres":
            item.add_marker(pytest.mark.skip(reason="checks an SQLite-only behaviour"))
