"""`python -m bot init`: a ready database in one step, the first thing an administrator runs."""

from __future__ import annotations

import argparse

from bot.cli.common import Command, Subcommands
from bot.config import Settings
from bot.i18n import N_, Translator
from bot.services.catalogue import load_shipped
from storage import Storage


def add_parser(commands: Subcommands) -> None:
    """Add `init`."""
    commands.add_parser("init", help=N_("migrate the database and load the shipped catalogues"))


async def init(_: argparse.Namespace, settings: Settings, storage: Storage, t: Translator) -> int:
    """Load the shipped catalogues (storage is already migrated), make the configured admins admins."""
    loads = await load_shipped(storage)
    await storage.users.ensure_admins(settings.admin_ids)
    for load in loads:
        state = (
            t.gettext("unchanged")
            if load.diff.empty
            else t.gettext("{added} added, {changed} changed, {removed} removed").format(
                added=len(load.diff.added),
                changed=len(load.diff.changed),
                removed=len(load.diff.removed),
            )
        )
        print(f"{load.programme_code}: {state}")
    print(t.gettext("Database ready: {path}").format(path=settings.database_path))
    return 0


COMMANDS: dict[str, Command] = {"init": init}
