"""Reminders sent by real `python -m bot reminders run-once` processes against the local Bot API server
with a send limit, so that a fan-out takes seconds: a sender killed with SIGKILL mid fan-out, then run
again once its lease has lapsed, leaves every reminder of the slot delivered exactly once; two and four
senders at once, over five slots, neither crash nor send anything twice, and leave nothing pending.

Deliveries are counted by the server: the messages each simulated user's chat received."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.sandbox import BotApiServer, Limits
from bot.sandbox.province import reminded_province
from storage import open_storage
from tests.test_reminder_fanout import DEADLINE

AGENCIES = 30
FIRST_USER = 10_000
SLOTS = ["2030-12-02", "2030-12-11", "2030-12-17", "2030-12-19", "2030-12-20"]  # before-14 … due, 09:00
LEASE_SECONDS = 1.0


async def province(path: Path, server: BotApiServer) -> list[int]:
    """AGENCIES districts, each with one focal point who has a chat on `server`, owing the open period."""
    storage = await open_storage(path)
    try:
        return await reminded_province(storage, AGENCIES, DEADLINE, first_user=FIRST_USER, server=server)
    finally:
        await storage.close()


def environment(server: BotApiServer, database: Path, rate: float, lease: float | None) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "ADMIN_", "DATABASE_", "REMINDER"))}
    return base | {
        "BOT_TOKEN": server.token,
        "BOT_API_URL": server.api_url,
        "DATABASE_URL": str(database),
        "REMINDERS_ENABLED": "false",
        "SEND_RATE_PER_SECOND": str(rate),
        "LOG_LEVEL": "INFO",
        **({"REMINDER_LEASE_SECONDS": str(lease)} if lease else {}),
    }


async def start(
    server: BotApiServer, database: Path, day: str, rate: float, lease: float | None = None, *command: str
) -> asyncio.subprocess.Process:
    """`python -m bot reminders run-once --at DAY 09:00` (or another reminders `command`) as a process."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "reminders",
        *(command or ("run-once",)),
        "--at",
        f"{day}T09:00",
        env=environment(server, database, rate, lease),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def finish(process: asyncio.subprocess.Process) -> tuple[int, str, str]:
    """Its exit code, stdout and stderr; a sender that hangs fails the test instead of stalling it."""
    out, err = await asyncio.wait_for(process.communicate(), 180)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def received(server: BotApiServer, users: list[int]) -> dict[int, int]:
    """How many messages each user's chat received from the bot."""
    return {user: len(server.world.chats[user].bot_messages) for user in users}


def outcomes(database: Path) -> Counter[str]:
    with sqlite3.connect(database) as connection:
        return Counter(row[0] for row in connection.execute("SELECT outcome FROM reminder_log"))


def outcome_of(database: Path, user_id: int) -> str:
    with sqlite3.connect(database) as connection:
        return str(connection.execute("SELECT outcome FROM reminder_log WHERE user_id = ?", (user_id,)).fetchone()[0])


async def test_a_sender_killed_as_a_message_arrives_leaves_nothing_unsent(server: BotApiServer, tmp_path: Path) -> None:
    """SIGKILL at the moment the 8th message reaches the server, before the sender hears back."""
    database = tmp_path / "bot.db"
    users = await province(database, server)
    server.limits = Limits(global_per_second=5, per_chat_per_second=1)
    sender = await start(server, database, SLOTS[0], rate=5, lease=LEASE_SECONDS)
    eighth: list[int] = []
    record_send = server.record_send

    def record_and_kill(chat_id: int) -> None:
        record_send(chat_id)
        if sum(received(server, users).values()) == 8 and not eighth:
            eighth.append(chat_id)
            sender.send_signal(signal.SIGKILL)

    server.record_send = record_and_kill  # type: ignore[method-assign]
    code, _, _ = await finish(sender)
    server.record_send = record_send  # type: ignore[method-assign]
    assert code == -signal.SIGKILL
    assert sum(received(server, users).values()) == 8
    await asyncio.sleep(LEASE_SECONDS * 1.5)  # the dead sender's leases lapse
    code, _, err = await finish(await start(server, database, SLOTS[0], rate=5, lease=LEASE_SECONDS))
    assert code == 0, err
    assert received(server, users) == dict.fromkeys(users, 1)  # every reminder of the slot, exactly once
    # The 8th arrived, but its sender died before it heard so: uncertain, and rightly not sent again.
    assert outcome_of(database, eighth[0]) == "unknown"
    assert outcomes(database) == {"sent": AGENCIES - 1, "unknown": 1}
    assert "they may have arrived" in err
    code, plan, _ = await finish(await start(server, database, SLOTS[0], 5, None, "plan"))
    assert code == 0
    [line] = [line for line in plan.splitlines() if str(eighth[0]) in line]
    assert "chưa rõ kết quả" in line and "có thể đã đến nơi nên không gửi lại" in line


async def test_a_sender_killed_while_a_claim_waits_for_its_turn_leaves_nothing_unsent(
    server: BotApiServer, tmp_path: Path
) -> None:
    """SIGKILL between two sends, when the next reminder is claimed and waits for its turn at the rate."""
    database = tmp_path / "bot.db"
    users = await province(database, server)
    server.limits = Limits(global_per_second=5, per_chat_per_second=1)
    sender = await start(server, database, SLOTS[1], rate=2, lease=LEASE_SECONDS)
    seen: Counter[str] = Counter()
    for _ in range(3000):  # bounds a hang: a sender that never gets there fails the test
        seen = outcomes(database)
        if seen == {"sent": 3, "claimed": 1}:
            break
        await asyncio.sleep(0.01)
    assert seen == {"sent": 3, "claimed": 1}
    sender.send_signal(signal.SIGKILL)
    code, _, _ = await finish(sender)
    assert code == -signal.SIGKILL
    assert sum(received(server, users).values()) == 3
    await asyncio.sleep(LEASE_SECONDS * 1.5)
    code, _, err = await finish(await start(server, database, SLOTS[1], rate=5, lease=LEASE_SECONDS))
    assert code == 0, err
    assert "claims lapsed" in err and "they are due again" in err  # the dead sender's claim, taken over
    assert received(server, users) == dict.fromkeys(users, 1)
    assert outcomes(database) == {"sent": AGENCIES}


@pytest.mark.parametrize("senders", [2, 4])
async def test_rival_senders_over_five_slots_take_turns(server: BotApiServer, tmp_path: Path, senders: int) -> None:
    """Cron beside the bot's own job, or several instances: all start at the same moment, slot after slot."""
    database = tmp_path / "bot.db"
    users = await province(database, server)
    server.limits = Limits(global_per_second=20, per_chat_per_second=1)
    codes: list[int] = []
    for day in SLOTS:
        rivals = [await start(server, database, day, rate=20) for _ in range(senders)]
        for code, _, err in await asyncio.gather(*(finish(rival) for rival in rivals)):
            codes.append(code)
            assert "Traceback" not in err, err
    assert codes == [0] * (senders * len(SLOTS))  # no crashes
    assert received(server, users) == dict.fromkeys(users, len(SLOTS))  # one per slot: no duplicate, none lost
    assert outcomes(database) == {"sent": AGENCIES * len(SLOTS)}  # nothing pending or uncertain
