"""`python -m bot db ...`: database maintenance (migrations, online backup)."""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

from bot.cli.common import Command, Subcommands, cannot_write
from bot.config import Settings
from bot.i18n import N_, Translator
from storage import Storage
from storage.db import migrate


def add_parser(commands: Subcommands) -> None:
    """Add `db` and its actions."""
    db = commands.add_parser("db", help=N_("database maintenance")).add_subparsers(
        dest="db_command", required=True, metavar=N_("ACTION")
    )
    db.add_parser("migrate", help=N_("apply pending migrations"))
    backup = db.add_parser("backup", help=N_("copy the database with SQLite's online backup"))
    backup.add_argument("path", type=Path, help=N_("where to write the copy"))


async def db_migrate(_: argparse.Namespace, __: Settings, storage: Storage, t: Translator) -> int:
    """Apply the pending migrations (the dispatcher opens storage without migrating for `db`)."""
    applied = await migrate(storage.db)
    print(
        t.gettext("Applied: {names}").format(names=", ".join(applied))
        if applied
        else t.gettext("The schema is up to date.")
    )
    return 0


async def db_backup(arguments: argparse.Namespace, _: Settings, storage: Storage, t: Translator) -> int:
    """Copy the live database to a file."""
    if arguments.path.is_dir():
        raise cannot_write(arguments.path, IsADirectoryError(t.gettext("it is a folder")), t)
    try:
        await storage.db.backup(arguments.path)
    except (OSError, sqlite3.Error) as error:
        raise cannot_write(arguments.path, error, t) from None
    print(t.gettext("Backup written to {path}").format(path=arguments.path))
    return 0


COMMANDS: dict[str, Command] = {"db migrate": db_migrate, "db backup": db_backup}
