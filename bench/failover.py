"""F, the failover drill on PostgreSQL: a leader and a standby on one database; the leader is killed with
SIGKILL while focal points type figures and a reminder fan-out is under way.

Two bot processes (`bench.bot_process ours`, the product polling as `python -m bot run` does, each taking
the leader lock first) share a fresh database on a PostgreSQL server; the first leads, the second stands by.
Focal points report through /report; the leader sends a reminder to every recipient of the fan-out. Once
half the figures are acknowledged (the fan-out going on meanwhile), the leader gets SIGKILL. The standby
takes the lead, and (as its reminder job does on its first tick, and once more after the dead leader's
claims have lapsed) runs the fan-out again; the focal points whose figure got no answer type it again once
someone answers, and go on where they were.

Prints:
- takeover: from the kill until the standby polls, and until the first figure is acknowledged again;
- duplicates: recipients who got the reminder more than once (goal 0);
- reminders: delivered, uncertain (handed to Telegram by the dead leader, never repeated), missing;
- acknowledged figures lost: acknowledged (✓ Đã lưu) but not in the database (goal 0).

    python -m bench.failover [--focal-points 20] [--fanout 600] [--postgres URL|auto]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import sys
import time
from collections import Counter
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from bench.closed_loop import Message, WatchedServer
from bench.pg_server import fresh_database, throwaway_server
from bench.province import ADMIN_ID, FANOUT_TIME, Province, seed
from bench.responsiveness import TELEGRAM_LIMIT, BotProcess
from bot.sandbox import Limits, SandboxClient, SimUser
from bot.sandbox.client import SandboxError
from storage import open_storage
from storage.leader import processes

ANSWERS = ["26", "12", "3", "29", "27", "30", "25", "28", "27", "26", "20"]  # a district's first figures
PATIENCE = 6.0  # seconds a focal point waits for the acknowledgement before typing the figure again
THINK = 1.0  # seconds between an acknowledgement and the next figure, so that typing spans the kill
LEASE_SECONDS = 5.0  # the drill's REMINDER_LEASE_SECONDS: a dead leader's claims lapse after it
SAVED = re.compile(r"✓ Đã lưu: .* = ([\d.]+)")


class CountingServer(WatchedServer):
    """The local server, counting the messages each fan-out recipient got."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.per_chat: Counter[int] = Counter()

    def _arrived(self, chat_id: int, message: Message, moment: float) -> None:
        if chat_id in self.watched:
            self.per_chat[chat_id] += 1
        super()._arrived(chat_id, message, moment)


class Drill:
    """What happened, as the focal points and the server saw it."""

    def __init__(self) -> None:
        self.killed_at: float | None = None
        self.leading_again = asyncio.Event()
        self.acknowledged: dict[int, list[float]] = {}
        self.acks_after_kill: list[float] = []
        self.retyped = 0


async def focal_point(sandbox: SandboxClient, user_id: int, drill: Drill) -> None:
    """/report, then each figure until it is acknowledged; typed again after the takeover if it was not."""
    user = SimUser(sandbox, user_id, f"Người dùng {user_id}")
    acknowledged = drill.acknowledged.setdefault(user_id, [])
    await _until_answered(user, drill, lambda: user.command("report"), "Mục 1/")
    for answer in ANSWERS:
        await asyncio.sleep(THINK)
        seen = await _until_answered(user, drill, lambda answer=answer: user.send(answer), "✓ Đã lưu")
        found = SAVED.search(seen.text)
        if found:
            acknowledged.append(float(found[1].replace(".", "")))


async def _until_answered(user: SimUser, drill: Drill, act: Any, fragment: str) -> Any:
    while True:
        await act()
        try:
            seen = await _sent(user, fragment)
        except SandboxError:
            drill.retyped += 1
            await drill.leading_again.wait()
            continue
        if drill.killed_at is not None and drill.leading_again.is_set():
            drill.acks_after_kill.append(time.perf_counter() - drill.killed_at)
        return seen


async def _sent(user: SimUser, fragment: str) -> Any:
    """The next message the bot sent with `fragment`; the edit of an older one (its buttons taken off,
    which still shows the acknowledgement before it) is skipped."""
    deadline = time.monotonic() + PATIENCE
    while True:
        seen = await user.expect(fragment, timeout=max(0.1, deadline - time.monotonic()))
        if seen.kind == "send":
            return seen


async def standby(arguments: list[str], log: Path) -> BotProcess:
    """A second bot process, not waited for: it stands by until the leader dies."""
    with log.open("wb") as errors:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.bot_process", *arguments,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=errors,
        )  # fmt: skip
    return BotProcess(process, log)


async def run(url: str, folder: Path, focal_points: int, fanout: int) -> dict[str, Any]:
    """The drill on the fresh database at `url`."""
    province = await seed(url, focal_points, fanout)
    server = CountingServer(limits=Limits(global_per_second=TELEGRAM_LIMIT))
    await server.start()
    for user in [*province.focal_points, ADMIN_ID, *province.fanout]:
        server.add_user(user, f"Người dùng {user}")
    server.watched = set(province.fanout)
    lease = os.environ.get("REMINDER_LEASE_SECONDS")
    os.environ["REMINDER_LEASE_SECONDS"] = str(LEASE_SECONDS)  # the bot processes' setting
    arguments = ["ours", server.api_url, url, str(ADMIN_ID)]
    sandbox = SandboxClient(server.api_url)
    try:
        leader = await BotProcess.start(arguments, folder / "leader.log")
        second = await standby(arguments, folder / "standby.log")
        before = await processes(url)
        while not before.standby:  # until the standby is blocked in the lock
            await asyncio.sleep(0.2)
            before = await processes(url)
        result = await _drive(server, sandbox, leader, second, province, fanout)
        result["status_before"] = {"leader": before.leader, "standby": before.standby}
        result["status_after"] = vars(await processes(url))
        result["log"] = await second.stop()
        await leader.stop()
    finally:
        os.environ.pop("REMINDER_LEASE_SECONDS") if lease is None else os.environ.update(REMINDER_LEASE_SECONDS=lease)
        await sandbox.close()
        await server.stop()
    return result | await _stored(url, province, result.pop("acknowledged"))


async def _drive(
    server: CountingServer,
    sandbox: SandboxClient,
    leader: BotProcess,
    second: BotProcess,
    province: Province,
    fanout: int,
) -> dict[str, Any]:
    drill = Drill()
    leader.tell(f"fanout {FANOUT_TIME.isoformat()}")
    while not server.per_chat:  # the typing starts with the fan-out's first message, so that it spans the kill
        await asyncio.sleep(0.05)
    typing = asyncio.gather(*(focal_point(sandbox, user, drill) for user in province.focal_points))
    half = len(province.focal_points) * len(ANSWERS) // 2
    while sum(len(figures) for figures in drill.acknowledged.values()) < half:  # mid-burst, mid-fan-out
        await asyncio.sleep(0.05)
    os.kill(leader.process.pid, signal.SIGKILL)
    drill.killed_at = time.perf_counter()
    await asyncio.wait_for(second._ready.wait(), 60)
    polling_after = time.perf_counter() - drill.killed_at
    drill.leading_again.set()
    second.tell(f"fanout {FANOUT_TIME.isoformat()}")  # what its reminder job does on its first tick
    await asyncio.sleep(LEASE_SECONDS + 1)
    second.tell(f"fanout {FANOUT_TIME.isoformat()}")  # and on a later one, once the dead leader's claims lapsed
    await asyncio.wait_for(typing, 600)
    while sum(1 for line in second.lines if line.startswith("fanout-done")) < 2:
        await asyncio.sleep(0.2)
    return {
        "polling_after": polling_after,
        "answered_after": min(drill.acks_after_kill, default=float("nan")),
        "retyped": drill.retyped,
        "delivered": len(server.per_chat),
        "duplicates": sum(1 for count in server.per_chat.values() if count > 1),
        "fanout": fanout,
        "acknowledged": drill.acknowledged,
    }


async def _stored(url: str, province: Province, acknowledged: dict[int, list[float]]) -> dict[str, Any]:
    """Acknowledged figures missing from the database, and the reminder log's uncertain rows."""
    storage = await open_storage(url)
    try:
        lost = 0
        for user, unit in zip(province.focal_points, province.units, strict=True):
            rows = await storage.db.fetch_all('SELECT number FROM "values" WHERE agency_code = ?', (unit,))
            stored = Counter(float(row[0]) for row in rows if row[0] is not None)
            lost += sum((Counter(acknowledged.get(user, [])) - stored).values())
        uncertain = await storage.db.fetch_one("SELECT COUNT(*) FROM reminder_log WHERE outcome = 'unknown'")
    finally:
        await storage.close()
    return {
        "acknowledged": sum(len(figures) for figures in acknowledged.values()),
        "lost": lost,
        "uncertain": int(uncertain[0]) if uncertain else 0,
    }


async def measure(focal_points: int, fanout: int, server: str) -> dict[str, Any]:
    with TemporaryDirectory(prefix="bench-f-") as folder:
        async with fresh_database(server, "failover") as url:
            return await run(url, Path(folder), focal_points, fanout)


def report(result: dict[str, Any]) -> str:
    missing = result["fanout"] - result["delivered"]
    return "\n".join(
        [
            f"F failover drill: leader {result['status_before']['leader']} killed (SIGKILL) during a reporting"
            f" burst and a {result['fanout']}-reminder fan-out; standby {result['status_before']['standby']}",
            f"  takeover: polling {result['polling_after']:.2f} s after the kill, first figure acknowledged"
            f" {result['answered_after']:.2f} s after it",
            f"  duplicates: {result['duplicates']} (goal 0); delivered {result['delivered']}, missing {missing};"
            f" the log marks {result['uncertain']} uncertain (handed to Telegram by the dead leader, not repeated)",
            f"  acknowledged figures: {result['acknowledged']}, lost {result['lost']} (goal 0);"
            f" figures typed again after no answer: {result['retyped']}",
            f"  status after: leader {result['status_after']['leader']}, standby {result['status_after']['standby']}",
        ]
    )


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--focal-points", type=int, default=20)
    parser.add_argument("--fanout", type=int, default=600)
    parser.add_argument("--postgres", metavar="URL", default="auto", help="a server's URL, or auto (throw-away)")
    arguments = parser.parse_args(argv)
    throwaway = throwaway_server() if arguments.postgres == "auto" else None
    try:
        server = throwaway.url() if throwaway else arguments.postgres
        result = asyncio.run(measure(arguments.focal_points, arguments.fanout, server))
    finally:
        if throwaway is not None:
            throwaway.stop()
    print(report(result))
    return result


if __name__ == "__main__":
    main()
