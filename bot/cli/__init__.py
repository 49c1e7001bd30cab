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

from bot.cli import agencies, catalogue, db, demo, health, init, invites, periods, reminders, run, summary, template
from bot.cli.common import (
    EXIT_BAD_INPUT,
    Command,
    Program,
    Subcommands,
    UserError,
    argparse_language,
    config_error,
    database_error,
    operator_locale,
    refusal,
    translate_parser,
)
from bot.config import ConfigError, Settings, load_settings
from bot.domain.catalogue import CatalogueError
from bot.domain.periods import PeriodCodeError
from bot.i18n import N_, Translator, catalogue_problems, translator
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
    template.add_parser,
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
    **template.COMMANDS,
}
# Commands that are a whole process and open what they need themselves.
PROGRAMS: dict[str, Program] = {**run.PROGRAMS, **demo.PROGRAMS, **db.PROGRAMS}


def build_parser(t: Translator | None = None) -> argparse.ArgumentParser:
    """The `python -m bot` parser, with every group's commands, its help in `t`'s language (English without).

    Build it inside `argparse_language(t)` too, so that argparse's own words match."""
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description=N_("Progress tracker bot for a provincial action programme."),
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {package_version()}", help=N_("show the version and exit")
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar=N_("COMMAND"))
    for add_parser in ADD_PARSERS:
        add_parser(commands)
    if t is not None:
        translate_parser(parser, t)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command line (the process's by default) and return its exit code."""
    t = translator(operator_locale())
    with argparse_language(t):
        arguments = build_parser(t).parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as error:
        return config_error(error, t)
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
        return database_error(error, t)
    try:
        return await command(arguments, settings, storage, t)
    except CatalogueError as error:
        print(t.gettext("The file was not loaded; nothing changed:"), file=sys.stderr)
        print("\n".join(catalogue_problems(error, t)), file=sys.stderr)
    except (UserError, AgencyError, PeriodError) as error:
        print(refusal(error, t), file=sys.stderr)
    except PeriodCodeError as error:
        print(
            t.gettext("{code} is not a period. Write 2025, 2025-H1, 2025-Q3 or 2025-07.").format(code=error),
            file=sys.stderr,
        )
    except UnknownProgramme as error:
        print(_programme_hint(t, str(error)), file=sys.stderr)
    except ConfigError as error:
        return config_error(error, t)
    except DatabaseUnusable as error:
        return database_error(error, t)
    finally:
        await storage.close()
    return EXIT_BAD_INPUT


def _programme_hint(t: Translator, code: str) -> str:
    if code:
        return t.gettext("No programme {code}. See `python -m bot catalog list`.").format(code=code)
    return t.gettext("Several programmes are loaded: name one with --programme CODE.")
