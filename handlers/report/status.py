"""A report's figure statuses: estimate, preliminary, official. The /report review carries 📊, which opens
this screen: each item's figure with its status, a tap on an item's number moves it on (estimate →
preliminary → official), and one tap sets the whole report. The screen is edited in place. Buttons are
`vt:` (focal points, in the gate's table); a focal point can only touch their own agencies' reports.
"""

from __future__ import annotations

from telegram import Update
from telegram.error import BadRequest

from bot.context import BotContext
from bot.domain.figure_status import has_status, next_status
from bot.domain.models import ValueStatus
from bot.domain.rendering import esc, format_value, shorten
from bot.domain.summary_text import value_status_name
from bot.i18n import Translator
from bot.services.figure_status import set_status
from bot.services.report import ReportSheet, load_sheet
from bot.services.summary import period_by_id
from handlers.common import keyboard, reply, who


def status_button(period_id: int, agency_code: str, t: Translator) -> tuple[str, str]:
    """The /report review's button to this screen."""
    return (t.gettext("📊 Estimate / preliminary / official"), f"vt:show:{period_id}:{agency_code}")


def screen(sheet: ReportSheet, t: Translator) -> tuple[str, list[list[tuple[str, str]]]]:
    """The statuses of the report's figures, and their buttons."""
    key = f"{sheet.period.id}:{sheet.agency.code}"
    lines = [
        t.gettext("<b>How final are the figures: {agency}, period {period}</b>").format(
            agency=esc(sheet.agency.name(t.locale)), period=esc(sheet.period.code)
        ),
        t.gettext("Press an item's number to move it on (estimate → preliminary → official), or set them all."),
    ]
    numbers = []
    for index, element in enumerate(sheet.elements):
        value = sheet.values.get(element.code)
        if value is None or not has_status(element, value):
            continue
        lines.append(
            f"{index + 1}. {esc(shorten(element.name(t.locale), 50))}: {format_value(element, value, t)}"
            f" — <i>{value_status_name(value.status, t)}</i>"
        )
        numbers.append((str(index + 1), f"vt:item:{key}:{index}"))
    rows = [numbers[i : i + 6] for i in range(0, len(numbers), 6)]
    rows.append(
        [
            (t.gettext("All: {status}").format(status=value_status_name(s, t)), f"vt:all:{key}:{s.value}")
            for s in ValueStatus
        ]
    )
    rows.append([(t.gettext("◀ Back to the report"), f"r:open:{sheet.period.id}")])
    return "\n".join(lines), rows


async def _sheet(update: Update, context: BotContext, period_id: int, agency_code: str) -> ReportSheet | None:
    t = who(context).t
    period = await period_by_id(context.storage, period_id)
    if period is None or agency_code not in who(context).agency_codes:
        await reply(update, t.gettext("That report is not yours to fill in."))
        return None
    return await load_sheet(context.storage, period, agency_code)


async def on_status_button(update: Update, context: BotContext, parts: list[str]) -> None:
    """vt:show|item|all:<period>:<agency>[:<index or status>]."""
    query = update.callback_query
    assert query is not None
    t = who(context).t
    if len(parts) < 4 or not parts[2].isdigit():
        return
    sheet = await _sheet(update, context, int(parts[2]), parts[3])
    if sheet is None:
        return
    if parts[1] == "show":
        text, rows = screen(sheet, t)
        await reply(update, text, keyboard(rows))
        return
    if parts[1] == "item" and len(parts) == 5 and parts[4].isdigit() and int(parts[4]) < len(sheet.elements):
        element = sheet.elements[int(parts[4])]
        value = sheet.values.get(element.code)
        if value is None:
            return
        changed = await set_status(
            context.storage,
            sheet,
            [element.code],
            next_status(value.status),
            by=who(context).telegram_id,
            now=context.now(),
        )
    elif parts[1] == "all" and len(parts) == 5 and parts[4] in {s.value for s in ValueStatus}:
        codes = [element.code for element in sheet.elements]
        changed = await set_status(
            context.storage, sheet, codes, ValueStatus(parts[4]), by=who(context).telegram_id, now=context.now()
        )
    else:
        return
    if changed is None:
        await reply(
            update, t.gettext("The figures of period {period} are locked.").format(period=esc(sheet.period.code))
        )
        return
    text, rows = screen(sheet, t)
    try:
        await query.edit_message_text(text, reply_markup=keyboard(rows))
    except BadRequest as error:  # unchanged: the same status again
        if "not modified" not in str(error).lower():
            raise
