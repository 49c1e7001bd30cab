"""`python -m bot init`: a ready database in one step, the first thing an administrator runs."""

from __future__ import annotations

import argparse

from bot.cli.common import Command, Subcommands
from bot.config import Settings
from bot.i18n import N_, Translator
from bot.services.reorganisation import init_shipped
from storage import Storage


def add_parser(commands: Subcommands) -> None:
    """Add `init`."""
    commands.add_parser(
        "init", help=N_("migrate the database, load Hai Duong's agencies, the 2025 reorganisation and catalogues")
    )


async def init(_: argparse.Namespace, settings: Settings, storage: Storage, t: Translator) -> int:
    """Load the shipped agencies, reorganisations and catalogues (storage is already migrated), make the
    configured admins admins."""
    setup = await init_shipped(storage)
    await storage.users.ensure_admins(settings.admin_ids)
    print(t.gettext("Agencies: {added} added, {updated} updated").format(added=setup.added, updated=setup.updated))
    for reorganised in setup.reorganisations:
        state = (
            t.gettext("unchanged")
            if not reorganised.changes
            else t.ngettext("{n} change applied.", "{n} changes applied.", len(reorganised.changes)).format(
                n=len(reorganised.changes)
            )
        )
        print(f"{reorganised.source}: {state}")
    for load in setup.catalogues:
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
