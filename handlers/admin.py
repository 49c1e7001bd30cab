"""The consolidating agency's staff run the cycle from their phones: agencies and focal points, invites and
handovers, periods and locking, pending onboarding, broadcasts and the audit trail. The access gate admits admins only;
destructive actions ask for confirmation with buttons (`a:` callbacks, also admins only)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.domain.dates import parse_day
from bot.domain.models import Period, PeriodState, Role, User
from bot.domain.periods import PeriodCodeError, deadline_words, on_time_rule
from bot.domain.rendering import esc, shorten, split_lines
from bot.i18n import Translator, answer_name, period_state_name, role_name
from bot.services import people
from bot.services import periods as reporting
from bot.services.audit import audit_trail
from bot.services.obligations import consolidator_label
from handlers.common import keyboard, reply, who
from handlers.delivery import TelegramOutbox
from storage import PeriodError

AUDIT_ROWS = 30


async def _send_lines(update: Update, lines: list[str]) -> None:
    for text in split_lines(lines):
        await reply(update, text)


def person(user: User, t: Translator) -> str:
    """A user's name with their reachability: reachable, unreachable (blocked the bot) or never started."""
    name = esc(user.full_name or str(user.telegram_id))
    if user.unreachable_since is not None:
        return f"{name} ⛔ " + t.gettext("unreachable")
    if user.started_at is None:
        return f"{name} ⏳ " + t.gettext("never started")
    return f"{name} ✅"


async def agencies(update: Update, context: BotContext) -> None:
    """/agencies: every active agency with its focal points and whether they can be reached."""
    t = who(context).t
    lines = [t.gettext("<b>Agencies and their focal points</b>")]
    for agency, members in await people.agencies_and_focal_points(context.storage):
        names = [person(user, t) + ("" if primary else " " + t.gettext("(backup)")) for user, primary in members]
        focal_points = ", ".join(names) or t.gettext("no focal point yet")
        lines.append(f"• {esc(agency.name(t.locale))} ({esc(agency.code)}): {focal_points}")
    await _send_lines(update, lines)


async def invite(update: Update, context: BotContext) -> None:
    """/invite <agency> [focal|backup] or /invite viewer|admin: a single-use link valid for a week."""
    t = who(context).t
    args = context.args or []
    usage = t.gettext("Usage: /invite AGENCY [focal|backup], or /invite viewer, or /invite admin.")
    if not args:
        await reply(update, usage)
        return
    if args[0].lower() in (Role.VIEWER.value, Role.ADMIN.value):
        role, agency_code = Role(args[0].lower()), None
    else:
        role = Role(args[1].lower()) if len(args) > 1 and args[1].lower() in ("focal", "backup") else Role.FOCAL
        agency_code = args[0]
    try:
        issued = await people.issue_invite(context.storage, role, agency_code, by=who(context).telegram_id)
    except people.NoActiveAgency:
        await reply(update, t.gettext("No active agency {code}. /agencies lists them.").format(code=esc(args[0])))
        return
    await _send_invite(update, context, issued)


async def _send_invite(update: Update, context: BotContext, issued: people.IssuedInvite) -> None:
    t = who(context).t
    created, agency, role = issued.invite, issued.agency, issued.invite.role
    link = f"https://t.me/{context.bot.username}?start={created.token}"
    words = {"role": esc(role_name(role, t)), "moment": t.datetime(created.expires_at), "link": esc(link)}
    if agency:
        text = t.gettext("Invite link for the {role} of {agency}, single use, valid until {moment}:\n{link}")
        await reply(update, text.format(agency=esc(agency.name(t.locale)), **words))
    else:
        await reply(
            update,
            t.gettext("Invite link for the role of {role}, single use, valid until {moment}:\n{link}").format(**words),
        )


async def handover(update: Update, context: BotContext) -> None:
    """/handover <agency>: an invite for a successor; the current primary loses access when it is used."""
    t = who(context).t
    usage = t.gettext("Usage: /handover AGENCY (an active agency code, see /agencies).")
    if not context.args:
        await reply(update, usage)
        return
    try:
        issued = await people.issue_invite(
            context.storage, Role.FOCAL, context.args[0], by=who(context).telegram_id, handover=True
        )
    except people.NoActiveAgency:
        await reply(update, usage)
        return
    await _send_invite(update, context, issued)


async def revoke(update: Update, context: BotContext) -> None:
    """/revoke <user id>: asks first, then removes the user's role and agencies."""
    t = who(context).t
    target = (
        await people.revocable(context.storage, int(context.args[0]))
        if context.args and context.args[0].isdigit()
        else None
    )
    if target is None:
        await reply(update, t.gettext("Usage: /revoke USER_ID (a user with a role; see /agencies or /pending)."))
        return
    await reply(
        update,
        t.gettext("Remove all access of {name} ({id})?").format(
            name=esc(target.full_name or "?"), id=target.telegram_id
        ),
        keyboard([[(t.gettext("Remove access"), f"a:revoke:{target.telegram_id}"), (t.gettext("Cancel"), "a:cancel")]]),
    )


async def periods(update: Update, context: BotContext) -> None:
    """/periods: every period with its state and deadline."""
    t = who(context).t
    names = {
        PeriodState.OPEN: t.gettext("open"),
        PeriodState.CLOSED: t.gettext("closed"),
        PeriodState.LOCKED: t.gettext("locked"),
    }
    lines = [t.gettext("<b>Reporting periods</b>")] + [
        f"• {esc(p.code)} · {esc(p.programme_code)}: {names[p.state]}, "
        + t.gettext("due {date}").format(date=deadline_words(p.deadline, t))
        for p in await reporting.all_periods(context.storage)
    ]
    await _send_lines(update, lines if len(lines) > 1 else [t.gettext("No periods yet. /open_period 2025 opens one.")])


def deadline_refusal(refused: reporting.DeadlineBeforePeriod, t: Translator) -> str:
    """Why a deadline was refused, with both dates."""
    return t.gettext(
        "The deadline {deadline} is before the period begins ({starts}): the period would be overdue as soon as "
        "it opens. Give a later deadline."
    ).format(deadline=t.date(refused.deadline), starts=t.date(refused.starts_on))


async def open_period(update: Update, context: BotContext) -> None:
    """/open_period <period> [DD/MM/YYYY] [programme]"""
    t = who(context).t
    args = context.args or []
    dates = [parse_day(arg) for arg in args[1:]]
    deadline = next((day for day in dates if day is not None), None)
    named = [arg for arg, day in zip(args[1:], dates, strict=True) if day is None]
    if not args:
        await reply(update, t.gettext("Usage: /open_period PERIOD [DD/MM/YYYY] [PROGRAMME], e.g. /open_period 2025"))
        return
    try:
        period = await reporting.open_period(
            context.storage,
            args[0],
            programme_code=named[0] if named else None,
            deadline=deadline,
            by=who(context).telegram_id,
            first_if_unnamed=True,  # in the chat, the main programme unless another is named
        )
    except PeriodCodeError:
        await reply(
            update,
            t.gettext("{code} is not a period. Write 2025, 2025-H1, 2025-Q3 or 2025-07.").format(code=esc(args[0])),
        )
        return
    except reporting.UnknownProgramme:
        await reply(update, t.gettext("Which programme? Add its code, e.g. /open_period 2025 HD-NQ30."))
        return
    except reporting.NoProgrammes:
        await reply(update, t.gettext("No programme is loaded yet: load a catalogue with /catalog first."))
        return
    except reporting.DeadlineBeforePeriod as refused:
        await reply(update, deadline_refusal(refused, t))
        return
    except reporting.NoDeadlineRule as missing:
        await reply(
            update,
            t.gettext(
                "The document of {programme} states no reporting deadline, so none is assumed: give one, "
                "e.g. /open_period {period} DD/MM/YYYY {programme}."
            ).format(programme=esc(missing.programme_code), period=esc(args[0])),
        )
        return
    except PeriodError:  # the period exists and is locked
        await reply(update, t.gettext("Period {code} is locked; /unlock_period first.").format(code=esc(args[0])))
        return
    await reply(
        update,
        t.gettext("Period {code} of {programme} is open; deadline {deadline}.").format(
            code=esc(period.code), programme=esc(period.programme_code), deadline=on_time_rule(period.deadline, t)
        ),
    )


async def _period_arg(update: Update, context: BotContext) -> Period | None:
    t = who(context).t
    args = context.args or []
    period = await reporting.find_period(context.storage, args[0], args[1] if len(args) > 1 else None) if args else None
    if period is None:
        await reply(
            update, t.gettext("Name one period, e.g. 2025 (and its programme if several have it). /periods lists them.")
        )
    return period


async def change_period(update: Update, context: BotContext, target: PeriodState, verb: str) -> None:
    t = who(context).t
    period = await _period_arg(update, context)
    if period is None:
        return
    if target is PeriodState.CLOSED and verb == "unlock" and period.state is not PeriodState.LOCKED:
        await reply(update, t.gettext("{code} is not locked.").format(code=esc(period.code)))
        return
    questions = {
        "close": t.gettext("Close period {code} ({programme})? Reminders stop; corrections stay possible."),
        "lock": t.gettext("Lock period {code} ({programme})? Its figures become final and read-only for everyone."),
        "unlock": t.gettext("Unlock period {code} ({programme})? Figures can be changed again; this is logged."),
    }
    await reply(
        update,
        questions[verb].format(code=esc(period.code), programme=esc(period.programme_code)),
        keyboard([[(t.gettext("Confirm"), f"a:state:{period.id}:{target.value}"), (t.gettext("Cancel"), "a:cancel")]]),
    )


async def close_period(update: Update, context: BotContext) -> None:
    await change_period(update, context, PeriodState.CLOSED, "close")


async def lock_period(update: Update, context: BotContext) -> None:
    await change_period(update, context, PeriodState.LOCKED, "lock")


async def unlock_period(update: Update, context: BotContext) -> None:
    await change_period(update, context, PeriodState.CLOSED, "unlock")


async def pending(update: Update, context: BotContext) -> None:
    """/pending: invites never used, users who never pressed Start, and unreachable users."""
    t = who(context).t
    lines = [t.gettext("<b>Waiting</b>")]
    found = await people.waiting(context.storage)
    for created in found.invites:
        words = {"role": esc(role_name(created.role, t)), "moment": t.datetime(created.expires_at)}
        if created.agency_code:
            line = t.gettext("• Invite not used yet: {role} of {agency}, valid until {moment}")
            lines.append(line.format(agency=esc(created.agency_code), **words))
        else:
            lines.append(t.gettext("• Invite not used yet: {role}, valid until {moment}").format(**words))
    lines += [f"• {person(user, t)} ({user.telegram_id})" for user in found.users]
    await _send_lines(update, lines if len(lines) > 1 else [t.gettext("Nobody is waiting.")])


async def broadcast(update: Update, context: BotContext) -> None:
    """/broadcast <text>: asks first, then sends to every focal point, within the rate limits."""
    t = who(context).t
    message = update.effective_message
    text = message.text.partition(" ")[2].strip() if message and message.text else ""
    if not text:
        await reply(update, t.gettext("Usage: /broadcast TEXT"))
        return
    count = len(await people.broadcast_recipients(context.storage))
    context.user_data["broadcast"] = text  # type: ignore[index]
    await reply(
        update,
        t.gettext("Send this to {count} focal points?\n\n{text}").format(count=count, text=esc(text)),
        keyboard([[(t.gettext("Send"), "a:broadcast"), (t.gettext("Cancel"), "a:cancel")]]),
    )


async def audit(update: Update, context: BotContext) -> None:
    """/audit <agency|indicator> [period]: who changed what, and when."""
    t = who(context).t
    args = context.args or []
    if not args:
        await reply(update, t.gettext("Usage: /audit AGENCY|INDICATOR [PERIOD]"))
        return
    code = args[0].strip()
    trail = await audit_trail(context.storage, code, args[1] if len(args) > 1 else None, AUDIT_ROWS)
    if not trail.changes:
        await reply(update, t.gettext("No changes recorded for {code}.").format(code=esc(code)))
        return
    lines = [t.gettext("<b>Changes: {code}</b> (latest {count})").format(code=esc(code), count=AUDIT_ROWS)]
    for change in trail.changes:
        old = (
            "–"
            if change.old_number is None and change.old_text is None
            else esc(t.number(change.old_number) if change.old_number is not None else change.old_text)
        )
        new = (
            esc(t.number(change.new_number))
            if change.new_number is not None
            else esc(change.new_text or answer_name(change.new_answer, t))
        )
        lines.append(
            f"{t.datetime(change.changed_at)} · {esc(change.agency_code)} · "
            f"{esc(shorten(change.element_code, 30))}: {old} → {new} · "
            f"{esc(trail.names.get(change.changed_by or 0) or change.changed_by or '?')}"
        )
    await _send_lines(update, lines)


async def confirmed(update: Update, context: BotContext) -> None:
    """`a:revoke:<user>`, `a:state:<period>:<state>`, `a:broadcast` after the admin pressed Confirm."""
    query = update.callback_query
    assert query is not None and query.data is not None
    current = who(context)
    t = current.t
    await query.answer()
    await query.edit_message_reply_markup(None)
    parts = query.data.split(":")
    if parts[1] == "revoke" and parts[2].isdigit():
        done = await people.revoke(context.storage, int(parts[2]))
        await reply(update, t.gettext("Access removed.") if done else t.gettext("Nothing to remove."))
    elif parts[1] == "state" and len(parts) == 4 and parts[2].isdigit():
        if parts[3] not in {s.value for s in PeriodState}:
            return
        updated = await reporting.change_state(
            context.storage, int(parts[2]), PeriodState(parts[3]), by=current.telegram_id
        )
        if updated is None:
            return
        await reply(
            update,
            t.gettext("{code}: {state}").format(code=esc(updated.code), state=esc(period_state_name(updated.state, t))),
        )
    elif parts[1] == "broadcast":
        text = context.user_data.pop("broadcast", None) if context.user_data is not None else None
        if not text:
            await reply(update, t.gettext("Nothing to send; type /broadcast TEXT again."))
            return
        sender = await consolidator_label(context.storage, t, context.now().date())
        body = t.gettext("📢 From {agency}:").format(agency=esc(sender[:1].upper() + sender[1:])) + "\n" + esc(text)
        outbox = TelegramOutbox(context.bot, context.bot_data.throttle)
        outcomes = await people.broadcast(outbox, context.storage, body, t)
        await reply(
            update,
            t.gettext("Sent: {sent}; unreachable: {forbidden}; uncertain: {unknown}.").format(
                sent=outcomes.get("sent", 0),
                forbidden=outcomes.get("forbidden", 0),
                unknown=outcomes.get("unknown", 0) + outcomes.get("failed", 0),
            ),
        )


def handlers() -> list[Any]:
    return [
        CommandHandler("agencies", agencies),
        CommandHandler("invite", invite),
        CommandHandler("handover", handover),
        CommandHandler("revoke", revoke),
        CommandHandler("periods", periods),
        CommandHandler("open_period", open_period),
        CommandHandler("close_period", close_period),
        CommandHandler("lock_period", lock_period),
        CommandHandler("unlock_period", unlock_period),
        CommandHandler("pending", pending),
        CommandHandler("broadcast", broadcast),
        CommandHandler("audit", audit),
        CallbackQueryHandler(confirmed, pattern=r"^a:(revoke|state|broadcast)"),
    ]
