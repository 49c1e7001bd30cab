"""`python -m bot demo`: the 2024 season, the 2025 reorganisation and the 2025 season, played offline against
the sandbox, with no Telegram account (bot/sandbox/demo.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.common import Program, Subcommands
from bot.config import Settings
from bot.i18n import N_


def add_parser(commands: Subcommands) -> None:
    """Add `demo`."""
    demo = commands.add_parser(
        "demo", help=N_("play the 2024 and 2025 reporting seasons offline, with no Telegram account")
    )
    demo.add_argument("--seed", type=int, default=1, help=N_("the same seed gives the same season (1)"))
    demo.add_argument("--out", type=Path, default=Path("demo-out"), help=N_("folder for the files (demo-out)"))
    demo.add_argument("--fast", action="store_true", help=N_("fewer agencies answer, for a quick look or CI"))
    demo.add_argument("--lang", choices=("vi", "en"), default="vi", help=N_("language of the season (vi)"))


def demo(arguments: argparse.Namespace, _: Settings) -> int:
    """Play the seasons; the demo builds its own settings and database, so the configured ones are unused."""
    # Imported here: the demo pulls in the bot, the sandbox server and the chart writer.
    from bot.sandbox.demo import run_demo

    return run_demo(arguments.seed, arguments.out, arguments.lang, arguments.fast)


PROGRAMS: dict[str, Program] = {"demo": demo}
