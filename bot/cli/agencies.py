"""`python -m bot agency ...`: the reporting agencies: load the list, see it on any date, merge and retire
agencies, apply a dated reorganisation file."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from bot.cli.common import Command, Subcommands, day
from bot.config import Settings
from bot.domain.agencies import Structure
from bot.domain.catalogue import read_agency_file
from bot.domain.models import Agency, AgencyStatus
from bot.i18n import Translator
from bot.services.reorganisation import reorganise_file
from storage import AgencyError, Storage


def add_parser(commands: Subcommands) -> None:
    """Add `agency` and its actions."""
    agency = commands.add_parser("agency", help="reporting agencies").add_subparsers(
        dest="agency_command", required=True, metavar="ACTION"
    )
    agency_load = agency.add_parser("load", help="load an agency list file")
    agency_load.add_argument("file", type=Path, help="an agency list YAML file")
    agency_list = agency.add_parser("list", help="list agencies")
    agency_list.add_argument("--json", action="store_true", help="print JSON")
    agency_list.add_argument(
        "--at", type=day, default=None, help="the structure on this date DD/MM/YYYY or YYYY-MM-DD (every agency)"
    )
    reorganise = agency.add_parser("reorganise", help="apply a dated reorganisation file (mergers, new units...)")
    reorganise.add_argument("file", type=Path, help="a reorganisation YAML file")
    reorganise.add_argument("--dry-run", action="store_true", help="show what would change, change nothing")
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
    added, updated = await storage.agencies.load(parsed.spec.resolved)
    print(t.gettext("Agencies: {added} added, {updated} updated").format(added=added, updated=updated))
    return 0


async def agency_list(arguments: argparse.Namespace, _: Settings, storage: Storage, t: Translator) -> int:
    """Print every agency (or those that existed on `--at`) with its kind, status and successors."""
    agencies = await storage.agencies.all()
    if arguments.at is not None:  # as they stood that day: all of them active then, none succeeded yet
        agencies = [
            agency.model_copy(update={"status": AgencyStatus.ACTIVE, "successor_code": None, "successors": ()})
            for agency in Structure.of(agencies).on(arguments.at)
        ]
    if arguments.json:
        print(json.dumps([_as_json(a, arguments.at) for a in agencies], ensure_ascii=False, indent=2))
        return 0
    for agency in agencies:
        name = agency.name_on(t.locale, arguments.at) if arguments.at else agency.name(t.locale)
        heirs = (agency.successor_code,) if agency.successor_code else agency.successors
        status = f" → {', '.join(heirs)}" if heirs else ""
        print(f"{agency.code:<16} {agency.kind.value:<12} {agency.status.value:<9} {name}{status}")
    return 0


def _as_json(agency: Agency, at: date | None) -> dict[str, object]:
    """An agency as `agency list --json` shows it; on a date, with the name it had then."""
    shown = agency.model_dump(mode="json", exclude={"id"})
    if at is not None:
        shown |= {"name_vi": agency.name_on("vi", at), "name_en": agency.name_on("en", at)}
    return shown


async def agency_reorganise(arguments: argparse.Namespace, _: Settings, storage: Storage, t: Translator) -> int:
    """Apply a reorganisation file (or show what it would change): a second run changes nothing."""
    result = await reorganise_file(storage, arguments.file, dry_run=arguments.dry_run)
    for change in result.changes:
        print(change.describe())
    if not result.changes:
        print(t.gettext("Nothing to change: this reorganisation is already in effect."))
    elif result.applied:
        print(
            t.ngettext("{n} change applied.", "{n} changes applied.", len(result.changes)).format(n=len(result.changes))
        )
    else:
        print(
            t.ngettext(
                "Dry run: {n} change would be applied; nothing was changed.",
                "Dry run: {n} changes would be applied; nothing was changed.",
                len(result.changes),
            ).format(n=len(result.changes))
        )
    return 0


async def agency_merge(arguments: argparse.Namespace, _: Settings, storage: Storage, t: Translator) -> int:
    """Merge agencies into a successor; what they reported stays theirs."""
    on = arguments.date or date.today()
    successor = await storage.agencies.current(arguments.into)
    if successor is None:
        raise AgencyError(f"{arguments.into}: no active agency with this code")
    await storage.agencies.merge(arguments.old, successor.code, on)
    arguments.into = successor.code
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
    "agency reorganise": agency_reorganise,
}
