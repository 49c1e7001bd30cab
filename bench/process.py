"""P4, `python -m bot run` as a process against the local Bot API server: the time from starting it until
it answers its first update (goal ≤ 1.5 s) and its resident memory once idle (goal ≤ 80 MB). Beside it, as
a baseline run the same way, a minimal python-telegram-bot echo bot.

    python -m bench.process
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.sandbox import BotApiServer, SandboxClient

ECHO_BOT = """
import sys
from telegram.ext import ApplicationBuilder, MessageHandler, filters
async def echo(update, context):
    await update.effective_message.reply_text(update.effective_message.text)
app = ApplicationBuilder().token(sys.argv[1]).base_url(sys.argv[2] + "/bot").build()
app.add_handler(MessageHandler(filters.ALL, echo))
app.run_polling()
"""
IDLE_SECONDS = 3.0


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def one(
    command: list[str], server: BotApiServer, environment: dict[str, str], user_id: int
) -> tuple[float, float]:
    sandbox = SandboxClient(server.api_url)
    user = await sandbox.user(user_id, "Khách")
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *command, env=environment, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    try:
        await user.command("start")
        await user.next(timeout=60)
        first_answer = time.perf_counter() - started
        await asyncio.sleep(IDLE_SECONDS)  # idle: measuring memory at rest is the point of waiting here
        memory = rss_mb(process.pid)
    finally:
        process.terminate()
        await process.wait()
        await sandbox.close()
    return first_answer, memory


async def measure() -> dict[str, Any]:
    server = BotApiServer()
    await server.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            base = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "ADMIN_", "DATABASE_"))}
            ours = base | {
                "BOT_TOKEN": server.token,
                "BOT_API_URL": server.api_url,
                "DATABASE_URL": str(Path(folder) / "p4.db"),
            }
            echo_time, echo_rss = await one(
                [sys.executable, "-c", ECHO_BOT, server.token, server.api_url], server, base, 1
            )
            bot_time, bot_rss = await one([sys.executable, "-m", "bot", "run"], server, ours, 2)
    finally:
        await server.stop()
    return {
        "first_answer": bot_time,
        "baseline_first_answer": echo_time,
        "rss_mb": bot_rss,
        "baseline_rss_mb": echo_rss,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    result = asyncio.run(measure())
    print("P4 python -m bot run against the local server:")
    print(
        f"  first answer after {result['first_answer']:.2f} s (echo bot {result['baseline_first_answer']:.2f} s)"
        "  (goal ≤ 1.5 s)"
    )
    print(f"  idle RSS {result['rss_mb']:.0f} MB (echo bot {result['baseline_rss_mb']:.0f} MB)  (goal ≤ 80 MB)")
    return result


if __name__ == "__main__":
    main()
