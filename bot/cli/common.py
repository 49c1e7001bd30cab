"""What every command group shares: the command signatures, the error a user can fix, exit codes, dates, periods.

The group modules import this and nothing else from `bot.cli`; `bot.cli` itself imports the groups to
build the parser. So the imports run one way, package → group → common, and never back.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import TypeAlias

from bot.config import ConfigError, Settings
from bot.domain.dates import parse_day
from bot.domain.models import Period
from bot.domain.periods import parse_period
from bot.i18n import Translator
from bot.services.periods import UnknownProgramme
from storage import DatabaseUnusable, Storage

EXIT_BAD_INPUT = 1
EXIT_BAD_CONFIG = 2
EXIT_UNAVAILABLE = 3  # the Bot API could not be reached: worth trying again later (systemd restarts it)

Command = Callable[[argparse.Namespace, Settings, Storage, Translator], Awaitable[int]]
"""A command over the database: the dispatcher opens storage, runs it, and turns bad input into exit 1."""

Program = Callable[[argparse.Namespace, Settings], int]
"""A command that is a whole process (the bot, the demo): it opens what it needs and runs its own loop."""

Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""Where a group adds its command: the `COMMAND` choices of `python -m bot`."""


class UserError(Exception):
    """Bad input from the command line; the message is shown as it is."""


def config_error(error: ConfigError) -> int:
    """Say what is wrong with the configuration and return its exit code."""
    print(f"Configuration error: {error}", file=sys.stderr)
    return EXIT_BAD_CONFIG


def database_error(error: DatabaseUnusable) -> int:
    """Say what is wrong with the database and return the configuration exit code."""
    print(f"Database error: {error}", file=sys.stderr)
    return EXIT_BAD_CONFIG


def cannot_write(path: Path, error: BaseException, t: Translator) -> UserError:
    """The one-line refusal for an output path that cannot be written."""
    reason = getattr(error, "strerror", None) or str(error)
    return UserError(
        t.gettext("Cannot write {path} ({reason}); choose a file in a folder you may write.").format(
            path=path, reason=reason
        )
    )


def write_output(path: Path, data: bytes, t: Translator) -> None:
    """Write a command's file, creating its folder; a path that cannot be written is a UserError."""
    if path.is_dir():
        raise cannot_write(path, IsADirectoryError(t.gettext("it is a folder")), t)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as error:
        raise cannot_write(path, error, t) from None
    print(t.gettext("Written: {path}").format(path=path))


def day(text: str) -> date:
    """An argparse type: a date as officials write it (05/12/2026) or ISO (2026-12-05)."""
    parsed = parse_day(text)
    if parsed is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: write DD/MM/YYYY or YYYY-MM-DD")
    return parsed


async def find_period(storage: Storage, code: str, programme: str | None, t: Translator) -> Period:
    """The one period with this code (in this programme, when several programmes have it)."""
    parse_period(code)
    matches = await storage.periods.find(code.strip().upper())
    if programme:
        matches = [p for p in matches if p.programme_code == programme]
    if not matches:
        raise UserError(t.gettext("No period {code}.").format(code=code))
    if len(matches) > 1:
        raise UnknownProgramme("")
    return matches[0]
