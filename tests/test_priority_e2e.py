"""Replies ahead of bulk sends, through the real bot and the sandbox enforcing Telegram's limits: a
reminder fan-out in progress does not hold a reply back, and the limits still hold in total."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

import pytest

from bot.app import run_reminders
from bot.context import BotApplication
from bot.sandbox import BotApiServer, SandboxClient
from bot.sandbox.province import reminded_province

FOCAL_POINTS = 150  # five seconds of sends at 30 a second
DEADLINE = date(2030, 12, 5)  # a Thursday: at 9:00 that day every district is reminded


async def focal_points(bot: BotApplication, server: BotApiServer, count: int) -> list[int]:
    """`count` districts owing a figure, each with one focal point who has a chat with the bot."""
    return await reminded_province(bot.bot_data.storage, count, DEADLINE, server=server)


def record_sends(server: BotApiServer, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The chat of every message the sandbox delivers, in the order it delivered them."""
    order: list[int] = []
    deliver = server.record_send

    def record(chat_id: int) -> None:
        order.append(chat_id)
        deliver(chat_id)

    monkeypatch.setattr(server, "record_send", record)
    return order


async def test_a_reply_is_not_held_back_by_a_fan_out_in_progress(
    bot: BotApplication, server: BotApiServer, sandbox: SandboxClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    reminded = set(await focal_points(bot, server, FOCAL_POINTS))
    admin = await sandbox.user(900, "Quản trị")
    await sandbox.configure(limits={"global_per_second": 30, "per_chat_per_second": 1})
    order = record_sends(server, monkeypatch)
    fan_out = asyncio.create_task(run_reminders(bot, datetime(2030, 12, 5, 9, 0, tzinfo=bot.bot_data.settings.tzinfo)))
    assert await server.world.wait_for(lambda: len(order) >= 10, 30), "the fan-out did not start"

    asked = len(order)  # what the sandbox had delivered when the admin typed
    await admin.command("help")
    await admin.next()
    answered = order.index(900, asked)

    assert set(order[asked:answered]) <= reminded
    assert answered - asked <= 5  # a slot or two while the bot read the update and wrote the reply
    assert sum(chat in reminded for chat in order[:answered]) <= FOCAL_POINTS - 50  # far from done
    report = await asyncio.wait_for(fan_out, 60)
    assert "sent" in str(report) and sum(chat in reminded for chat in order) == FOCAL_POINTS
    stats = await sandbox.stats()
    assert stats["retry_after_sent"] == 0  # 30 a second in all, and one a second per chat, held
    assert stats["max_per_chat_per_second"] == 1
