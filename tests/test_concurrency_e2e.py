"""Users served side by side, each user in order, through the real bot over HTTP (polling and webhook).

A test-only handler runs first on every update (group -2, before the access gate). It notes each update
with its context and holds the next update of one chosen user until the test releases it: that user's
update is "slow" for exactly as long as the test wants, and the tests assert what happened meanwhile,
by the order of events, never by how long anything took.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest
from pydantic import SecretStr
from telegram import Update
from telegram.ext import TypeHandler

from bot.app import build_app
from bot.config import Settings
from bot.context import BotApplication, BotContext
from bot.ordering import OrderedUpdateProcessor
from bot.sandbox import SandboxClient
from bot.webhook import serve
from handlers.common import who
from tests.e2e import Season, join, polling

BOUND = 30.0  # seconds: only to end a hung test, never a measure


class Hold:
    """Notes every update with its context; holds the next update of the armed user until `release`."""

    def __init__(self, application: BotApplication) -> None:
        self.seen: list[tuple[Update, BotContext]] = []
        self.armed: int | None = None
        self.holding, self.release = asyncio.Event(), asyncio.Event()
        application.add_handler(TypeHandler(Update, self.handle), group=-2)

    def arm(self, user_id: int) -> None:
        self.armed = user_id

    async def handle(self, update: Update, context: BotContext) -> None:
        self.seen.append((update, context))
        if update.effective_user is not None and update.effective_user.id == self.armed:
            self.armed = None
            self.holding.set()
            await self.release.wait()

    async def held(self) -> None:
        await asyncio.wait_for(self.holding.wait(), BOUND)

    def texts(self, user_id: int) -> list[str | None]:
        """What `user_id` sent, in the order the updates reached the handlers."""
        return [u.message.text if u.message else None for u, _ in self.seen if u.effective_user.id == user_id]  # type: ignore[union-attr]


@pytest.fixture
async def hold(bot: BotApplication) -> AsyncIterator[Hold]:
    """A Hold on the `bot` fixture's application, released before the bot stops."""
    added = Hold(bot)
    yield added
    added.release.set()


async def until(condition: Callable[[], bool]) -> None:
    """Wait for a condition on the bot's side that no message shows."""
    async with asyncio.timeout(BOUND):
        while not condition():
            await asyncio.sleep(0.01)


def processor(application: BotApplication) -> OrderedUpdateProcessor:
    found = application.update_processor
    assert isinstance(found, OrderedUpdateProcessor)
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def running(settings: Settings, transport: str) -> AsyncIterator[tuple[BotApplication, Hold]]:
    """The real bot with a Hold, receiving updates by polling or by webhook."""
    if transport == "polling":
        application = build_app(settings)
        hold = Hold(application)
        async with polling(application):
            try:
                yield application, hold
            finally:
                hold.release.set()  # a failed test must not leave the bot waiting for ever as it stops
        return
    port = free_port()
    hooked = settings.model_copy(
        update={
            "webhook_url": f"http://127.0.0.1:{port}/hook",
            "webhook_port": port,
            "webhook_secret": SecretStr("a-secret-for-the-ordering-test"),
        }
    )
    application = build_app(hooked)
    hold = Hold(application)
    stop = asyncio.Event()
    serving = asyncio.create_task(serve(application, hooked, stop))
    try:
        yield application, hold
    finally:
        hold.release.set()
        stop.set()
        await asyncio.wait_for(serving, BOUND)


@pytest.mark.parametrize("transport", ["polling", "webhook"])
async def test_a_slow_update_of_one_user_does_not_delay_another(
    settings: Settings, sandbox: SandboxClient, transport: str
) -> None:
    async with running(settings, transport) as (_, hold):
        an, binh = await sandbox.user(301, "An"), await sandbox.user(302, "Bình")
        hold.arm(an.id)
        await an.command("help")
        await hold.held()
        await binh.command("help")
        await binh.expect("/lang")  # Bình is answered while An's update is still being handled
        assert await an.inbox() == []
        hold.release.set()
        await an.expect("/lang")
    # Each update had a context of its own: the gate's Who on each is that update's user, not the other's.
    contexts = {update.effective_user.id: context for update, context in hold.seen}  # type: ignore[union-attr]
    assert contexts[301] is not contexts[302]
    assert (who(contexts[301]).telegram_id, who(contexts[302]).telegram_id) == (301, 302)


async def test_one_users_burst_leaves_room_for_other_users(settings: Settings, sandbox: SandboxClient) -> None:
    """Two updates at a time: An's first is held, three more of An's wait for it, and Bình is still served."""
    narrow = settings.model_copy(update={"max_concurrent_updates": 2})
    async with running(narrow, "polling") as (application, hold):
        an, binh = await sandbox.user(301, "An"), await sandbox.user(302, "Bình")
        hold.arm(an.id)
        await an.command("help")
        await hold.held()
        for _ in range(3):
            await an.command("help")
        await until(lambda: processor(application).waiting == 3)
        await binh.command("help")
        await binh.expect("/lang")
        assert await an.inbox() == []
        hold.release.set()
        for _ in range(4):
            await an.expect("/lang")
        await sandbox.wait_idle()
        await until(lambda: processor(application).busy_keys == 0)


async def test_two_figures_typed_back_to_back_are_saved_in_order(
    bot: BotApplication, season: Season, sandbox: SandboxClient, hold: Hold
) -> None:
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    await lan.command("report")
    await lan.expect("Mục 1/4")
    hold.arm(lan.id)
    await lan.send("7.100")
    await hold.held()
    await lan.send("1.950")
    await until(lambda: processor(bot).waiting == 1)  # the second figure is in, waiting for the first
    assert hold.texts(lan.id)[-1] == "7.100"
    hold.release.set()
    await lan.expect("Mục 3/4")
    stored = await season.storage.values.for_agency(season.current.id, "SYT")
    assert (stored["hospital_beds"].number, stored["doctors"].number) == (7100, 1950)
    history = await season.storage.values.history(period_id=season.current.id, agency_code="SYT")
    assert [(change.element_code, change.new_number) for change in history] == [
        ("hospital_beds", 7100),
        ("doctors", 1950),
    ]
    conversation = await season.storage.conversations.get(lan.id)
    assert conversation is not None and conversation.element_code == "agency_detailed_plans"


async def test_figures_sent_without_waiting_for_replies_each_answer_their_own_question(
    bot: BotApplication, season: Season, sandbox: SandboxClient
) -> None:
    tu = await join(season, sandbox, 401, "Tú", "H-TUKY")
    await tu.command("report")
    await tu.expect("Mục 1/16")
    for figure in ("26", "12", "3", "29"):
        await tu.send(figure)
    await tu.expect("Mục 5/16")
    stored = await season.storage.values.for_agency(season.current.id, "H-TUKY")
    assert sorted(value.number for value in stored.values()) == [3, 12, 26, 29]
    history = await season.storage.values.history(period_id=season.current.id, agency_code="H-TUKY")
    assert [change.new_number for change in history] == [26, 12, 3, 29]
