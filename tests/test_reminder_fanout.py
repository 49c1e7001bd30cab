"""The reminder fan-out over a real SQLite file and an outbox that watches the log as each message goes:
reminders are claimed one at a time just before they are sent, never the whole slot up front; a reminder
that cannot be written is recorded as failed without stopping the others; two senders on two connections
to one file share the work without sending anything twice."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

import bot.services.reminders as reminders
from bot.config import Settings
from bot.i18n import Translator
from bot.sandbox.province import reminded_province
from storage import Storage, open_storage

AGENCIES = 12
DEADLINE = date(2030, 12, 20)  # a Friday
MOMENT = datetime.combine(date(2030, 12, 11), time(9), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))  # before-7


async def province(storage: Storage) -> list[int]:
    """AGENCIES districts owing the period due on DEADLINE; their focal points are 500, 501, ..."""
    return await reminded_province(storage, AGENCIES, DEADLINE, first_user=500)


class WatchingOutbox:
    """Takes a little while per message, as Telegram does, and notes the log's state as each one goes."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.delivered: Counter[int] = Counter()
        self.unsettled_at_send: list[int] = []

    async def send(self, chat_id: int, texts: Sequence[str], report_period: int | None, t: Translator) -> str:
        row = await self.storage.db.fetch_one(
            "SELECT count(*) FROM reminder_log WHERE outcome IN ('claimed', 'sending', 'pending')"
        )
        assert row is not None
        self.unsettled_at_send.append(row[0])
        await asyncio.sleep(0.005)
        self.delivered[chat_id] += 1
        return "sent"


def fast(settings: Settings) -> Settings:
    return settings.model_copy(update={"send_rate_per_second": 50})


async def test_each_reminder_is_claimed_just_before_it_is_sent(storage: Storage, settings: Settings) -> None:
    users = await province(storage)
    outbox = WatchingOutbox(storage)
    report = await reminders.send_due(outbox, storage, fast(settings), MOMENT)
    assert report.outcomes == {"sent": AGENCIES}
    assert outbox.delivered == dict.fromkeys(users, 1)
    # Claimed a slot at a time, the first send would see all twelve pending; claimed one at a time, it sees
    # the one being sent and at most the next, waiting for its turn (and one more if a send runs late).
    assert max(outbox.unsettled_at_send) <= 3, outbox.unsettled_at_send


async def test_a_reminder_that_cannot_be_written_fails_alone(
    storage: Storage, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    users = await province(storage)
    written = reminders.reminder_text

    def reminder_text(*arguments: object) -> str:
        if arguments[2] == "Huyện 3":
            raise ArithmeticError("a figure that cannot be shown")
        return written(*arguments)  # type: ignore[arg-type]

    monkeypatch.setattr(reminders, "reminder_text", reminder_text)
    outbox = WatchingOutbox(storage)
    report = await reminders.send_due(outbox, storage, fast(settings), MOMENT)
    assert report.outcomes == {"sent": AGENCIES - 1, "failed": 1}
    assert outbox.delivered == {user: 1 for user in users if user != 503}
    [entry] = await storage.reminders.unsettled((await storage.periods.all())[0].id)
    assert (entry.user_id, entry.outcome) == (503, "failed")
    assert entry.detail is not None and "a figure that cannot be shown" in entry.detail


async def test_two_senders_on_one_file_share_the_work(storage: Storage, settings: Settings) -> None:
    users = await province(storage)
    rival = await open_storage(storage.db.url)
    try:
        ours_outbox, rival_outbox = WatchingOutbox(storage), WatchingOutbox(rival)
        ours, theirs = await asyncio.gather(
            reminders.send_due(ours_outbox, storage, fast(settings), MOMENT),
            reminders.send_due(rival_outbox, rival, fast(settings), MOMENT),
        )
    finally:
        await rival.close()
    assert ours_outbox.delivered + rival_outbox.delivered == dict.fromkeys(users, 1)
    assert ours.outcomes["sent"] + theirs.outcomes["sent"] == AGENCIES
    assert Counter(o for *_, o in await storage.reminders.outcomes((await storage.periods.all())[0].id)) == {
        "sent": AGENCIES
    }
