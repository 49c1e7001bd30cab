"""P1, updates per second through the full stack: the local Bot API server over HTTP, PTB polling, the
reporting conversation's handler and a durable SQLite write (WAL, synchronous=FULL) per figure.

Compared side by side with the same stack and a no-op handler. Prints the ratio (goal ≥ 0.5) and the time
the bot spends on each update, at p50 and p99 (goal p99 ≤ 10 ms).

    python -m bench.updates [--users 12] [--answers 15]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import MessageHandler, TypeHandler, filters

from bot import services
from bot.app import build_app, polling
from bot.config import Settings
from bot.context import BotApplication
from bot.domain.models import Role
from bot.sandbox import BotApiServer
from bot.sandbox.state import World


def _settings(server: BotApiServer, folder: str) -> Settings:
    return Settings(
        bot_token=server.token,
        bot_api_url=server.api_url,  # type: ignore[arg-type]
        database_url=str(Path(folder) / "p1.db"),
        reminders_enabled=False,
        # The local server imposes no limit; lift the bot's so that its own costs are measured.
        send_rate_per_second=100_000,
    )


def _timed(application: BotApplication, durations: list[float]) -> None:
    """Record how long each update spends in the bot's handlers (from the first group to the last)."""
    started: dict[int, float] = {}

    async def begin(update: Update, context: Any) -> None:
        started[update.update_id] = time.perf_counter()

    async def end(update: Update, context: Any) -> None:
        if update.update_id in started:
            durations.append(time.perf_counter() - started.pop(update.update_id))

    application.add_handler(TypeHandler(Update, begin), group=-100)
    application.add_handler(TypeHandler(Update, end), group=100)


async def _wait(world: World, done: Any, timeout: float = 600) -> None:
    if not await world.wait_for(done, timeout):
        raise RuntimeError("the bot did not finish in time")


async def reporting(users: int, answers: int) -> tuple[float, list[float]]:
    """Users in the middle of /report each type `answers` figures; seconds for all, handler times."""
    server = BotApiServer()
    await server.start()
    durations: list[float] = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            application = build_app(_settings(server, folder))
            _timed(application, durations)
            async with polling(application, timeout=10):
                storage = application.bot_data.storage
                await services.load_shipped(storage)
                await services.open_period(
                    storage, "2025", programme_code="HD-NQ30", deadline=date.today() + timedelta(days=30)
                )
                districts = [
                    code
                    for code, _ in sorted((await storage.catalogue.assignments(1)).items())
                    if code.startswith(("H-", "TP-", "TX-"))
                ]
                for index in range(users):
                    invite = await storage.users.create_invite(
                        districts[index % len(districts)], Role.FOCAL, timedelta(days=1)
                    )
                    user_id = 50_000 + index
                    server.add_user(user_id, f"Đầu mối {index}")
                    await storage.users.redeem_invite(invite.token, user_id, f"Đầu mối {index}", None)
                    await server.user_sends(user_id, {"text": "/report"})
                calls = server.world.counters.calls
                await _wait(server.world, lambda: calls["sendMessage"] >= users)
                durations.clear()
                target = calls["sendMessage"] + users * answers  # the next question, "✓ saved" on its first line
                started = time.perf_counter()
                for answer in range(answers):
                    for index in range(users):
                        await server.user_sends(50_000 + index, {"text": str(20 + answer)})
                await _wait(server.world, lambda: calls["sendMessage"] >= target)
                elapsed = time.perf_counter() - started
    finally:
        await server.stop()
    return elapsed, durations


async def no_op(users: int, answers: int) -> tuple[float, list[float]]:
    """The same updates through the same stack, to a handler that does nothing."""
    server = BotApiServer()
    await server.start()
    durations: list[float] = []
    handled = 0

    async def nothing(update: Update, context: Any) -> None:
        nonlocal handled
        handled += 1
        await server.world.notify()

    try:
        with tempfile.TemporaryDirectory() as folder:
            application = build_app(_settings(server, folder))
            application.handlers.clear()
            application.add_handler(MessageHandler(filters.ALL, nothing))
            _timed(application, durations)
            async with polling(application, timeout=10):
                for index in range(users):
                    server.add_user(50_000 + index, f"Đầu mối {index}")
                started = time.perf_counter()
                for answer in range(answers):
                    for index in range(users):
                        await server.user_sends(50_000 + index, {"text": str(20 + answer)})
                await _wait(server.world, lambda: handled >= users * answers)
                elapsed = time.perf_counter() - started
    finally:
        await server.stop()
    return elapsed, durations


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def measure(users: int, answers: int) -> dict[str, Any]:
    updates = users * answers
    base_seconds, _ = await no_op(users, answers)
    full_seconds, durations = await reporting(users, answers)
    return {
        "updates": updates,
        "baseline_rate": updates / base_seconds,
        "rate": updates / full_seconds,
        "ratio": base_seconds / full_seconds,
        "p50_ms": percentile(durations, 0.5) * 1000,
        "p99_ms": percentile(durations, 0.99) * 1000,
        "mean_ms": statistics.fmean(durations) * 1000,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=12)
    parser.add_argument("--answers", type=int, default=15)
    arguments = parser.parse_args(argv)
    result = asyncio.run(measure(arguments.users, arguments.answers))
    print(f"P1 updates through the full stack: {result['updates']} figures typed by {arguments.users} users")
    print(
        f"  reporting handler {result['rate']:.0f} updates/s ÷ no-op handler {result['baseline_rate']:.0f} "
        f"updates/s = {result['ratio']:.2f}  (goal ≥ 0.5)"
    )
    print(
        f"  time in the bot per update: p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms  "
        "(goal p99 ≤ 10 ms)"
    )
    return result


if __name__ == "__main__":
    main()
