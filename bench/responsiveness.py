"""R, responsiveness on deadline day: how long a focal point waits for the next question while many type
at once, against the floor any bot has on the same network.

The local Bot API server holds every answer to the bot back by `--latency` (100 ms: a round trip from a
server in Vietnam to Telegram) and enforces Telegram's 30 messages a second. N focal points (60), each of
another reporting unit, work through /report in a closed loop: type a figure, wait for the next question,
think about 4 s, again (`bench.closed_loop`). The bot runs in its own process (`bench.bot_process`): ours
exactly as `python -m bot run` runs it, or the floor, a minimal bot that answers each message with one
sendMessage, users served concurrently. Each run has a fresh database (`bench.province`).

Runs: the floor and ours under the same load; ours while an admin asks for the Excel file and the chart
every 10 s; ours while the reminder job fans out 2,000 reminders (only the figures typed while the
fan-out is delivering count); and one user alone, floor and ours. Printed: p50, p95 and max of "typed →
next question" for each, and the goals: ours ÷ floor at p95 ≤ 1.5; with exports ÷ without at p95 ≤ 1.2;
during the fan-out ÷ the floor at p95 ≤ 2.

    python -m bench.responsiveness [--users 60] [--seconds 60] [--latency 0.1] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from resource import RUSAGE_CHILDREN, RUSAGE_SELF, getrusage
from typing import Any

from bench.closed_loop import (
    Pace,
    Recognise,
    Tally,
    WatchedServer,
    admin_exports,
    any_reply,
    export_buttons,
    focal_point,
    next_question,
    percentile,
    send_and_wait,
)
from bench.pg_server import fresh_database, throwaway_server
from bench.province import ADMIN_ID, FANOUT_TIME, FIGURES_PER_UNIT, PERIOD, Province, seed
from bot.sandbox import Limits

# `--postgres URL`: each run gets a fresh database on that server (any database's URL names it) instead of an
# SQLite file; `--postgres auto` starts a throw-away server for the benchmark.
DATABASE_SERVER: str | None = None

TELEGRAM_LIMIT = 30.0  # messages a second, all chats together, enforced by the server
START_SECONDS = 60.0  # the longest a bot process may take to start, or to stop


@dataclass(frozen=True)
class Load:
    users: int = 60
    seconds: float = 60.0  # how long the focal points keep typing
    think: float = 4.0  # mean seconds between a question and the next figure (±25 %)
    latency: float = 0.1  # seconds each Bot API answer takes to reach the bot
    export_every: float = 10.0
    fanout: int = 2000
    alone: int = 10  # figures the user alone types
    patience: float = 180.0  # the longest a user waits for one answer before giving up
    seed: int = 13


FULL = Load()
QUICK = Load(users=4, seconds=4.0, think=0.5, export_every=1.5, fanout=150, alone=3, patience=60.0)


@dataclass
class Run:
    """One scenario's outcome."""

    name: str
    tally: Tally
    calls: Counter[str] = field(default_factory=Counter)  # Bot API calls while typing, getUpdates aside
    retry_after: int = 0  # 429s the server sent
    window: tuple[float, float] | None = None  # the fan-out's first and last delivery
    fanout_delivered: int = 0
    log: list[str] = field(default_factory=list)  # the warnings and errors the bot logged

    def waits(self) -> list[float]:
        """Seconds from a typed figure to the next question; with a fan-out, of the figures whose wait
        overlapped its deliveries."""
        start, end = self.window or (float("-inf"), float("inf"))
        return [waited for sent, waited in self.tally.waits if sent <= end and sent + waited >= start]

    def stats(self) -> dict[str, float]:
        waits = self.waits()
        return {
            "p50": percentile(waits, 0.5),
            "p95": percentile(waits, 0.95),
            "max": max(waits, default=float("nan")),
            "answers": len(waits),
            "lost": self.tally.lost,
        }


class BotProcess:
    """`python -m bench.bot_process` as a child: started until ready, told what to do, stopped."""

    def __init__(self, process: asyncio.subprocess.Process, log: Path) -> None:
        self.process, self.log = process, log
        self.lines: list[str] = []
        self._ready = asyncio.Event()
        self._reading = asyncio.create_task(self._read())

    @classmethod
    async def start(cls, arguments: list[str], log: Path) -> BotProcess:
        with log.open("wb") as errors:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bench.bot_process", *arguments,
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=errors,
            )  # fmt: skip
        child = cls(process, log)
        ready = asyncio.create_task(child._ready.wait())
        await asyncio.wait([ready, child._reading], timeout=START_SECONDS, return_when=asyncio.FIRST_COMPLETED)
        if not child._ready.is_set():
            ready.cancel()
            await child.stop()
            raise RuntimeError(f"the bot did not start: {log.read_text(errors='replace')[-2000:]}")
        return child

    async def _read(self) -> None:
        assert self.process.stdout is not None
        while line := (await self.process.stdout.readline()).decode().strip():
            self.lines.append(line)
            if line == "ready":
                self._ready.set()

    def tell(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{line}\n".encode())

    async def stop(self) -> list[str]:
        """Stop the bot (killed if it does not stop in time); the warnings and errors it logged."""
        if self.process.returncode is None:
            with contextlib.suppress(ConnectionError):
                self.tell("stop")
                assert self.process.stdin is not None
                self.process.stdin.close()
            try:
                await asyncio.wait_for(self.process.wait(), START_SECONDS)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        await self._reading
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return [line for line in text.splitlines() if line.startswith(("WARNING", "ERROR", "CRITICAL"))]


async def _open_reports(server: WatchedServer, users: list[int], recognise: Recognise, patience: float) -> list[int]:
    """Every focal point types /report and waits for the first question; the question's marks."""
    outcomes = await asyncio.gather(
        *(send_and_wait(server, user, "/report", partial(recognise, 0), patience) for user in users)
    )
    if any(outcome is None for outcome in outcomes):
        raise RuntimeError("/report brought no question: see bench.closed_loop.question_serial")
    return [outcome[2] for outcome in outcomes if outcome is not None]


async def _drive(load: Load, server: WatchedServer, bot: BotProcess, province: Province, run: Run, **how: Any) -> None:
    """The closed loop itself, after everyone's first question, with the admin or the fan-out beside it."""
    recognise = next_question if how["ours"] else any_reply
    marks = await _open_reports(server, province.focal_points, recognise, load.patience)
    summary = None
    if how["exports"]:
        opened = await send_and_wait(server, ADMIN_ID, f"/summary {PERIOD}", export_buttons, load.patience)
        if opened is None:
            raise RuntimeError("/summary brought no summary with Excel and Chart buttons")
        summary = opened[2]
    before = Counter(server.world.counters.calls)
    started = time.perf_counter()
    pace = Pace(load.think, how["answers"], started + how["seconds"], load.patience)
    if province.fanout:
        bot.tell(f"fanout {FANOUT_TIME.isoformat()}")
    people = [
        focal_point(server, user, mark, recognise, pace, random.Random(load.seed * 100_003 + user), run.tally)
        for user, mark in zip(province.focal_points, marks, strict=True)
    ]
    if summary is not None:
        people.append(admin_exports(server, ADMIN_ID, summary, load.export_every, pace, run.tally))
    await asyncio.gather(*people)
    run.calls = Counter(server.world.counters.calls) - before
    del run.calls["getUpdates"]
    if province.fanout:
        deliveries = server.deliveries
        run.fanout_delivered = len(deliveries)
        run.window = (deliveries[0], deliveries[-1]) if deliveries else (started, started)


async def scenario(load: Load, name: str, users: int, *, ours: bool = True, **options: Any) -> Run:
    """One run in a fresh database and a fresh bot process: `users` focal points typing (options:
    exports, fanout, answers, seconds)."""
    run = Run(name, Tally())
    with tempfile.TemporaryDirectory(prefix="bench-r-") as folder:
        async with _database(folder) as database:
            province = await seed(database, users, options.get("fanout", 0))
            server = WatchedServer(latency=load.latency, limits=Limits(global_per_second=TELEGRAM_LIMIT))
            await server.start()
            for user in [*province.focal_points, ADMIN_ID, *province.fanout]:
                server.add_user(user, f"Người dùng {user}")
            server.watched = set(province.fanout)
            arguments = ["ours", server.api_url, str(database), str(ADMIN_ID)] if ours else ["floor", server.api_url]
            try:
                bot = await BotProcess.start(arguments, Path(folder) / "bot.log")
                try:
                    how = {
                        "ours": ours,
                        "exports": False,
                        "answers": FIGURES_PER_UNIT,
                        "seconds": load.seconds,
                    } | options
                    await _drive(load, server, bot, province, run, **how)
                finally:
                    run.log = await bot.stop()
            finally:
                run.retry_after = server.world.counters.retry_after_sent
                await server.stop()
    return run


@contextlib.asynccontextmanager
async def _database(folder: str) -> AsyncIterator[Path | str]:
    """A fresh database for one run: an SQLite file, or (`--postgres URL`) a new database on that server."""
    if DATABASE_SERVER is None:
        yield Path(folder) / "bench.db"
    else:
        async with fresh_database(DATABASE_SERVER) as url:
            yield url


async def runs(load: Load) -> dict[str, Run]:
    """Every scenario, one after the other, each alone on the machine."""
    alone = {"answers": load.alone, "seconds": load.alone * load.think * 3}
    plan: list[tuple[str, int, dict[str, Any]]] = [
        ("floor", load.users, {"ours": False}),
        ("ours", load.users, {}),
        ("exports", load.users, {"exports": True}),
        ("fanout", load.users, {"fanout": load.fanout}),
        ("floor alone", 1, {"ours": False, **alone}),
        ("ours alone", 1, alone),
    ]
    return {name: await scenario(load, name, users, **options) for name, users, options in plan}


def summarise(results: dict[str, Run]) -> dict[str, Any]:
    """The figures `python -m bench` tabulates."""
    stats = {name: run.stats() for name, run in results.items()}
    ours = results["ours"]
    typed = stats["ours"]["answers"] + stats["ours"]["lost"]
    exports = results["exports"].tally.exports
    fanout = results["fanout"]
    span = fanout.window[1] - fanout.window[0] if fanout.window else 0.0
    return {
        "stats": stats,
        "ratio": stats["ours"]["p95"] / stats["floor"]["p95"],
        "export_ratio": stats["exports"]["p95"] / stats["ours"]["p95"],
        "fanout_ratio": stats["fanout"]["p95"] / stats["floor"]["p95"],
        "alone_ratio": stats["ours alone"]["p95"] / stats["floor alone"]["p95"],
        "calls_per_figure": sum(ours.calls.values()) / typed if typed else float("nan"),
        "calls": dict(ours.calls),
        "exports": len(exports),
        "exports_lost": results["exports"].tally.exports_lost,
        "export_p50": percentile(exports, 0.5),
        "export_max": max(exports, default=float("nan")),
        "fanout_delivered": fanout.fanout_delivered,
        "fanout_rate": (fanout.fanout_delivered - 1) / span if span > 0 else float("nan"),
        "retry_after": sum(run.retry_after for run in results.values()),
        "log": {name: run.log for name, run in results.items() if run.log},
    }


async def measure(load: Load) -> dict[str, Any]:
    """Every run, summarised, with the processor time the people and server and the bots took."""
    started, ours, bots = time.perf_counter(), getrusage(RUSAGE_SELF), getrusage(RUSAGE_CHILDREN)
    result = summarise(await runs(load))
    after_ours, after_bots = getrusage(RUSAGE_SELF), getrusage(RUSAGE_CHILDREN)
    result["cpu"] = {
        "seconds": time.perf_counter() - started,
        "people_and_server": after_ours.ru_utime + after_ours.ru_stime - ours.ru_utime - ours.ru_stime,
        "bots": after_bots.ru_utime + after_bots.ru_stime - bots.ru_utime - bots.ru_stime,
    }
    return result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def report(load: Load, result: dict[str, Any]) -> str:
    """The figures as a text block: one row per run, then the goals."""
    lines = [
        f"R responsiveness: {load.users} focal points, {ms(load.latency)} per Bot API call, "
        f"think ~{load.think:g} s, {load.seconds:g} s of typing per run",
        f"  {'run':<14}{'answers':>8}{'lost':>6}{'p50':>11}{'p95':>11}{'max':>11}",
    ]
    for name, row in result["stats"].items():
        lines.append(
            f"  {name:<14}{row['answers']:>8}{row['lost']:>6}{ms(row['p50']):>11}{ms(row['p95']):>11}"
            f"{ms(row['max']):>11}"
        )
    lines += [
        f"  p95 ours ÷ floor: {result['ratio']:.2f} (goal ≤ 1.5)",
        f"  p95 with exports every {load.export_every:g} s ÷ without: {result['export_ratio']:.2f} (goal ≤ 1.2); "
        f"{result['exports']} files, p50 {ms(result['export_p50'])}, max {ms(result['export_max'])}, "
        f"{result['exports_lost']} never came",
        f"  p95 during the fan-out ÷ the floor's: {result['fanout_ratio']:.2f} (goal ≤ 2); "
        f"{result['fanout_delivered']} reminders at {result['fanout_rate']:.1f}/s while typing went on",
        f"  one user alone, p95 ours ÷ floor: {result['alone_ratio']:.2f}",
        f"  Bot API calls per typed figure (ours): {result['calls_per_figure']:.2f} {result['calls']}",
        f"  429s sent by the server: {result['retry_after']}",
        "  processor time over {seconds:.0f} s: people and server {people_and_server:.0f} s, bots {bots:.0f} s".format(
            **result["cpu"]
        ),
    ]
    for name, log in result["log"].items():
        lines.append(f"  the bot logged {len(log)} warnings or errors in '{name}', first: {log[0][:160]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke test")
    parser.add_argument(
        "--postgres", metavar="URL", help="run on PostgreSQL: a server's URL, or auto for a throw-away one"
    )
    for name, value in dataclasses.asdict(FULL).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=None)
    arguments = parser.parse_args(argv)
    chosen = {name: value for name, value in vars(arguments).items() if name not in ("quick", "postgres")}
    load = dataclasses.replace(QUICK if arguments.quick else FULL, **{k: v for k, v in chosen.items() if v is not None})
    global DATABASE_SERVER
    server = throwaway_server() if arguments.postgres == "auto" else None
    DATABASE_SERVER = server.url() if server else arguments.postgres
    try:
        result = asyncio.run(measure(load))
    finally:
        if server is not None:
            server.stop()
    print(report(load, result))
    return result


if __name__ == "__main__":
    main()
