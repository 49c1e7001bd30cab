"""What every command group shares: the command signatures, the error a user can fix, exit codes, dates, periods.

The group modules import this and nothing else from `bot.cli`; `bot.cli` itself imports the groups to
build the parser. So the imports run one way, package → group → common, and never back.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TypeAlias

from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.config import ConfigError, Settings
from bot.domain.dates import parse_day
from bot.domain.models import Period
from bot.domain.periods import parse_period
from bot.i18n import N_, Translator, field_error, normalize_locale
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


class _OperatorLanguage(BaseSettings):
    """Only DEFAULT_LOCALE, read the way Settings reads it, so that a mistake elsewhere in the
    configuration still gets its message (and --help its text) in the operator's language."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")
    default_locale: str = "vi"


def operator_locale() -> str:
    """The language of the command line: DEFAULT_LOCALE (environment or .env), Vietnamese by default."""
    return normalize_locale(_OperatorLanguage().default_locale)


def config_error(error: ConfigError, t: Translator) -> int:
    """Say what is wrong with the configuration, in the operator's language, and return its exit code."""
    variable, _, problem = str(error).partition(": ")
    if not problem:
        variable, problem = "", variable
    text = f"{variable}: {field_error(problem, t)}" if variable else field_error(problem, t)
    print(t.gettext("Configuration error: {problem}").format(problem=text), file=sys.stderr)
    return EXIT_BAD_CONFIG


def database_error(error: DatabaseUnusable, t: Translator) -> int:
    """Say what is wrong with the database and return the configuration exit code."""
    print(t.gettext("Database error: {problem}").format(problem=error), file=sys.stderr)
    return EXIT_BAD_CONFIG


@contextmanager
def argparse_language(t: Translator) -> Iterator[None]:
    """argparse's own words ("usage:", "options", its error messages) in the operator's language.

    argparse looks them up through the module's `_` and `ngettext` at the moment it builds a parser, formats
    help or reports an error; the command line is one thread, so swapping them for the span is safe."""
    words = vars(argparse)  # `_` and `ngettext` are argparse's module globals, not declared in its stubs
    saved = words["_"], words["ngettext"]
    words["_"], words["ngettext"] = t.gettext, t.ngettext
    try:
        yield
    finally:
        words["_"], words["ngettext"] = saved


def translate_parser(parser: argparse.ArgumentParser, t: Translator) -> None:
    """Every description, help text and placeholder of `parser` and its subcommands through the catalogue.

    The groups write them in English (marked with N_ for extraction); translating once here keeps each
    group's add_parser a plain argparse call."""
    if parser.description:
        parser.description = t.gettext(parser.description)
    for action in parser._actions:
        if action.help and action.help != argparse.SUPPRESS:
            action.help = t.gettext(action.help)
        if isinstance(action.metavar, str):
            action.metavar = t.gettext(action.metavar)
        elif action.metavar is None and action.nargs != 0 and action.choices is None:
            placeholder = action.dest.upper()
            translated = t.gettext(placeholder)
            if translated != placeholder:
                action.metavar = translated
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                choice.help = t.gettext(choice.help) if choice.help else choice.help
            for child in action.choices.values():
                translate_parser(child, t)


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
        # argparse's own `_` is the operator's translator while arguments are parsed (argparse_language).
        message = vars(argparse)["_"](N_("{text} is not a date: write DD/MM/YYYY or YYYY-MM-DD"))
        raise argparse.ArgumentTypeError(message.format(text=repr(text)))
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


# storage refuses with English sentences ("XYZ: no agency with this code"); the operator reads them as one
# line in their language. A refusal not recognised here is shown as it is, after "Error:".
_REFUSALS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (
            r"(?P<code>\S+): no active agency with this code",
            N_("No active agency {code}. See `python -m bot agency list`."),
        ),
        (
            r"(?P<code>\S+): no agency with this code",
            N_("No agency with code {code}. See `python -m bot agency list`."),
        ),
        (r"(?P<code>\S+): cannot merge an agency into itself", N_("{code}: an agency cannot be merged into itself.")),
        (r"(?P<code>\S+): already (?P<state>\w+)", N_("{code}: the agency is already {state}.")),
        (
            r"(?P<code>\S+) is locked; unlock it first",
            N_("Period {code} is locked; unlock it first (`python -m bot period unlock {code}`)."),
        ),
    )
)


def refusal(error: Exception, t: Translator) -> str:
    """A refusal from the command or from storage as one line in the operator's language."""
    text = str(error)
    for pattern, message in _REFUSALS:
        match = pattern.fullmatch(text)
        if match is not None:
            found = match.groupdict()
            if "state" in found:
                found["state"] = agency_status_name(found["state"], t)
            return t.gettext(message).format(**found)
    if isinstance(error, UserError):
        return text  # already written in the operator's language by the command
    return t.gettext("Error: {message}").format(message=text)


def agency_status_name(status: str, t: Translator) -> str:
    """'retired' -> 'đã ngừng báo cáo'."""
    names = {"active": t.gettext("active"), "merged": t.gettext("merged"), "retired": t.gettext("retired")}
    return names.get(status, status)


# Words the catalogue must keep although no `t.gettext` in our code names them: argparse's own (it looks
# them up itself, see argparse_language), the placeholders argparse derives from option names, and the help
# of the groups that do not mark theirs with N_ yet (agencies, summary). Listed so that extraction keeps them.
ARGPARSE_WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("the following arguments are required: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("unrecognized arguments: %s"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
)
PLACEHOLDERS = (
    N_("AGENCY"),
    N_("AT"),
    N_("BEFORE"),
    N_("CODE"),
    N_("DATE"),
    N_("DEADLINE"),
    N_("ESCALATE_AFTER"),
    N_("EXPIRES_DAYS"),
    N_("FILE"),
    N_("FORMAT"),
    N_("INTO"),
    N_("LANG"),
    N_("OLD"),
    N_("OUT"),
    N_("OVERDUE_EVERY"),
    N_("PATH"),
    N_("PERIOD"),
    N_("PROGRAMME"),
    N_("ROLE"),
    N_("SEED"),
    N_("WEEKENDS"),
    N_("WINDOW"),
)
OTHER_GROUPS_HELP = (
    N_("reporting agencies"),
    N_("load an agency list file"),
    N_("an agency list YAML file"),
    N_("list agencies"),
    N_("print JSON"),
    N_("merge agencies into a successor, keeping history"),
    N_("codes of the agencies being merged"),
    N_("code of the successor agency"),
    N_("merge date DD/MM/YYYY or YYYY-MM-DD (today)"),
    N_("retire an agency: it stops reporting, its history stays"),
    N_("code of the agency"),
    N_("retirement date DD/MM/YYYY or YYYY-MM-DD (today)"),
    N_("the provincial summary of a period"),
    N_("period code, e.g. 2025"),
    N_("programme code (needed if several have the period)"),
    N_("text (default), json, xlsx, csv or png"),
    N_("write to this file instead of standard output"),
    N_("language of the text and files (DEFAULT_LOCALE)"),
)
