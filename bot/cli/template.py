"""`python -m bot template values AGENCY PERIOD`: an agency's figures sheet for a period, to fill in Excel
and send back to the bot (the same sheet as the 📥 button of /report)."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.common import Command, Subcommands, UserError, find_period, write_output
from bot.config import Settings
from bot.i18n import Translator, translator
from storage import Storage


def add_parser(commands: Subcommands) -> None:
    """Add `template` and its one action, `values`."""
    template = commands.add_parser("template", help="sheets to fill in").add_subparsers(
        dest="template_command", required=True, metavar="ACTION"
    )
    values = template.add_parser("values", help="an agency's figures sheet for a period (.xlsx)")
    values.add_argument("agency", help="agency code, e.g. SYT")
    values.add_argument("period", help="period code, e.g. 2025")
    values.add_argument("--programme", help="programme code (needed if several have the period)")
    values.add_argument("--out", type=Path, help="the .xlsx file to write (default: so_lieu_AGENCY_PERIOD.xlsx)")
    values.add_argument("--lang", choices=("vi", "en"), help="language of the sheet (DEFAULT_LOCALE)")


async def template_values(arguments: argparse.Namespace, settings: Settings, storage: Storage, t: Translator) -> int:
    """Write the agency's sheet: its items, units, valid ranges, last and current figures."""
    # Imported here: openpyxl is slow to import and the other commands never write a workbook.
    from bot.services.values_sheet import sheet_for

    if arguments.lang:
        t = translator(arguments.lang, settings.timezone)
    period = await find_period(storage, arguments.period, arguments.programme, t)
    agency = arguments.agency.strip().upper()
    if await storage.agencies.get(agency) is None:
        raise UserError(t.gettext("No agency {agency}.").format(agency=agency))
    content = await sheet_for(storage, period, agency, t)
    if content is None:
        raise UserError(
            t.gettext("{agency} owes nothing in period {period}.").format(agency=agency, period=period.code)
        )
    write_output(arguments.out or Path(f"so_lieu_{agency}_{period.code}.xlsx"), content, t)
    return 0


COMMANDS: dict[str, Command] = {"template values": template_values}
