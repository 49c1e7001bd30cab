"""`python -m bot catalog ...`: load a programme catalogue, write the Excel template, list what is loaded."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from bot.cli.common import Command, Subcommands, write_output
from bot.config import Settings
from bot.domain.catalogue import CatalogueError, Problem
from bot.i18n import N_, Translator, item_kind_name
from bot.services.catalogue import load_catalogue, parse_catalogue_bytes
from bot.services.catalogue_listing import catalogue_listing
from bot.services.periods import UnknownProgramme
from storage import Storage


def add_parser(commands: Subcommands) -> None:
    """Add `catalog` and its actions."""
    catalog = commands.add_parser("catalog", help=N_("programme catalogues")).add_subparsers(
        dest="catalog_command", required=True, metavar=N_("ACTION")
    )
    catalog_load = catalog.add_parser("load", help=N_("validate and load a catalogue file"))
    catalog_load.add_argument("file", type=Path, help=N_("a catalogue: YAML, or the Excel template (.xlsx)"))
    template = catalog.add_parser("template", help=N_("write the Excel catalogue template"))
    template.add_argument("--out", type=Path, required=True, help=N_("the .xlsx file to write"))
    template.add_argument("--programme", help=N_("fill it with this loaded programme (empty otherwise)"))
    catalog_list = catalog.add_parser("list", help=N_("list programmes, indicators and tasks"))
    catalog_list.add_argument("--json", action="store_true", help=N_("print JSON"))


async def catalog_load(arguments: argparse.Namespace, _: Settings, storage: Storage, t: Translator) -> int:
    """Validate a catalogue file and load it; print what changed."""
    try:
        content = arguments.file.read_bytes()
    except OSError as error:
        raise CatalogueError(
            str(arguments.file), [Problem(None, "", (error.strerror or "cannot read").lower())]
        ) from None
    load = await load_catalogue(storage, parse_catalogue_bytes(content, str(arguments.file)))
    if load.diff.empty:
        print(t.gettext("{code}: unchanged").format(code=load.programme_code))
    for label, items in (
        (t.gettext("added"), load.diff.added),
        (t.gettext("changed"), load.diff.changed),
        (t.gettext("removed"), load.diff.removed),
    ):
        if items:
            print(f"{load.programme_code}: {label}: {', '.join(items)}")
    return 0


async def catalog_template(arguments: argparse.Namespace, _: Settings, storage: Storage, t: Translator) -> int:
    """Write the Excel template, empty or filled with a loaded programme."""
    # Imported here: openpyxl is slow to import and the other commands never write a workbook.
    from bot.files.catalogue_xlsx import catalogue_to_xlsx

    spec = await storage.catalogue.spec(arguments.programme) if arguments.programme else None
    if arguments.programme and spec is None:
        raise UnknownProgramme(arguments.programme)
    write_output(arguments.out, catalogue_to_xlsx(spec), t)
    return 0


async def catalog_list(arguments: argparse.Namespace, _: Settings, storage: Storage, t: Translator) -> int:
    """Print the loaded programmes with their indicators and tasks, as text or JSON."""
    listing = await catalogue_listing(storage.catalogue)
    if arguments.json:
        print(json.dumps(listing, ensure_ascii=False, indent=2))
        return 0
    for programme in listing:
        print(f"{programme['code']}  {programme['title_vi' if t.locale == 'vi' else 'title_en']}")
        for indicator in programme["indicators"]:
            target = indicator["target"]
            shown = f"{target['comparator']} {t.number(target['value'])} ({target['year']})" if target else "–"
            name = indicator["name_vi" if t.locale == "vi" else "name_en"]
            print(f"  {indicator['code']:<34} {shown:<18} {indicator['unit']:<10} {name}")
        for task in programme["tasks"]:
            # The JSON keeps ISO dates and the stored kind for scripts; a reader gets words and local dates.
            due = t.date(date.fromisoformat(task["due_on"])) if task["due_on"] else "–"
            name = task["name_vi" if t.locale == "vi" else "name_en"]
            kind = item_kind_name(task["type"], t)
            print(f"  {kind + ':':<11} {task['code']:<30} {due:<12} {task['lead'] or '–':<8} {name}")
    return 0


COMMANDS: dict[str, Command] = {
    "catalog load": catalog_load,
    "catalog list": catalog_list,
    "catalog template": catalog_template,
}
