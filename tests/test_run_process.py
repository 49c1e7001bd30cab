"""`python -m bot run` as a real process against the local Bot API server: it answers, then stops
cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.sandbox import BotApiServer, SandboxClient


async def test_run_answers_and_stops_on_sigterm(server: BotApiServer, sandbox: SandboxClient, tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "ADMIN_"))}
    environment |= {"BOT_TOKEN": server.token, "BOT_API_URL": server.api_url, "DATABASE_URL": str(tmp_path / "run.db")}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=environment,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stranger = await sandbox.user(7, "Khách")
        await stranger.command("start")
        # No programme is loaded yet, so no consolidating agency is named.
        assert "cơ quan tổng hợp" in (await stranger.expect("đường link mời", timeout=30)).text
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    log = stderr.decode()
    assert process.returncode == 0, log
    assert server.token not in log  # the token is in every API URL; the log must not show it
    assert (await sandbox.stats())["calls"]["setMyCommands"] == 2
