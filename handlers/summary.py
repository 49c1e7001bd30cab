"""/summary and /status for admins and viewers: the provincial picture of a period, its details, and the
files: the Excel appendix, the draft report in Word, the chart and CSV (plain, and for Excel in Vietnamese).
Every button rebuilds the summary from the database, so it is never stale.
The files are rendered in a worker thread, so that focal points' answers are answered meanwhile."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.domain.agencies import unit_label
from bot.domain.models import Period
from bot.domain.rendering import esc
from bot.domain.summary import Summary
from bot.domain.summary_text import indicator_detail, numbered, status_board, summary_messages
from bot.files.exports import KINDS, SUFFIXES, summary_file
from bot.i18n import Translator
from bot.services.obligations import consolidator_label, period_day
from bot.services.summary import (
    build_summary,
    every_answer,
    find_period,
    indicator_answers,
    period_by_id,
)
from bot.services.summary_files import file_inputs
from handlers.common import keyboard, reply, who


async def _choose(update: Update, context: BotContext, action: str) -> Period | None:
    """The period named in the command (or the latest), asking with buttons when several match."""
    t = who(context).t
    code = context.args[0] if context.args else None
    periods = await find_period(context.storage, code)
    if not periods:
        opener = await consolidator_label(context.storage, t, context.now().date())
        await reply(
            update,
            t.gettext("No period {code}. Periods are opened by {agency}.").format(
                code=esc(code or ""), agency=esc(opener)
            ),
        )
        return None
    if len(periods) > 1:
        rows = [[(f"{p.code} · {p.programme_code}", f"s:{action}:{p.id}")] for p in periods]
        await reply(update, t.gettext("Which programme?"), keyboard(rows))
        return None
    return periods[0]


def summary_buttons(summary: Summary, t: Translator, page: int, pages: int) -> InlineKeyboardMarkup:
    period = summary.period.id
    rows = []
    if pages > 1:
        rows.append(
            [
                ("◀", f"s:page:{period}:{max(page - 1, 0)}"),
                (f"{page + 1}/{pages}", f"s:page:{period}:{page}"),
                ("▶", f"s:page:{period}:{min(page + 1, pages - 1)}"),
            ]
        )
    rows.append([(t.gettext("🔎 Details"), f"s:list:{period}"), (t.gettext("📋 Who reported"), f"s:status:{period}")])
    rows.append(
        [
            (t.gettext("📥 Excel"), f"s:xlsx:{period}"),
            (t.gettext("📝 Word report"), f"s:docx:{period}"),
            (t.gettext("📊 Chart"), f"s:png:{period}"),
        ]
    )
    rows.append(
        [(t.gettext("📄 CSV"), f"s:csv:{period}"), (t.gettext("📄 CSV (Excel, Vietnamese)"), f"s:csv_vi:{period}")]
    )
    return keyboard(rows)


async def summary_command(update: Update, context: BotContext) -> None:
    """/summary [period]: the provincial summary, first page, with buttons."""
    period = await _choose(update, context, "show")
    if period is not None:
        await show(update, context, period)


async def show(update: Update, context: BotContext, period: Period, page: int = 0) -> None:
    t = who(context).t
    summary = await build_summary(context.storage, period, context.now())
    pages = summary_messages(summary, t)
    page = min(page, len(pages) - 1)
    await reply(update, pages[page], summary_buttons(summary, t, page, len(pages)))


async def status_command(update: Update, context: BotContext) -> None:
    """/status [period]: the completeness board."""
    period = await _choose(update, context, "status")
    if period is not None:
        await send_status(update, context, period)


async def send_status(update: Update, context: BotContext, period: Period) -> None:
    t = who(context).t
    for text in status_board(await build_summary(context.storage, period, context.now()), t):
        await reply(update, text)


async def on_button(update: Update, context: BotContext) -> None:
    """`s:<action>:<period id>[:<argument>]` buttons."""
    query = update.callback_query
    assert query is not None and query.data is not None
    parts = query.data.split(":")
    period = await period_by_id(context.storage, int(parts[2])) if len(parts) > 2 and parts[2].isdigit() else None
    if period is None:
        await query.answer(who(context).t.gettext("That period no longer exists."), show_alert=True)
        return
    await query.answer()
    action, argument = parts[1], parts[3] if len(parts) > 3 else ""
    if action == "show":
        await show(update, context, period)
    elif action == "page" and argument.isdigit():
        await _turn_page(update, context, period, int(argument))
    elif action == "status":
        await send_status(update, context, period)
    elif action == "list":
        await _ask_indicator(update, context, period)
    elif action == "ind" and argument.isdigit():
        await _send_indicator(update, context, period, int(argument))
    elif action in KINDS:
        await _send_file(update, context, period, action)


async def _turn_page(update: Update, context: BotContext, period: Period, page: int) -> None:
    """Show another page of the summary in the same message (unless it is the page already shown)."""
    query = update.callback_query
    assert query is not None
    t = who(context).t
    summary = await build_summary(context.storage, period, context.now())
    pages = summary_messages(summary, t)
    page = min(page, len(pages) - 1)
    try:
        await query.edit_message_text(pages[page], reply_markup=summary_buttons(summary, t, page, len(pages)))
    except BadRequest as error:
        # The page already shown, unchanged: Telegram refuses the edit, and there is nothing to do. (Comparing
        # texts cannot tell: the message holds plain text, the page HTML.)
        if "not modified" not in error.message.lower():
            raise


async def _ask_indicator(update: Update, context: BotContext, period: Period) -> None:
    """A button per indicator, numbered as in the summary, eight to a row."""
    t = who(context).t
    summary = await build_summary(context.storage, period, context.now())
    buttons = [(str(number), f"s:ind:{period.id}:{number}") for number, _ in numbered(summary)]
    await reply(
        update,
        t.gettext("Which indicator? (numbers as in the summary)"),
        keyboard([buttons[i : i + 8] for i in range(0, len(buttons), 8)]),
    )


async def _send_indicator(update: Update, context: BotContext, period: Period, number: int) -> None:
    """The detail of indicator `number`: its figure and every agency's answer (nothing if it is gone)."""
    t = who(context).t
    found = await indicator_answers(context.storage, period, number)
    if found is None:
        return
    # Every agency's name on the period's day, a reorganised unit's with the former units it stands for.
    names = {agency.code: unit_label(agency, t, period_day(period)) for agency in await context.storage.agencies.all()}
    for text in indicator_detail(found.summary, found.item, found.figures, names, t):
        await reply(update, text)


async def _send_file(update: Update, context: BotContext, period: Period, kind: str) -> None:
    """The summary as a file: the Excel appendix, the Word draft, CSV or the chart (`kind`: one of KINDS)."""
    chat = update.effective_chat
    assert chat is not None
    t = who(context).t
    await chat.send_chat_action("upload_document")
    summary = await build_summary(context.storage, period, context.now())
    figures = await every_answer(context.storage, period) if kind in ("xlsx", "docx") else []
    inputs = await file_inputs(context.storage, summary, figures)
    # openpyxl, python-docx, matplotlib: off the event loop
    data = await asyncio.to_thread(summary_file, kind, summary, figures, t, inputs)
    name = f"tong_hop_{period.programme_code}_{period.code}"
    if kind == "png":
        await chat.send_photo(
            InputFile(data, filename=f"{name}.png"),
            caption=t.gettext("Progress towards the targets, period {period}").format(period=esc(period.code)),
        )
        return
    await chat.send_document(
        InputFile(data, filename=name + SUFFIXES[kind]),
        caption=t.gettext("Summary of period {period} ({programme})").format(
            period=esc(period.code), programme=esc(period.programme_code)
        ),
    )


def handlers() -> list[Any]:
    return [
        CommandHandler("summary", summary_command),
        CommandHandler("status", status_command),
        CallbackQueryHandler(on_button, pattern=r"^s:"),
    ]
