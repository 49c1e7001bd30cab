"""Joining and finding one's way: /start with an invite, status, /help per role, /lang, /cancel, and the
polite answers to whatever does not fit anywhere else."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import BotContext
from bot.domain.models import Role
from bot.domain.periods import deadline_words
from bot.domain.rendering import esc
from bot.i18n import SUPPORTED, Translator, translator
from bot.services.obligations import consolidator_label
from bot.services.onboarding import join, standing
from handlers import admin, catalogue, explain, reminders, report, review, summary
from handlers.common import Who, join_hint, keyboard, reply, who
from handlers.report import confidence, official
from handlers.report import sheet as values_sheet
from storage import InviteRefused


def role_text(current: Who, agency_name: str | None) -> str:
    """The user's role in words, naming the agency for a focal point."""
    t = current.t
    if current.role is Role.ADMIN:
        return t.gettext("an administrator")
    if current.role is Role.VIEWER:
        return t.gettext("a viewer of the provincial summaries")
    primary = any(m.primary for m in current.memberships)
    if primary:
        return t.gettext("the focal point of {agency}").format(agency=esc(agency_name or "?"))
    return t.gettext("a backup focal point of {agency}").format(agency=esc(agency_name or "?"))


async def start(update: Update, context: BotContext) -> None:
    """/start [token]: join with an invite, or see where things stand."""
    current = who(context)
    t = current.t
    telegram_user = update.effective_user
    assert telegram_user is not None
    if context.args:
        try:
            joined = await join(
                context.storage, context.args[0], telegram_user.id, telegram_user.full_name, telegram_user.username
            )
        except InviteRefused as refused:
            await reply(update, refusal_text(t, refused.reason, await _consolidator(context, t)))
            return
        current = Who(telegram_user.id, joined.user, joined.memberships, current.t)
        await reply(
            update,
            t.gettext("Welcome, {name}! You are now {role}.").format(
                name=esc(telegram_user.full_name),
                role=role_text(current, joined.agency.name(t.locale) if joined.agency else None),
            ),
        )
    if current.user is None or current.role is None:
        await reply(
            update,
            t.gettext(
                "Hello! This bot collects the progress reports of the provincial action programme. To use it, ask "
                "{agency} for an invite link and open it."
            ).format(agency=esc(await _consolidator(context, t))),
        )
        return
    await status(update, context, current)


async def _consolidator(context: BotContext, t: Translator) -> str:
    """The name today of the agency the programme reports to (Sở Tài chính since the DPI merged into it)."""
    return await consolidator_label(context.storage, t, context.now().date())


def refusal_text(t: Translator, reason: str, agency: str) -> str:
    """Why an invite link did not work, and what to do: ask `agency`, the one the programme reports to."""
    reasons = {
        "used": t.gettext("This invite link has already been used."),
        "expired": t.gettext("This invite link has expired."),
        "unknown": t.gettext("This invite link is not valid."),
    }
    return reasons[reason] + " " + t.gettext("Please ask {agency} for a new one.").format(agency=esc(agency))


async def status(update: Update, context: BotContext, current: Who) -> None:
    """Who you are, the open periods, and what is still owed by when."""
    t = current.t
    found = await standing(context.storage, current.memberships)
    lines = [
        t.gettext("You are {role}.").format(role=role_text(current, agency.name(t.locale) if agency else None))
        for agency in found.agencies
    ]
    if not current.memberships:
        lines.append(t.gettext("You are {role}.").format(role=role_text(current, None)))
    for progress in found.open_reports:
        if progress.submission:
            state = t.gettext("submitted {when}").format(when=t.datetime(progress.submission.submitted_at))
        else:
            state = t.gettext("{owed} of {total} items still to fill in").format(
                owed=progress.owed, total=progress.total
            )
        lines.append(
            t.gettext("• Period {period} ({programme}), due {deadline}: {state}").format(
                period=esc(progress.period.code),
                programme=esc(progress.period.programme_code),
                deadline=deadline_words(progress.period.deadline, t),
                state=state,
            )
        )
    if current.memberships:
        lines.append(t.gettext("Type /report to fill in or change your figures."))
    await reply(update, "\n".join(lines))


async def help_command(update: Update, context: BotContext) -> None:
    """/help, tailored to the user's role."""
    current = who(context)
    t = current.t
    common = t.gettext("/lang — Tiếng Việt / English\n/cancel — stop what I am doing\n/help — this help")
    if current.role is None:
        text = t.gettext(
            "This bot collects progress reports for the provincial action programme. Ask {agency} for an "
            "invite link to join."
        ).format(agency=esc(await _consolidator(context, t)))
    elif current.memberships:
        text = t.gettext(
            "<b>For focal points</b>\n/report — fill in or correct your agency's figures for the open period. "
            "Type numbers the way you usually do: 9,5 or 1.234.567 or 200 triệu. Each figure is saved as soon "
            "as you confirm it; Submit when everything is there.\n/myreports — what your agency has submitted\n"
            "/start — your status and deadlines\n/pause DD/MM/YYYY — no reminders while you are on leave; "
            "/resume — reminders again"
        )
    else:
        text = t.gettext("<b>Your role</b>: {role}\n/start — your status").format(role=role_text(current, None))
    if current.role in (Role.ADMIN, Role.VIEWER):
        text += "\n" + t.gettext(
            "/summary [period] — the provincial summary against the targets, with Excel, "
            "CSV and chart\n/status [period] — which agencies have reported"
        )
    if current.role is Role.ADMIN:
        text += "\n" + t.gettext(
            "<b>Administration</b>\n/remind [period] — remind the agencies that have not submitted, now\n"
            "/agencies — agencies and their focal points\n/invite AGENCY [focal|backup] — an invite link; "
            "/invite viewer, /invite admin\n/handover AGENCY — an invite for a successor\n/revoke USER_ID — remove "
            "access\n/periods, /open_period, /close_period, /lock_period, /unlock_period — reporting periods\n"
            "/pending — unused invites and unreachable users\n/broadcast TEXT — a message to every focal point\n"
            "/audit AGENCY|INDICATOR [period] — who changed what"
        )
        text += "\n" + t.gettext(
            "/review [period] — accept or return the submitted reports\n/unlock AGENCY [period] — unlock an accepted "
            "report\n/official PERIOD DD/MM/YYYY — ask the agencies for their official figures"
        )
    await reply(update, text + "\n" + common)


async def lang_command(update: Update, context: BotContext) -> None:
    """/lang: choose Vietnamese or English with buttons."""
    t = who(context).t
    await reply(
        update,
        t.gettext("Choose your language:"),
        keyboard([[("Tiếng Việt", "lang:vi"), ("English", "lang:en")]]),
    )


async def lang_button(update: Update, context: BotContext) -> None:
    """A language button: keep the choice and answer in that language."""
    query = update.callback_query
    assert query is not None and query.data is not None
    current = who(context)
    locale = query.data.split(":", 1)[1]
    if locale not in SUPPORTED:
        await query.answer()
        return
    if current.user is None:
        await query.answer(
            current.t.gettext("Join with an invite link first; then your choice is kept."), show_alert=True
        )
        return
    await context.storage.users.set_locale(current.telegram_id, locale)
    t = translator(locale, context.settings.timezone)
    await query.answer()
    await query.edit_message_text(
        t.gettext("Language: English.") if locale == "en" else t.gettext("Language: Vietnamese.")
    )


async def cancel(update: Update, context: BotContext) -> None:
    """/cancel: leave any conversation; what was confirmed stays saved."""
    current = who(context)
    conversation = await context.storage.conversations.get(current.telegram_id)
    await context.storage.conversations.delete(current.telegram_id)
    t = current.t
    if conversation:
        await reply(
            update,
            t.gettext("Stopped. Every figure you confirmed is saved; /report picks up where you left off."),
        )
    else:
        await reply(update, t.gettext("Nothing to stop. /help shows what I can do."))


async def text_message(update: Update, context: BotContext) -> None:
    """Plain text: part of an open report, or a pointer to /help."""
    current = who(context)
    conversation = await context.storage.conversations.get(current.telegram_id)
    # Each open conversation kind takes its own text: the report, an explanation, a review's reason, an
    # official-figures round, a lead agency's confidence.
    flows = (report, explain, review, official, confidence)
    if conversation and (flow := next((f for f in flows if conversation.flow == f.FLOW), None)) is not None:
        await flow.on_text(update, context, conversation)
        return
    if current.role is None:
        await reply(update, join_hint(current.t))
        return
    await reply(update, current.t.gettext("I did not understand that. /report to report figures, /help for help."))


async def other_message(update: Update, context: BotContext) -> None:
    """Stickers, photos, files, voice: nudge back to the open question, if any."""
    current = who(context)
    conversation = await context.storage.conversations.get(current.telegram_id)
    if conversation and conversation.flow == catalogue.FLOW and update.effective_message.document:  # type: ignore[union-attr]
        await catalogue.on_document(update, context, conversation)
        return
    if values_sheet.wants(update, current):
        await values_sheet.on_document(update, context)
        return
    if conversation and conversation.flow == report.FLOW:
        await reply(update, current.t.gettext("I can only read typed text here."))
        await report.nudge(update, context, conversation)
        return
    await reply(update, current.t.gettext("I can only read typed text and commands. /help shows them."))


async def unknown_command(update: Update, context: BotContext) -> None:
    """A command nobody handles: say so, and point back to an open report's question."""
    current = who(context)
    await reply(update, current.t.gettext("I do not know that command. /help lists the ones I know."))
    conversation = await context.storage.conversations.get(current.telegram_id)
    if conversation and conversation.flow == report.FLOW:
        await report.nudge(update, context, conversation)


def handlers() -> list[Any]:
    """Every handler of the bot, onboarding's first and the catch-alls last."""
    return [
        CommandHandler("start", start),
        CommandHandler("help", help_command),
        CommandHandler("lang", lang_command),
        CommandHandler("cancel", cancel),
        CallbackQueryHandler(lang_button, pattern=r"^lang:"),
        *report.handlers(),
        *reminders.handlers(),
        *summary.handlers(),
        *admin.handlers(),
        *explain.handlers(),
        *catalogue.handlers(),
        MessageHandler(filters.COMMAND, unknown_command),
        MessageHandler(filters.TEXT, text_message),
        MessageHandler(~filters.TEXT & ~filters.StatusUpdate.ALL, other_message),
    ]
