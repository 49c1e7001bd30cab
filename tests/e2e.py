"""Fixtures for end-to-end tests: the local Bot API server, simulated users, and the real Application
built by `build_app` polling it over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.app import BotApplication, build_app
from bot.config import Settings
from bot.sandbox import BotApiServer, SandboxClient


@pytest.fixture
async def server() -> AsyncIterator[BotApiServer]:
    """The local Bot API server on a free loopback port."""
    api = BotApiServer()
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
async def sandbox(server: BotApiServer) -> AsyncIterator[SandboxClient]:
    """The control client through which simulated users act."""
    client = SandboxClient(server.api_url)
    yield client
    await client.close()


@pytest.fixture
def settings(server: BotApiServer, tmp_path: Path) -> Settings:
    return Settings(
        bot_token=server.token,  # type: ignore[arg-type]
        bot_api_url=server.api_url,
        database_url=str(tmp_path / "bot.db"),
        admin_ids=[900],
        bot_username=server.bot_username,
    )


@asynccontextmanager
async def polling(application: BotApplication) -> AsyncIterator[BotApplication]:
    """Run an application as `run_polling` would, and stop it cleanly afterwards."""
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    await application.start()
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        if application.post_shutdown:
            await application.post_shutdown(application)
        await application.shutdown()


@pytest.fixture
async def bot(settings: Settings) -> AsyncIterator[BotApplication]:
    """The project's real Application, polling the local server."""
    async with polling(build_app(settings)) as application:
        yield application
