"""`python -m bot health`: is a bot process alive? The container's health check, and a monitor's.
`python -m bot status`: which process leads, when several share a PostgreSQL database (storage.leader)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta

from bot.cli.common import Command, Subcommands
from bot.config import Settings
from bot.i18n import N_, Translator
from storage import Storage
from storage.dialect import POSTGRES
from storage.leader import processes

STALE_AFTER = timedelta(minutes=3)  # three missed beats of a minute each
EXIT_UNHEALTHY = 1


def add_parser(commands: Subcommands) -> None:
    """Add `health`."""
    commands.add_parser("health", help=N_("exit 0 if a running bot noted in the database that it is alive (< 3 min)"))
    commands.add_parser("status", help=N_("which bot process leads and which stand by (PostgreSQL)"))


async def health(_: argparse.Namespace, __: Settings, storage: Storage, t: Translator) -> int:
    """Say when the bot last beat; healthy within STALE_AFTER."""
    latest = await storage.heartbeat.latest()
    if latest is None:
        print(t.gettext("Unhealthy: no bot process has run on this database yet."))
        return EXIT_UNHEALTHY
    process, beat_at = latest
    age = datetime.now(UTC) - beat_at
    seconds = int(age.total_seconds())
    if age > STALE_AFTER:
        print(
            t.gettext("Unhealthy: the bot ({process}) last noted it was alive {seconds} s ago.").format(
                process=process, seconds=seconds
            )
        )
        return EXIT_UNHEALTHY
    print(
        t.gettext("Healthy: the bot ({process}) noted it was alive {seconds} s ago.").format(
            process=process, seconds=seconds
        )
    )
    return 0


async def status(_: argparse.Namespace, __: Settings, storage: Storage, t: Translator) -> int:
    """Name the leading process and those standing by; exit 1 if none leads."""
    if storage.db.dialect != POSTGRES:
        print(t.gettext("SQLite: one bot process on this file, no standby."))
        return 0
    seen = await processes(storage.db.url)
    if seen.leader is None:
        print(t.gettext("No bot process leads: none is running on this database."))
    else:
        print(t.gettext("Leader: {process}").format(process=seen.leader))
    for process in seen.standby:
        print(t.gettext("Standing by: {process}").format(process=process))
    return 0 if seen.leader else EXIT_UNHEALTHY


COMMANDS: dict[str, Command] = {"health": health, "status": status}
