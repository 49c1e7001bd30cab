"""`python -m bot period ...`: reporting periods: open one, list them, close, lock and unlock."""

from __future__ import annotations

import argparse

from bot.cli.common import Command, Subcommands, UserError, day, find_period
from bot.config import Settings
from bot.domain.models import PeriodState
from bot.domain.periods import deadline_words, on_time_rule
from bot.i18n import N_, Translator, period_state_name
from bot.services.periods import DeadlineBeforePeriod, NoDeadlineRule, NoProgrammes, open_period
from storage import Storage

# The state each action moves a period to; unlock goes back to closed, never straight to open.
TARGET_STATE = {"close": PeriodState.CLOSED, "lock": PeriodState.LOCKED, "unlock": PeriodState.CLOSED}


def add_parser(commands: Subcommands) -> None:
    """Add `period` and its actions."""
    period = commands.add_parser("period", help=N_("reporting periods")).add_subparsers(
        dest="period_command", required=True, metavar=N_("ACTION")
    )
    period_open = period.add_parser("open", help=N_("open a period (2025, 2025-H1, 2025-Q3, 2025-07)"))
    period_open.add_argument("period", help=N_("period code"))
    period_open.add_argument(
        "--deadline",
        type=day,
        help=N_(
            "last day a report is on time, DD/MM/YYYY or YYYY-MM-DD (default: the day before the programme's date)"
        ),
    )
    period_open.add_argument("--programme", help=N_("programme code (needed if several)"))
    period.add_parser("list", help=N_("list periods"))
    for state, text in (
        ("close", N_("close a period")),
        ("lock", N_("lock a period: read-only")),
        ("unlock", N_("unlock a locked period (logged)")),
    ):
        action = period.add_parser(state, help=text)
        action.add_argument("period", help=N_("period code"))
        action.add_argument("--programme", help=N_("programme code (needed if several)"))


async def period_open(arguments: argparse.Namespace, _: Settings, storage: Storage, t: Translator) -> int:
    """Open a period for the only programme, or the one named."""
    try:
        period = await open_period(
            storage, arguments.period, programme_code=arguments.programme, deadline=arguments.deadline
        )
    except NoProgrammes:
        raise UserError(
            t.gettext("No programme is loaded yet: run `python -m bot init` (or `catalog load FILE`) first.")
        ) from None
    except NoDeadlineRule as missing:
        raise UserError(
            t.gettext(
                "The document of {programme} states no reporting deadline, so none is assumed: give one with "
                "--deadline DD/MM/YYYY."
            ).format(programme=missing.programme_code)
        ) from None
    except DeadlineBeforePeriod as refused:
        raise UserError(
            t.gettext(
                "The deadline {deadline} is before the period begins ({starts}): the period would be overdue as "
                "soon as it opens. Give a later deadline."
            ).format(deadline=t.date(refused.deadline), starts=t.date(refused.starts_on))
        ) from None
    print(
        t.gettext("Period {code} of {programme} is open; deadline {deadline}.").format(
            code=period.code, programme=period.programme_code, deadline=on_time_rule(period.deadline, t)
        )
    )
    return 0


async def period_list(_: argparse.Namespace, __: Settings, storage: Storage, t: Translator) -> int:
    """Print every period with its state and deadline."""
    periods = await storage.periods.all()
    if not periods:
        print(t.gettext("No periods yet. Open one with `python -m bot period open 2025`."))
    for period in periods:
        state = period_state_name(period.state, t)
        print(f"{period.programme_code:<10} {period.code:<8} {state:<7} {deadline_words(period.deadline, t)}")
    return 0


async def period_state(arguments: argparse.Namespace, _: Settings, storage: Storage, t: Translator) -> int:
    """Close, lock or unlock a period; only a locked period can be unlocked."""
    period = await find_period(storage, arguments.period, arguments.programme, t)
    if arguments.period_command == "unlock" and period.state is not PeriodState.LOCKED:
        raise UserError(t.gettext("{code} is not locked.").format(code=period.code))
    updated = await storage.periods.set_state(period, TARGET_STATE[arguments.period_command])
    print(t.gettext("{code}: {state}").format(code=updated.code, state=period_state_name(updated.state, t)))
    return 0


COMMANDS: dict[str, Command] = {
    "period open": period_open,
    "period list": period_list,
    "period close": period_state,
    "period lock": period_state,
    "period unlock": period_state,
}
