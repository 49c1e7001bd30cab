"""`python -m bot db ...`: database maintenance (migrations, online backup, moving to PostgreSQL)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.cli.common import EXIT_BAD_INPUT, Command, Program, Subcommands, cannot_write, database_error
from bot.config import Settings
from bot.files.exports import summary_json
from bot.i18n import N_, Translator, translator
from bot.services.summary import build_summary
from storage import DatabaseUnusable, Storage, is_postgres, open_storage
from storage.copy import CopyRefused, copy_database, row_counts
from storage.db import migrate


def add_parser(commands: Subcommands) -> None:
    """Add `db` and its actions."""
    db = commands.add_parser("db", help=N_("database maintenance")).add_subparsers(
        dest="db_command", required=True, metavar=N_("ACTION")
    )
    db.add_parser("migrate", help=N_("apply pending migrations"))
    backup = db.add_parser(
        "backup", help=N_("copy the database while the bot runs: SQLite's online backup, or pg_dump's custom format")
    )
    backup.add_argument("path", type=Path, help=N_("where to write the copy"))
    copy = db.add_parser("copy", help=N_("move every row from an SQLite file to an empty PostgreSQL database"))
    copy.add_argument("--from", dest="source", required=True, help=N_("sqlite:///PATH of the database to copy"))
    copy.add_argument("--to", dest="target", required=True, help=N_("postgresql://USER@HOST/DATABASE, empty"))


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


def db_copy(arguments: argparse.Namespace, settings: Settings) -> int:
    """Copy a database across, then check it: the same rows in every table, the same summary of every period."""
    t = translator(settings.default_locale, settings.timezone)
    source = arguments.source
    if not is_postgres(source) and not Path(source.removeprefix("sqlite:///")).is_file():
        print(t.gettext("Error: {message}").format(message=f"no database file at {source}"), file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return asyncio.run(_copy(source, arguments.target, t))
    except DatabaseUnusable as error:
        return database_error(error, t)


async def _copy(source_url: str, target_url: str, t: Translator) -> int:
    source = await open_storage(source_url, run_migrations=False)
    try:
        target = await open_storage(target_url)
    except BaseException:
        await source.close()
        raise
    try:
        try:
            copied = await copy_database(source.db, target.db)
        except CopyRefused as error:
            print(t.gettext("Error: {message}").format(message=error), file=sys.stderr)
            return EXIT_BAD_INPUT
        counts = await row_counts(target.db, list(copied))
        for table, rows in copied.items():
            print(f"{table}: {rows} → {counts[table]}")
        differing = [table for table in copied if counts[table] != (await row_counts(source.db, [table]))[table]]
        differing += await _differing_summaries(source, target)
        if differing:
            print(t.gettext("The copy differs from the source: {what}").format(what=", ".join(differing)))
            return EXIT_BAD_INPUT
        print(
            t.gettext("Copied {rows} rows; every table has as many rows and every period the same summary.").format(
                rows=sum(counts.values())
            )
        )
        return 0
    finally:
        await source.close()
        await target.close()


async def _differing_summaries(source: Storage, target: Storage) -> list[str]:
    """The periods whose summary (as `summary --format json` gives it) differs between the two."""
    now = datetime.now(UTC)
    differing = []
    for period in await source.periods.all():
        copied = await target.periods.by_id(period.id)
        before = summary_json(await build_summary(source, period, now))
        after = summary_json(await build_summary(target, copied, now)) if copied else None
        if json.dumps(before, sort_keys=True) != json.dumps(after, sort_keys=True):
            differing.append(f"{period.programme_code} {period.code}")
    return differing


COMMANDS: dict[str, Command] = {"db migrate": db_migrate, "db backup": db_backup}
PROGRAMS: dict[str, Program] = {"db copy": db_copy}
