"""`python -m bot reminders ...`: see and run the reminder schedule from the shell (cron, tests)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from pydantic import ValidationError

from bot.cli.common import Command, Subcommands, UserError, find_period
from bot.config import Settings
from bot.domain.models import Period, PeriodState
from bot.domain.periods import deadline_words
from bot.domain.reminders import Kind, ReminderPolicy, due_reminders, escalation_day, schedule, stop_day
from bot.i18n import N_, Translator, field_error
from bot.services.reminders import situation
from storage import Storage
from storage.reminders import Entry


def add_parser(commands: Subcommands) -> None:
    """Add `reminders` and its actions."""
    reminders = commands.add_parser("reminders", help=N_("deadline reminders")).add_subparsers(
        dest="reminders_command", required=True, metavar=N_("ACTION")
    )
    plan = reminders.add_parser("plan", help=N_("dry run: who would get what, and when"))
    plan.add_argument("--period", help=N_("period code (all open periods)"))
    plan.add_argument("--at", type=_moment, help=N_("ISO time to evaluate, e.g. 2025-12-02T09:00 (now)"))
    run_once = reminders.add_parser("run-once", help=N_("send what is due at that moment (needs BOT_TOKEN)"))
    run_once.add_argument("--at", type=_moment, help=N_("ISO time, e.g. 2025-12-02T09:00 (now)"))
    policy = reminders.add_parser("policy", help=N_("override the reminder policy of one period"))
    policy.add_argument("period", help=N_("period code"))
    policy.add_argument("--programme", help=N_("programme code (needed if several)"))
    policy.add_argument("--before", help=N_("working days before the deadline, e.g. 10,5,1"))
    policy.add_argument("--overdue-every", type=int, help=N_("working days between overdue nudges"))
    policy.add_argument("--escalate-after", type=int, help=N_("working days overdue before admins hear"))
    policy.add_argument("--window", help=N_("send window HH:MM-HH:MM"))
    policy.add_argument("--weekends", choices=["yes", "no"], help=N_("send on Saturdays and Sundays"))
    policy.add_argument("--reset", action="store_true", help=N_("back to the settings' defaults"))


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO time like 2025-12-02T09:00") from None


def local(moment: datetime | None, settings: Settings) -> datetime:
    """A naive --at is read in the province's time zone."""
    if moment is None:
        return datetime.now(settings.tzinfo)
    return moment.replace(tzinfo=settings.tzinfo) if moment.tzinfo is None else moment.astimezone(settings.tzinfo)


async def _open_periods(storage: Storage, code: str | None) -> list[Period]:
    periods = await storage.periods.all(state=PeriodState.OPEN)
    return [p for p in periods if code is None or p.code == code.strip().upper()]


async def plan(arguments: argparse.Namespace, settings: Settings, storage: Storage, t: Translator) -> int:
    now = local(arguments.at, settings)
    calendar = settings.work_calendar()
    admins = [u.telegram_id for u in await storage.users.admins()]
    periods = await _open_periods(storage, arguments.period)
    if not periods:
        print(t.gettext("No open period."))
    for period in periods:
        current = await situation(storage, settings, period)
        policy = current.policy
        print(f"{period.programme_code} {period.code}: {t.gettext('deadline')} {deadline_words(period.deadline, t)}")
        window = f"{policy.window_start:%H:%M}-{policy.window_end:%H:%M}"
        for slot in schedule(policy, calendar, period.deadline, max(now.date(), period.deadline)):
            print(f"  {t.date(slot.day)} {window}  {slot.name:<12} {kind_name(slot.kind, t)}")
        # The slot names (before-14, escalate, stopped) are identifiers, as in the reminder log.
        admins_word = t.gettext("administrators")
        print(f"  {t.date(escalation_day(policy, calendar, period.deadline))} {window}  escalate     {admins_word}")
        print(f"  {t.date(stop_day(policy, calendar, period.deadline))} {window}  stopped      {admins_word}")
        print(
            "  "
            + t.gettext("{count} agencies still owe: {codes}").format(
                count=len(current.owing), codes=", ".join(a.code for a in current.owing) or "–"
            )
        )
        log = await storage.reminders.logged(period.id)
        due = due_reminders(policy, calendar, period.deadline, current.owing, admins, log, now)
        print("  " + t.gettext("Due at {moment}:").format(moment=t.datetime(now)))
        for reminder in due:
            target = reminder.agency_code or ",".join(reminder.late_agencies)
            print(f"    {reminder.user_id:<12} {reminder.slot:<12} {kind_name(reminder.kind, t):<10} {target}")
        if not due:
            print("    –")
        await _print_unsettled(storage, period, t)
    return 0


async def _print_unsettled(storage: Storage, period: Period, t: Translator) -> None:
    """The claims of `period` not settled: pending (claimed or being sent), uncertain (may have arrived)
    or failed; nothing when every claim ended in a known way."""
    entries = await storage.reminders.unsettled(period.id)
    if not entries:
        return
    print("  " + t.gettext("Claims not settled (pending, uncertain or failed):"))
    now = datetime.now(UTC)
    for entry in entries:
        state, why = _unsettled_state(entry, now, t)
        print(f"    {entry.user_id:<12} {entry.slot:<12} {state:<12} {why}")


def _unsettled_state(entry: Entry, now: datetime, t: Translator) -> tuple[str, str]:
    """What a claim's state means for the operator: pending, uncertain or failed, and why."""
    owner = (entry.owner or "?").rsplit(":", 1)[0]  # host:pid; the token only tells claims apart
    if entry.outcome == "claimed" and entry.lapsed(now):
        return t.gettext("pending"), t.gettext("its sender stopped before sending it; the next run sends it")
    if entry.outcome == "claimed":
        return t.gettext("pending"), t.gettext("claimed by {owner}, about to be sent").format(owner=owner)
    if entry.outcome == "sending" and not entry.lapsed(now):
        return t.gettext("pending"), t.gettext("being sent by {owner}").format(owner=owner)
    if entry.outcome in ("sending", "unknown"):
        return t.gettext("uncertain"), t.gettext("it may have arrived, so it is not sent again ({detail})").format(
            detail=entry.detail or t.gettext("no answer from Telegram")
        )
    return t.gettext("failed"), entry.detail or "–"


async def run_once(arguments: argparse.Namespace, settings: Settings, storage: Storage, t: Translator) -> int:
    from bot.app import build_app, run_reminders

    application = build_app(settings)
    await application.initialize()
    try:
        application.bot_data._storage = storage
        print(await run_reminders(application, local(arguments.at, settings)))  # type: ignore[arg-type]
    finally:
        application.bot_data._storage = None
        await application.shutdown()
    return 0


async def set_policy(arguments: argparse.Namespace, settings: Settings, storage: Storage, t: Translator) -> int:
    period = await find_period(storage, arguments.period, arguments.programme, t)
    override: dict[str, object] = {} if arguments.reset else await storage.periods.policy_override(period.id)
    if arguments.before:
        override["before"] = [int(part) for part in arguments.before.split(",") if part.strip()]
    for name in ("overdue_every", "escalate_after"):
        if getattr(arguments, name) is not None:
            override[name] = getattr(arguments, name)
    if arguments.window:
        start, _, end = arguments.window.partition("-")
        override |= {"window_start": start, "window_end": end}
    if arguments.weekends:
        override["weekends"] = arguments.weekends == "yes"
    try:
        effective = ReminderPolicy.model_validate(settings.reminder_policy().model_dump() | override)
    except ValidationError as error:
        raise UserError(field_error(str(error.errors()[0]["msg"]), t)) from None
    await storage.periods.set_policy_override(period.id, override)
    print(f"{period.programme_code} {period.code}: {effective.model_dump_json()}")
    return 0


COMMANDS: dict[str, Command] = {
    "reminders plan": plan,
    "reminders run-once": run_once,
    "reminders policy": set_policy,
}


def kind_name(kind: Kind, t: Translator) -> str:
    """What a reminder is, in words: the kinds are identifiers in the log."""
    names = {
        Kind.AHEAD: t.gettext("before the deadline"),
        Kind.DUE_TODAY: t.gettext("last working day"),
        Kind.OVERDUE: t.gettext("overdue"),
        Kind.ESCALATION: t.gettext("escalation"),
        Kind.STOPPED: t.gettext("reminders stopped"),
    }
    return names.get(kind, str(kind))
