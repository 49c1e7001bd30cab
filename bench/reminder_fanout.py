"""P2, reminder fan-out: N focal points reminded through the whole stack (the reminder job's code, the
real Application with its PriorityRateLimiter, the local Bot API server over HTTP) while the server enforces a
global limit of L messages per second and one per chat per second.

Prints the achieved rate ÷ the limit (goal ≥ 0.95), the 429s the server had to send (goal 0) and the most
messages one chat got within a second (goal 1).

    python -m bench.reminder_fanout [--users 2000] [--limit 30]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bot.app import build_app, run_reminders
from bot.config import Settings
from bot.sandbox import BotApiServer, Limits
from bot.sandbox.province import reminded_province


async def measure(users: int, limit: float) -> dict[str, Any]:
    server = BotApiServer(limits=Limits(global_per_second=limit, per_chat_per_second=1))
    await server.start()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            bot_token=server.token,  # type: ignore[arg-type]
            bot_api_url=server.api_url,
            database_url=str(Path(folder) / "bench.db"),
            send_rate_per_second=limit,
            reminders_enabled=False,
        )
        application = build_app(settings)
        await application.initialize()
        assert application.post_init is not None
        await application.post_init(application)
        try:
            storage = application.bot_data.storage
            await reminded_province(storage, users, date(2030, 12, 5), server=server)  # due on a Thursday
            started = time.perf_counter()
            report = await run_reminders(application, datetime(2030, 12, 5, 9, 0, tzinfo=settings.tzinfo))
            elapsed = time.perf_counter() - started
        finally:
            await application.post_shutdown(application)  # type: ignore[misc]
            await application.shutdown()
    stats = server.world.counters.snapshot()
    await server.stop()
    delivered = stats["messages_delivered"]
    span = (stats["last_send"] - stats["first_send"]) if delivered > 1 else elapsed
    rate = (delivered - 1) / span if span > 0 else float(delivered)
    return {
        "users": users,
        "limit": limit,
        "delivered": delivered,
        "seconds": elapsed,
        "rate": rate,
        "rate_ratio": rate / limit,
        "retry_after_sent": stats["retry_after_sent"],
        "max_per_chat_per_second": stats["max_per_chat_per_second"],
        "outcomes": report,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--limit", type=float, default=30)
    arguments = parser.parse_args(argv)
    result = asyncio.run(measure(arguments.users, arguments.limit))
    print(f"P2 reminder fan-out: {result['delivered']}/{result['users']} delivered in {result['seconds']:.1f} s")
    print(
        f"  achieved {result['rate']:.2f} msg/s ÷ limit {result['limit']:.0f} = {result['rate_ratio']:.3f}"
        "  (goal ≥ 0.95)"
    )
    print(f"  429s sent by the server: {result['retry_after_sent']}  (goal 0)")
    print(f"  most messages to one chat within a second: {result['max_per_chat_per_second']}  (goal 1)")
    return result


if __name__ == "__main__":
    main()
