"""`python -m bot agency ...`: the reporting agencies: load the list, see it, merge and retire agencies."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from bot.cli.common import Command, Subcommands, day
from bot.config import Settings
from bot.domain.catalogue import read_agency_file
from bot.i18n import Translator
from storage import Storage


def add_parser(commands: Subcommands) -> None:
    """Add `agency` and its actions."""
    agency = commands.add_parser("agency", help="reporting agencies").add_subparsers(
        dest="agency_command", required=True, metavar="ACTION"
    )
    agency_load = agency.add_parser("load", help="load an agency list file")
    agency_load.add_argument("file", type=Path, help="an agency list YAML file")
    agency_list = agency.add_parser("list", help="list agencies")
    agency_list.add_argument("--json", action="store_true", help="print JSON")
    merge = agency.add_parser("merge", help="merge agencies into a successor, keeping history")
    merge.add_argument("old", nargs="+", help="codes of the agencies being merged")
    merge.add_argument("--into", required=True, help="code of the successor agency")
    merge.add_argument("--date", type=day, default=None, help="merge date DD/MM/YYYY or YYYY-MM-DD (today)")

    retire = agency.add_parser("retire", help="retire an agency: it stops reporting, its history stays")
    retire.add_argument("code", help="code of the agency")
    retire.add_argument("--date", type=day, default=None, help="retirement date DD/MM/YYYY or YYYY-MM-DD (today)")


async def agency_load(arguments: argparse.Namespace, _: Settings, storage: Storage, t: Translator) -> int:
    """Load an agency list file: new agencies are added, known ones updated."""
    parsed = read_agency_file(arguments.file)
    added, updated = await storage.agencies.load(parsed.spec.agencies)
    print(t.gettext("Agencies: {added} added, {updated} updated").format(added=added, updated=updated))
    return 0


async def agency_list(arguments: argparse.Namespace, _: Settings, storage: Storage, t: Translator) -> int:
    """Print every agency with its kind, status and successor, as text or JSON."""
    agencies = await storage.agencies.all()
    if arguments.json:
        print(
            json.dumps(
                [a.model_dump(mode="json", exclude={"id"}) for a in agencies],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    for agency in agencies:
        status = "" if agency.successor_code is None else f" → {agency.successor_code}"
        print(f"{agency.code:<14} {agency.kind.value:<10} {agency.status.value:<8} {agency.name(t.locale)}{status}")
    return 0


async def agency_merge(arguments: argparse.Namespace, _: Settings, storage: Storage, t: Translator) -> int:
    """Merge agencies into a successor; what they reported stays theirs."""
    on = arguments.date or date.today()
    await storage.agencies.merge(arguments.old, arguments.into, on)
    print(
        t.gettext("Merged {old} into {new}; their history is kept.").format(
            old=", ".join(arguments.old), new=arguments.into
        )
    )
    return 0


async def agency_retire(arguments: argparse.Namespace, _: Settings, storage: Storage, t: Translator) -> int:
    """Retire an agency: it stops reporting, its history stays."""
    await storage.agencies.retire(arguments.code, arguments.date or date.today())
    print(t.gettext("Retired {code}; what it reported is kept.").format(code=arguments.code))
    return 0


COMMANDS: dict[str, Command] = {
    "agency load": agency_load,
    "agency list": agency_list,
    "agency merge": agency_merge,
    "agency retire": agency_retire,
}
