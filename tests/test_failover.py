"""One leader and a standby on PostgreSQL, as real processes: `python -m bot run` twice, `status` naming the
leader, the standby answering once the leader stops; and the failover drill in small (a SIGKILL during a
reporting burst and a fan-out: no reminder twice, no acknowledged figure lost)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bench import failover
from bench.pg_server import PostgresServer
from bot.sandbox import BotApiServer, SandboxClient


async def _bot(*arguments: str, environment: dict[str, str], folder: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *arguments, env=environment, cwd=folder,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def _status(environment: dict[str, str], folder: Path) -> str:
    process = await _bot("status", environment=environment, folder=folder)
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    return output.decode()


async def test_a_standby_answers_once_the_leader_stops(
    server: BotApiServer, sandbox: SandboxClient, postgres_url: str, tmp_path: Path
) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "ADMIN_"))}
    environment |= {"BOT_TOKEN": server.token, "BOT_API_URL": server.api_url, "DATABASE_URL": postgres_url}
    environment |= {"DEFAULT_LOCALE": "en"}
    first = await _bot("run", environment=environment, folder=tmp_path)
    stranger = await sandbox.user(7, "Khách")
    await stranger.command("start")
    await stranger.expect("invite link", timeout=60)
    second = await _bot("run", environment=environment, folder=tmp_path)
    try:
        for _ in range(100):  # until the second is blocked in the lock
            status = await _status(environment, tmp_path)
            if "Standing by" in status:
                break
            await asyncio.sleep(0.3)
        leader, standing_by = status.splitlines()[:2]
        assert leader.endswith(f":{first.pid}") and standing_by.endswith(f":{second.pid}")
        first.send_signal(signal.SIGTERM)
        await asyncio.wait_for(first.communicate(), 60)
        assert first.returncode == 0
        await stranger.command("start")
        await stranger.expect("invite link", timeout=60)
        status = await _status(environment, tmp_path)
        assert status.splitlines() == [status.splitlines()[0]] and status.strip().endswith(f":{second.pid}")
    finally:
        for process in (first, second):
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.communicate(), 60)
    assert second.returncode == 0


async def test_the_failover_drill_loses_nothing_and_repeats_nothing(postgres_server: PostgresServer) -> None:
    result = await failover.measure(3, 60, postgres_server.url())
    assert result["duplicates"] == 0
    assert result["acknowledged"] == 3 * len(failover.ANSWERS) and result["lost"] == 0
    assert result["status_before"]["leader"] != result["status_after"]["leader"]
    assert result["delivered"] + result["uncertain"] >= 60  # each reminder went out, or is marked uncertain
