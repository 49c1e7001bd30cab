from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import services
from storage import Storage, open_storage
from tests.e2e import bot, sandbox, season, server, settings  # noqa: F401  (fixtures)


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    """A fresh, migrated SQLite file."""
    opened = await open_storage(tmp_path / "test.db")
    yield opened
    await opened.close()


@pytest.fixture
async def loaded(storage: Storage) -> Storage:
    """The shipped agencies and catalogues, as after `python -m bot init`."""
    await services.load_shipped(storage)
    return storage
