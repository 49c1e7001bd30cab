"""/review [PERIOD] and /unlock AGENCY [PERIOD]: the consolidating agency's admins accept or return each
submitted report. The list shows every report with its state, warnings and changes; a number opens that
report's card (figures, notes, warnings, changes since the last look) with Accept and Return; Return asks
for the reason as the next text (its position in the `conversations` table, flow `review`); "accept all
without warnings" is one tap. The agency's focal points are told of every decision. /official opens an
official-figures round (its focal-point side is handlers.report.official). The admin-only access
is the gate's (`rv:` buttons and these commands are ADMINS in handlers.common)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.domain.dates import parse_day
from bot.domain.models import Period
from bot.domain.rendering import esc, shorten, split_lines
from bot.domain.review import REASON_LIMIT, ReviewState
from bot.domain.review_text import (
    accepted_notice,
    card_lines,
    list_header,
    list_line,
    returned_notice,
    unlocked_notice,
)
from bot.i18n import Translator, translator
from bot.services import review as reviewing
from bot.services.figure_status import RoundOpened, open_round
from bot.services.summary import find_period, period_by_id
from handlers.common import beside, keyboard, reply, settle_pressed, who
from handlers.delivery import deliver
from handlers.report import report_button
from storage import Conversation

FLOW = "review"  # the onboarding dispatcher routes text by it: the reason for a return
REASON = "reason"
ANSWERING = "answering a review button"


async def _period(update: Update, context: BotContext, code: str | None) -> Period | None:
    periods = await find_period(context.storage, code)
    if not periods:
        await reply(update, who(context).t.gettext("No such period. /periods lists them."))
        return None
    return periods[0]


async def review_command(update: Update, context: BotContext) -> None:
    """/review [PERIOD]: the review list of the period (the latest by default)."""
    args = context.args or []
    period = await _period(update, context, args[0] if args else None)
    if period is not None:
        await send_list(update, context, period)


async def send_list(update: Update, context: BotContext, period: Period) -> None:
    """Every report of the period with its state, and a button per report."""
    t = who(context).t
    reports = await reviewing.review_list(context.storage, period)
    if not reports:
        await reply(
            update, t.gettext("No report of period {period} has been submitted yet.").format(period=esc(period.code))
        )
        return
    counts = Counter(report.state for report in reports if report.state is not None)
    lines = [list_header(period, counts, t)]
    for number, report in enumerate(reports, start=1):
        changes = 0 if report.first_look else len(report.changes)
        lines.append(list_line(number, report.agency, report.state, len(report.warnings), changes, t))
    numbers = [(str(n), f"rv:open:{period.id}:{r.agency.code}") for n, r in enumerate(reports, start=1)]
    rows = [numbers[i : i + 6] for i in range(0, len(numbers), 6)]
    clean = sum(1 for r in reports if r.state is ReviewState.SUBMITTED and not r.warnings)
    if clean:
        rows.append(
            [(t.gettext("✅ Accept all without warnings ({count})").format(count=clean), f"rv:all:{period.id}")]
        )
    texts = split_lines(lines)
    for text in texts[:-1]:
        await reply(update, text)
    await reply(update, texts[-1], keyboard(rows))


async def send_card(update: Update, context: BotContext, period: Period, agency_code: str) -> None:
    """One report: its figures, notes, warnings and changes since the admin last looked, with its actions."""
    current = who(context)
    t = current.t
    report = await reviewing.report_under_review(context.storage, period, agency_code)
    if report is None:
        await reply(update, t.gettext("That agency owes nothing in this period."))
        return
    lines = card_lines(
        period,
        report.agency,
        report.elements,
        report.values,
        (report.state, report.review),
        report.warnings,
        (report.changes, report.first_look),
        t,
    )
    key = f"{period.id}:{agency_code}"
    rows: list[list[tuple[str, str]]] = []
    if report.state is ReviewState.SUBMITTED:
        rows.append([(t.gettext("✅ Accept"), f"rv:ok:{key}"), (t.gettext("↩️ Return"), f"rv:back:{key}")])
    elif report.state is ReviewState.ACCEPTED:
        rows.append([(t.gettext("🔓 Unlock"), f"rv:unlock:{key}")])
    rows.append([(t.gettext("◀ Review list"), f"rv:list:{period.id}")])
    texts = split_lines(lines)
    for text in texts[:-1]:
        await reply(update, text)
    await reply(update, texts[-1], keyboard(rows))
    await reviewing.seen(context.storage, report, context.now())


async def on_button(update: Update, context: BotContext) -> None:
    """Every `rv:` button: rv:<action>:<period id>[:<agency>]."""
    query = update.callback_query
    assert query is not None and query.data is not None
    beside(context.application, query.answer(), ANSWERING)
    parts = query.data.split(":")
    period = await period_by_id(context.storage, int(parts[2])) if len(parts) > 2 and parts[2].isdigit() else None
    if period is None:
        await reply(update, who(context).t.gettext("That period no longer exists."))
        return
    action, agency = parts[1], parts[3] if len(parts) > 3 else ""
    if action != "open":
        settle_pressed(context.application, query)
    if action == "list":
        await send_list(update, context, period)
    elif action == "open":
        await send_card(update, context, period, agency)
    elif action == "ok":
        await decide(update, context, period, agency, None)
    elif action == "back":
        await ask_reason(update, context, period, agency)
    elif action == "unlock":
        await unlock_report(update, context, period, agency)
    elif action == "all":
        await accept_all(update, context, period)


async def ask_reason(update: Update, context: BotContext, period: Period, agency: str) -> None:
    """Return: the admin's next text is the reason."""
    current = who(context)
    await context.storage.conversations.save(
        Conversation(user_id=current.telegram_id, flow=FLOW, state=REASON, period_id=period.id, agency_code=agency)
    )
    await reply(
        update,
        current.t.gettext(
            "Type the reason for returning {agency}'s report (at most {limit} characters); its focal points will "
            "read it. /cancel keeps the report as it is."
        ).format(agency=esc(agency), limit=REASON_LIMIT),
    )


async def on_text(update: Update, context: BotContext, conversation: Conversation) -> None:
    """The reason for a return, typed after Return."""
    message = update.effective_message
    text = (message.text or "").strip() if message else ""
    t = who(context).t
    if not text or len(text) > REASON_LIMIT:
        await reply(update, t.gettext("Please type a reason of at most {limit} characters.").format(limit=REASON_LIMIT))
        return
    await context.storage.conversations.delete(conversation.user_id)
    period = await period_by_id(context.storage, conversation.period_id or 0)
    if period is None or conversation.agency_code is None:
        await reply(update, t.gettext("That period no longer exists."))
        return
    await decide(update, context, period, conversation.agency_code, text)


async def decide(update: Update, context: BotContext, period: Period, agency: str, reason: str | None) -> None:
    """Accept (no reason) or return (with one), then tell the admin and the agency's focal points."""
    current = who(context)
    t = current.t
    if reason is None:
        outcome = await reviewing.accept(context.storage, period, agency, current.telegram_id, context.now())
    else:
        outcome = await reviewing.give_back(context.storage, period, agency, reason, current.telegram_id, context.now())
    if isinstance(outcome, reviewing.Refused):
        await reply(update, _refusal(outcome, t))
        return
    name = esc(outcome.agency.name(t.locale))
    if reason is None:
        await reply(
            update,
            t.gettext("✅ Accepted: {agency}. Its figures for {period} are locked.").format(
                agency=name, period=esc(period.code)
            ),
        )
    else:
        await reply(update, t.gettext("↩️ Returned to {agency}: {reason}").format(agency=name, reason=esc(reason)))
    await _tell(context, outcome, period, reason)


async def accept_all(update: Update, context: BotContext, period: Period) -> None:
    """Accept every report waiting for review that raises no warning."""
    current = who(context)
    t = current.t
    decided = await reviewing.accept_clean(context.storage, period, current.telegram_id, context.now())
    names = ", ".join(esc(shorten(d.agency.name(t.locale), 40)) for d in decided)
    await reply(
        update,
        t.ngettext("✅ {count} report accepted: {names}", "✅ {count} reports accepted: {names}", len(decided)).format(
            count=len(decided), names=names or "—"
        ),
    )
    for outcome in decided:
        await _tell(context, outcome, period, None)


async def unlock_report(update: Update, context: BotContext, period: Period, agency: str) -> None:
    """Unlock an accepted report (logged): its focal points can change it again."""
    current = who(context)
    t = current.t
    outcome = await reviewing.unlock(context.storage, period, agency.upper(), current.telegram_id, context.now())
    if isinstance(outcome, reviewing.Refused):
        await reply(update, _refusal(outcome, t))
        return
    await reply(
        update,
        t.gettext("🔓 Unlocked: {agency}, period {period}. It waits for review again.").format(
            agency=esc(outcome.agency.name(t.locale)), period=esc(period.code)
        ),
    )
    for user in outcome.notify:
        their = translator(user.locale or context.settings.default_locale, context.settings.timezone)
        await deliver(
            context.bot,
            context.bot_data.throttle,
            user.telegram_id,
            unlocked_notice(period, outcome.agency, their),
            None,
        )


async def unlock_command(update: Update, context: BotContext) -> None:
    """/unlock AGENCY [PERIOD]"""
    args = context.args or []
    if not args:
        await reply(update, who(context).t.gettext("Usage: /unlock AGENCY [PERIOD], e.g. /unlock SYT 2025"))
        return
    period = await _period(update, context, args[1] if len(args) > 1 else None)
    if period is not None:
        await unlock_report(update, context, period, args[0])


def _refusal(outcome: reviewing.Refused, t: Translator) -> str:
    if outcome.why == "unknown":
        return t.gettext("No agency {agency}.").format(agency=esc(outcome.agency_code))
    if outcome.why == "not accepted":
        return t.gettext("{agency}'s report is not accepted, so there is nothing to unlock.").format(
            agency=esc(outcome.agency_code)
        )
    return t.gettext(
        "{agency}'s report is not waiting for review (not submitted, or already decided); nothing changed."
    ).format(agency=esc(outcome.agency_code))


async def _tell(context: BotContext, outcome: reviewing.Decided, period: Period, reason: str | None) -> None:
    """The agency's focal points learn the decision, each in their language; a return carries Report now."""
    for user in outcome.notify:
        their = translator(user.locale or context.settings.default_locale, context.settings.timezone)
        if reason is None:
            text, markup = accepted_notice(period, outcome.agency, their), None
        else:
            text, markup = (
                returned_notice(period, outcome.agency, reason, their),
                keyboard([[report_button(period.id, their)]]),
            )
        await deliver(context.bot, context.bot_data.throttle, user.telegram_id, text, markup)


async def official_command(update: Update, context: BotContext) -> None:
    """/official PERIOD DD/MM/YYYY: open the period's official-figures round and ask the agencies."""
    current = who(context)
    t = current.t
    args = context.args or []
    deadline = parse_day(args[1]) if len(args) == 2 else None
    periods = await find_period(context.storage, args[0]) if args else []
    if deadline is None or not periods:
        await reply(update, t.gettext("Usage: /official PERIOD DD/MM/YYYY, e.g. /official 2025 31/03/2026"))
        return
    if deadline < context.now().date():  # a slip such as 1/1/1 (year 1) would also break the reminders' dates
        await reply(
            update,
            t.gettext("The deadline {date} has passed; give a later date, e.g. /official {period} DD/MM/YYYY.").format(
                date=t.date(deadline), period=esc(periods[0].code)
            ),
        )
        return
    outcome = await open_round(context.storage, periods[0], deadline, by=current.telegram_id, now=context.now())
    if not isinstance(outcome, RoundOpened):
        text = (
            t.gettext("Period {period} is locked; /unlock_period first.")
            if outcome.why == "locked"
            else t.gettext("Every figure of period {period} is already official.")
        )
        await reply(update, text.format(period=esc(periods[0].code)))
        return
    figures = 0
    for agency, items, people in outcome.asked:
        figures += len(items)
        for user in people:
            their = translator(user.locale or context.settings.default_locale, context.settings.timezone)
            text = their.ngettext(
                "📑 The consolidating agency asks {agency} for the official figures of period {period} by {deadline}: "
                "{count} item is not official yet.",
                "📑 The consolidating agency asks {agency} for the official figures of period {period} by {deadline}: "
                "{count} items are not official yet.",
                len(items),
            ).format(
                agency=esc(agency.name(their.locale)),
                period=esc(outcome.period.code),
                deadline=their.date(deadline),
                count=len(items),
            )
            button = (their.gettext("📝 Give the official figures"), f"vt:round:{outcome.period.id}:{agency.code}")
            await deliver(context.bot, context.bot_data.throttle, user.telegram_id, text, keyboard([[button]]))
    await reply(
        update,
        t.gettext(
            "Official figures round for {period} open until {deadline}: {agencies} agencies asked, {figures} figures."
        ).format(
            period=esc(outcome.period.code), deadline=t.date(deadline), agencies=len(outcome.asked), figures=figures
        ),
    )


def handlers() -> list[Any]:
    """/review, /unlock, /official and every `rv:` button."""
    return [
        CommandHandler("review", review_command),
        CommandHandler("unlock", unlock_command),
        CommandHandler("official", official_command),
        CallbackQueryHandler(on_button, pattern=r"^rv:"),
    ]
