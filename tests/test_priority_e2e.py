"""Replies ahead of bulk sends, through the real bot and the sandbox enforcing Telegram's limits: a
reminder fan-out in progress does not hold a reply back, and the limits still hold in total."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

import pytest

from bot import services
from bot.app import run_reminders
from bot.context import BotApplication
from bot.domain.catalogue import AgencySpec, parse_catalogue
from bot.domain.models import AgencyKind, Role
from bot.sandbox import BotApiServer, SandboxClient

FOCAL_POINTS = 150  # five seconds of sends at 30 a second
CATALOGUE = """\
programme:
  code: FAN
  title_vi: "Thử nhắc"
  title_en: "Fan-out"
  horizon_year: 2030
  reporting: {report_to: FAN-ROOT}
elements:
  - code: communes_total
    name_vi: "Tổng số xã"
    name_en: "Communes in total"
    type: count
    reporters: ["@district"]
"""
DEADLINE = date(2030, 12, 5)  # a Thursday: at 9:00 that day every district is reminded


async def focal_points(bot: BotApplication, server: BotApiServer, count: int) -> list[int]:
    """`count` districts owing a figure, each with one focal point who has a chat with the bot."""
    storage = bot.bot_data.storage
    root = AgencySpec(code="FAN-ROOT", name_vi="Tỉnh", name_en="Province", kind=AgencyKind.OTHER)
    districts = [
        AgencySpec(
            code=f"D{i:04d}", name_vi=f"Huyện {i}", name_en=f"District {i}", kind=AgencyKind.DISTRICT, parent="FAN-ROOT"
        )
        for i in range(count)
    ]
    await storage.agencies.load((root, *districts))
    await services.load_catalogue(storage, parse_catalogue(CATALOGUE, "fan.yaml"))
    await services.open_period(storage, "2030", programme_code="FAN", deadline=DEADLINE)
    users = []
    for index, district in enumerate(districts):
        invite = await storage.users.create_invite(district.code, Role.FOCAL, timedelta(days=1))
        user_id = 10_000 + index
        server.add_user(user_id, f"Đầu mối {index}")
        await storage.users.redeem_invite(invite.token, user_id, f"Đầu mối {index}", None)
        users.append(user_id)
    return users


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
