"""Fixtures for end-to-end tests: the local Bot API server, simulated users, and the real Application
built by `build_app` polling it over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from bot import services
from bot.app import build_app, polling
from bot.config import Settings
from bot.context import BotApplication
from bot.domain.models import Period, PeriodState, Role
from bot.sandbox import BotApiServer, SandboxClient, SimUser
from storage import Storage


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
def settings(server: BotApiServer, database_url: str) -> Settings:
    return Settings(
        bot_token=server.token,  # type: ignore[arg-type]
        bot_api_url=server.api_url,
        database_url=database_url,
        admin_ids=[900],
        bot_username=server.bot_username,
        reminders_enabled=False,  # tests run reminders at chosen moments with run_reminders
    )


@pytest.fixture
async def bot(settings: Settings) -> AsyncIterator[BotApplication]:
    """The project's real Application, polling the local server."""
    async with polling(build_app(settings)) as application:
        yield application


@dataclass
class Season:
    """The shipped catalogue with 2025 (final, locked) and 2026 (open, due 5 December) periods."""

    storage: Storage
    current: Period
    previous: Period


@pytest.fixture
async def season(bot: BotApplication) -> Season:
    storage = bot.bot_data.storage
    await services.load_shipped(storage)
    previous = await services.open_period(storage, "2025", programme_code="HD-NQ30", deadline=None)
    for agency, element, number in LAST_YEAR:
        await storage.values.save(previous, agency, element, number=number, by=1)
    previous = await lock(storage, previous)
    # The open period is due two weeks from today, so that "on time" holds whenever the tests run.
    due = date.today() + timedelta(days=14)
    current = await services.open_period(storage, "2026", programme_code="HD-NQ30", deadline=due)
    return Season(storage, current, previous)


# 2025 figures the 2026 questions show as "previous period" (illustrative, not official statistics).
LAST_YEAR = [
    ("SYT", "hospital_beds", 6950),
    ("SYT", "doctors", 1900),
    ("CTK", "grdp_growth", 8.5),
    ("CTK", "population", 1_960_000),
    ("H-TUKY", "communes_total", 26),
    ("H-TUKY", "communes_ntm_advanced", 10),
]


async def lock(storage: Storage, period: Period) -> Period:
    return await storage.periods.set_state(period, PeriodState.LOCKED)


async def join(
    season: Season,
    sandbox: SandboxClient,
    user_id: int,
    name: str,
    agency: str | None,
    role: Role = Role.FOCAL,
    language_code: str = "vi",
) -> SimUser:
    """A simulated user who opened an invite link for `agency` and was welcomed."""
    invite = await season.storage.users.create_invite(agency, role, timedelta(days=7))
    user = await sandbox.user(user_id, name, language_code=language_code)
    await user.command("start", invite.token)
    await user.expect("Chào mừng" if language_code == "vi" else "Welcome")
    return user
