"""The command line: `python -m bot COMMAND`. Every command has --help.

Bad input (a malformed file, an unknown code, a bad date) prints one clear message and exits 1; bad
configuration exits 2. No traceback reaches the user for either.

Each command group lives in its own module with an `add_parser` and the commands it maps to; this module
only builds the parser from them and dispatches. The groups share `bot.cli.common` and never import this
package back.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable

from bot.cli import agencies, catalogue, db, demo, health, init, invites, periods, reminders, run, summary
from bot.cli.common import EXIT_BAD_INPUT, Command, Program, Subcommands, UserError, config_error, database_error
from bot.config import ConfigError, Settings, load_settings
from bot.domain.catalogue import CatalogueError
from bot.domain.periods import PeriodCodeError
from bot.i18n import Translator, translator
from bot.logs import configure_logging, level_for
from bot.services.periods import UnknownProgramme
from storage import AgencyError, DatabaseUnusable, PeriodError, open_storage

# Each group adds its commands, in the order `python -m bot --help` lists them.
ADD_PARSERS: tuple[Callable[[Subcommands], None], ...] = (
    init.add_parser,
    run.add_parser,
    health.add_parser,
    db.add_parser,
    catalogue.add_parser,
    agencies.add_parser,
    periods.add_parser,
    demo.add_parser,
    reminders.add_parser,
    summary.add_parser,
    invites.add_parser,
)

# Commands over the database: the dispatcher opens storage for them.
COMMANDS: dict[str, Command] = {
    **init.COMMANDS,
    **health.COMMANDS,
    **db.COMMANDS,
    **catalogue.COMMANDS,
    **agencies.COMMANDS,
    **periods.COMMANDS,
    **reminders.COMMANDS,
    **summary.COMMANDS,
    **invites.COMMANDS,
}
# Commands that are a whole process and open what they need themselves.
PROGRAMS: dict[str, Program] = {**run.PROGRAMS, **demo.PROGRAMS, **db.PROGRAMS}


def build_parser() -> argparse.ArgumentParser:
    """The `python -m bot` parser, with every group's commands."""
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Progress tracker bot for a provincial action programme.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add_parser in ADD_PARSERS:
        add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command line (the process's by default) and return its exit code."""
    arguments = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as error:
        return config_error(error)
    configure_logging(settings, level_for(settings, arguments.command))
    key = command_key(arguments)
    if key in PROGRAMS:
        return PROGRAMS[key](arguments, settings)
    return asyncio.run(dispatch(COMMANDS[key], arguments, settings, translator(settings.default_locale)))


def package_version() -> str:
    """The installed version of chitieu-bot (pyproject's, in a checkout installed with pip -e)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("chitieu-bot")
    except PackageNotFoundError:
        return "unknown (not installed)"


def command_key(arguments: argparse.Namespace) -> str:
    """The command as written, e.g. "period open": the key of COMMANDS or PROGRAMS."""
    sub = getattr(arguments, f"{arguments.command}_command", None)
    return f"{arguments.command} {sub}" if sub else arguments.command


async def dispatch(command: Command, arguments: argparse.Namespace, settings: Settings, t: Translator) -> int:
    """Open storage, run the command, close storage; bad input becomes one message and exit 1."""
    # `db` commands get the database as it is: `db migrate` applies what is pending itself.
    try:
        storage = await open_storage(settings.database_target, run_migrations=arguments.command != "db")
    except DatabaseUnusable as error:
        return database_error(error)
    try:
        return await command(arguments, settings, storage, t)
    except CatalogueError as error:
        print(t.gettext("The file was not loaded; nothing changed:"), file=sys.stderr)
        print(str(error), file=sys.stderr)
    except (UserError, AgencyError, PeriodError) as error:
        print(t.gettext("Error: {message}").format(message=error), file=sys.stderr)
    except PeriodCodeError as error:
        print(
            t.gettext("{code} is not a period. Write 2025, 2025-H1, 2025-Q3 or 2025-07.").format(code=error),
            file=sys.stderr,
        )
    except UnknownProgramme as error:
        print(_programme_hint(t, str(error)), file=sys.stderr)
    except ConfigError as error:
        return config_error(error)
    except DatabaseUnusable as error:
        return database_error(error)
    finally:
        await storage.close()
    return EXIT_BAD_INPUT


def _programme_hint(t: Translator, code: str) -> str:
    if code:
        return t.gettext("No programme {code}. See `python -m bot catalog list`.").format(code=code)
    return t.gettext("Several programmes are loaded: name one with --programme CODE.")
