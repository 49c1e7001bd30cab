"""`python -m bot summary`: the provincial summary from the shell, as text, JSON, the Excel appendix, the
draft report in Word, CSV (plain or for Excel in Vietnamese) or the chart."""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from pathlib import Path

from bot.cli.common import Command, Subcommands, UserError, write_output
from bot.config import Settings
from bot.domain.summary_text import summary_messages
from bot.files.exports import summary_file, summary_json
from bot.i18n import Translator, translator
from bot.services.summary import build_summary, every_answer, find_period
from bot.services.summary_files import file_inputs
from storage import Storage

FORMATS = ("text", "json", "xlsx", "docx", "csv", "csv_vi", "png")
BINARY = ("xlsx", "docx", "png")
_TAG = re.compile(r"<[^>]+>")


def add_parser(commands: Subcommands) -> None:
    """Add `summary`."""
    summary = commands.add_parser("summary", help="the provincial summary of a period")
    summary.add_argument("--period", required=True, help="period code, e.g. 2025")
    summary.add_argument("--programme", help="programme code (needed if several have the period)")
    summary.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default), json, xlsx (the appendix), docx (the draft report), csv, csv_vi (CSV for Excel in "
        "Vietnamese: ';' and a decimal comma) or png (the chart)",
    )
    summary.add_argument("--out", type=Path, help="write to this file instead of standard output")
    summary.add_argument("--lang", choices=("vi", "en"), help="language of the text and files (DEFAULT_LOCALE)")


def plain(text: str) -> str:
    """Telegram HTML as plain text for a terminal."""
    return html.unescape(_TAG.sub("", text))


async def summary(arguments: argparse.Namespace, settings: Settings, storage: Storage, t: Translator) -> int:
    if arguments.lang:
        t = translator(arguments.lang, settings.timezone)
    periods = await find_period(storage, arguments.period, arguments.programme)
    if not periods:
        raise UserError(t.gettext("No period {code}.").format(code=arguments.period))
    if len(periods) > 1:
        raise UserError(
            t.gettext("Several programmes have period {code}: name one with --programme.").format(code=arguments.period)
        )
    result = await build_summary(storage, periods[0])
    if arguments.format == "text":
        data = "\n".join(plain(page) for page in summary_messages(result, t)).encode() + b"\n"
    elif arguments.format == "json":
        data = json.dumps(summary_json(result), ensure_ascii=False, indent=2).encode() + b"\n"
    else:
        figures = await every_answer(storage, result.period)
        inputs = await file_inputs(storage, result, figures)
        data = summary_file(arguments.format, result, figures, t, inputs)
    if arguments.out:
        write_output(arguments.out, data, t)
    elif arguments.format in BINARY:
        raise UserError(t.gettext("A {format} file needs --out FILE.").format(format=arguments.format))
    else:
        sys.stdout.buffer.write(data)
    return 0


COMMANDS: dict[str, Command] = {"summary": summary}
