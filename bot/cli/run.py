"""`python -m bot run`: the bot itself, polling or by webhook, until it is stopped."""

from __future__ import annotations

import argparse
import sys

from bot.cli.common import EXIT_UNAVAILABLE, Program, Subcommands, config_error, database_error
from bot.config import ConfigError, Settings
from bot.i18n import N_, translator
from storage import DatabaseUnusable


def add_parser(commands: Subcommands) -> None:
    """Add `run`."""
    run = commands.add_parser("run", help=N_("run the Telegram bot (needs BOT_TOKEN); polling by default"))
    run.add_argument("--webhook", action="store_true", help=N_("receive updates by webhook (WEBHOOK_* settings)"))


def run(arguments: argparse.Namespace, settings: Settings) -> int:
    """Run the bot; a setting only the bot needs (BOT_TOKEN, WEBHOOK_*) may still be missing: exit 2."""
    # Imported here: the bot pulls in telegram and every handler, which no other command needs.
    from bot.network import BotApiUnreachable
    from bot.runner import run_bot

    t = translator(settings.default_locale)
    try:
        return run_bot(settings, webhook=arguments.webhook)
    except BotApiUnreachable as error:
        print(t.gettext("Network error: {problem}").format(problem=error), file=sys.stderr)
        return EXIT_UNAVAILABLE
    except ConfigError as error:
        return config_error(error, t)
    except DatabaseUnusable as error:
        return database_error(error, t)


PROGRAMS: dict[str, Program] = {"run": run}
