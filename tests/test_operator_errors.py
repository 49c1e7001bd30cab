"""What an operator sees when something is wrong: one clear line naming what and what to do, a non-zero exit
within seconds, never a traceback, never the token. Each row of the bad-input table is a real process."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app import build_app, polling
from bot.cli import main
from bot.config import Settings
from bot.sandbox import BotApiServer, SandboxClient

WRONG_TOKEN = "987654321:AAE-wrong-token-that-must-never-be-printed"


@dataclass
class Outcome:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


async def cli(*args: str, env: dict[str, str], cwd: Path, timeout: float = 60) -> Outcome:
    """`python -m bot ARGS` as a process; fails the test if it does not end within `timeout` (a hang)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "ADMIN_", "DATABASE_", "LOG_"))}
    environment["DEFAULT_LOCALE"] = "en"  # the messages below are checked in English; a test may ask for vi
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env=environment | env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        process.kill()
        await process.communicate()
        raise AssertionError(f"`python -m bot {' '.join(args)}` hung for {timeout} s") from None
    assert process.returncode is not None
    return Outcome(process.returncode, out.decode(), err.decode())


def clean(outcome: Outcome) -> None:
    """No traceback, no token, and the complaint fits on one line of its own."""
    assert "Traceback" not in outcome.text, outcome.text
    assert WRONG_TOKEN not in outcome.text


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_an_unreachable_bot_api_is_retried_with_backoff_then_one_line(tmp_path: Path) -> None:
    env = {
        "BOT_TOKEN": WRONG_TOKEN,
        "BOT_API_URL": f"http://127.0.0.1:{closed_port()}",
        "BOT_API_START_ATTEMPTS": "2",
        "DATABASE_URL": str(tmp_path / "bot.db"),
    }
    outcome = await cli("run", env=env, cwd=tmp_path, timeout=30)
    clean(outcome)
    assert outcome.code == 3
    assert "does not answer" in outcome.err and "attempt 1 of 2, next in 1 s" in outcome.err
    assert (
        outcome.err.strip().splitlines()[-1].startswith("Network error: cannot reach the Bot API at http://127.0.0.1")
    )


async def test_a_rejected_token_is_one_line_and_never_printed(server: BotApiServer, tmp_path: Path) -> None:
    env = {"BOT_TOKEN": WRONG_TOKEN, "BOT_API_URL": server.api_url, "DATABASE_URL": str(tmp_path / "bot.db")}
    outcome = await cli("run", env=env, cwd=tmp_path)
    clean(outcome)
    assert outcome.code == 2
    assert outcome.err.strip() == (
        f"Configuration error: BOT_TOKEN: the Bot API at {server.api_url} refused the token; copy it again from "
        "@BotFather"
    )


@pytest.mark.parametrize(
    ("database", "expected"),
    [
        ("{tmp}", "is a folder, not a database file"),
        ("/dev/null/chitieu.db", "cannot create the folder /dev/null"),
        ("/sys/chitieu/chitieu.db", "cannot create the folder /sys/chitieu"),
        ("{tmp}/spreadsheet.db", "is not an SQLite database"),
    ],
)
async def test_an_unusable_database_is_one_line_for_every_command(database: str, expected: str, tmp_path: Path) -> None:
    (tmp_path / "spreadsheet.db").write_text("Tên đơn vị;Số liệu\n" * 100, encoding="utf-8")
    env = {"DATABASE_URL": database.format(tmp=tmp_path)}
    for command in (["init"], ["period", "list"], ["health"]):
        outcome = await cli(*command, env=env, cwd=tmp_path, timeout=20)
        clean(outcome)
        assert outcome.code == 2, outcome.text
        assert outcome.err.startswith("Database error: ") and expected in outcome.err
        assert len(outcome.err.strip().splitlines()) == 1


async def test_the_bot_on_a_file_that_is_not_a_database_stops_instead_of_hanging(
    server: BotApiServer, tmp_path: Path
) -> None:
    (tmp_path / "spreadsheet.db").write_bytes(b"PK\x03\x04 an xlsx saved under the wrong name" * 50)
    env = {"BOT_TOKEN": server.token, "BOT_API_URL": server.api_url, "DATABASE_URL": str(tmp_path / "spreadsheet.db")}
    outcome = await cli("run", env=env, cwd=tmp_path, timeout=30)
    assert "Traceback" not in outcome.text and server.token not in outcome.text
    assert outcome.code == 2
    assert outcome.err.strip().splitlines()[-1].startswith(f"Database error: {tmp_path / 'spreadsheet.db'} is not")


@pytest.fixture
async def initialised(tmp_path: Path) -> dict[str, str]:
    env = {"DATABASE_URL": str(tmp_path / "bot.db")}
    assert (await cli("init", env=env, cwd=tmp_path)).code == 0
    return env


async def test_an_output_path_that_cannot_be_written_is_one_line(initialised: dict[str, str], tmp_path: Path) -> None:
    cases = [
        (["catalog", "template", "--out", str(tmp_path)], "(it is a folder)"),
        (["catalog", "template", "--out", "/proc/chitieu.xlsx"], "Cannot write /proc/chitieu.xlsx"),
        (["db", "backup", str(tmp_path)], "(it is a folder)"),
        (["db", "backup", "/sys/chitieu/backup.db"], "Cannot write /sys/chitieu/backup.db"),
    ]
    for command, expected in cases:
        outcome = await cli(*command, env=initialised | {"DEFAULT_LOCALE": "en"}, cwd=tmp_path)
        clean(outcome)
        assert outcome.code == 1, outcome.text
        assert expected in outcome.err and "choose a file in a folder you may write" in outcome.err


async def test_period_input_is_checked_and_dates_read_as_officials_write_them(
    initialised: dict[str, str], tmp_path: Path
) -> None:
    env = initialised | {"DEFAULT_LOCALE": "en"}
    overdue = await cli(
        "period", "open", "2027", "--programme", "HD-NQ30", "--deadline", "2020-01-01", env=env, cwd=tmp_path
    )
    clean(overdue)
    assert overdue.code == 1 and "is before the period begins (Jan 1, 2027)" in overdue.err
    assert "No periods yet" in (await cli("period", "list", env=env, cwd=tmp_path)).out  # nothing was opened
    opened = await cli(
        "period", "open", "2027", "--programme", "HD-NQ30", "--deadline", "05/12/2027", env=env, cwd=tmp_path
    )
    assert opened.code == 0 and "on time until the end of Dec 5, 2027" in opened.out
    wrong = await cli("period", "open", "2028", "--deadline", "31/02/2028", env=env, cwd=tmp_path)
    clean(wrong)
    assert wrong.code == 2 and "is not a date: write DD/MM/YYYY or YYYY-MM-DD" in wrong.err


async def test_an_empty_database_says_to_run_init(tmp_path: Path) -> None:
    outcome = await cli(
        "period", "open", "2025", env={"DATABASE_URL": str(tmp_path / "new.db"), "DEFAULT_LOCALE": "en"}, cwd=tmp_path
    )
    clean(outcome)
    assert outcome.code == 1 and "run `python -m bot init`" in outcome.err


async def test_a_placeholder_invite_link_says_it_is_one(initialised: dict[str, str], tmp_path: Path) -> None:
    outcome = await cli("invite", "SYT", env=initialised | {"DEFAULT_LOCALE": "en"}, cwd=tmp_path)
    assert outcome.code == 0
    assert "https://t.me/your_bot?start=" in outcome.out
    assert "This link is a placeholder" in outcome.err


async def test_an_outage_while_running_is_one_warning_when_it_starts_and_one_when_it_ends(
    server: BotApiServer, sandbox: SandboxClient, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    port = int(server.api_url.rsplit(":", 1)[1])
    async with polling(build_app(settings)) as application:
        caplog.set_level(logging.DEBUG)
        await server.stop()
        await asyncio.sleep(4)  # several polls fail meanwhile
        await server.start(port)
        for _ in range(100):  # the poller backs off; it comes back within a few seconds
            if application.bot_data.network.down_since is None:
                break
            await asyncio.sleep(0.1)
        lan = await sandbox.user(1001, "Lan")
        await lan.command("help")
        await lan.expect("báo cáo")
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert sum("calls to the Bot API fail" in m for m in warnings) == 1, warnings
    assert sum("the Bot API answers again after" in m for m in warnings) == 1, warnings
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and r.exc_info], "a traceback was logged"
    assert [r for r in caplog.records if r.levelno == logging.DEBUG and r.exc_info]  # kept, at debug level


async def test_health_is_read_from_the_heartbeat(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    async with polling(build_app(settings)):
        for _ in range(50):
            if await main_async(["health"]) == 0:
                break
            await asyncio.sleep(0.1)
    assert await main_async(["health"]) == 0


async def main_async(argv: list[str]) -> int:
    """The CLI's main in a worker thread: it runs its own event loop."""
    return await asyncio.to_thread(main, argv)
