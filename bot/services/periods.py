"""Reporting periods as the admins run them: open one for a programme, list them, name one, change its
state. The CLI and the Telegram commands (/open_period, /periods, /close_period and the rest, /remind)
share these, so "which period did the admin mean" is answered in one place."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from bot.domain.models import Period, PeriodState
from bot.domain.periods import default_deadline, parse_period
from storage.catalogue import CatalogueRepository
from storage.periods import PeriodRepository


class PeriodStorage(Protocol):
    """The repositories these use cases need: the programmes, and the periods themselves."""

    catalogue: CatalogueRepository
    periods: PeriodRepository


class UnknownProgramme(LookupError):
    """No programme with this code."""


class NoProgrammes(LookupError):
    """No programme is loaded yet: the database needs `init` (or a catalogue)."""


class NoDeadlineRule(LookupError):
    """The programme's document states no reporting deadline and none was given: the admin names one."""

    def __init__(self, programme_code: str) -> None:
        super().__init__(f"programme {programme_code} states no reporting deadline: give one")
        self.programme_code = programme_code


class DeadlineBeforePeriod(ValueError):
    """The deadline falls before the period begins: the period would be overdue the moment it opens."""

    def __init__(self, deadline: date, starts_on: date) -> None:
        super().__init__(f"deadline {deadline} is before the period begins on {starts_on}")
        self.deadline = deadline
        self.starts_on = starts_on


async def open_period(
    storage: PeriodStorage,
    code: str,
    *,
    programme_code: str | None,
    deadline: date | None,
    by: int | None = None,
    first_if_unnamed: bool = False,
) -> Period:
    """Open a period for one programme: the one named, else the only one (or, with `first_if_unnamed`,
    the first loaded, which is the main programme)."""
    span = parse_period(code)
    if deadline is not None and deadline < span.starts_on:
        raise DeadlineBeforePeriod(deadline, span.starts_on)
    programmes = await storage.catalogue.programmes()
    if not programmes:
        raise NoProgrammes()
    if programme_code:
        chosen = [p for p in programmes if p.code == programme_code]
    else:
        chosen = programmes[:1] if first_if_unnamed or len(programmes) == 1 else []
    if not chosen:
        raise UnknownProgramme(programme_code or "")
    programme = chosen[0]
    if deadline is None:
        if not programme.report_deadline:
            raise NoDeadlineRule(programme.code)
        deadline = default_deadline(span, programme.report_deadline)
    return await storage.periods.open(programme.id, span, deadline, by)


async def all_periods(storage: PeriodStorage) -> list[Period]:
    """Every period of every programme, newest first."""
    return await storage.periods.all()


async def open_periods(storage: PeriodStorage, code: str | None = None) -> list[Period]:
    """The open periods, or only the open ones with this code (one per programme that has it)."""
    periods = await storage.periods.all(state=PeriodState.OPEN)
    return periods if code is None else [p for p in periods if p.code == code.strip().upper()]


async def find_period(storage: PeriodStorage, code: str, programme_code: str | None = None) -> Period | None:
    """The one period with this code (in this programme, if given); None when none or several match."""
    matches = await storage.periods.find(code.strip().upper())
    if programme_code is not None:
        matches = [p for p in matches if p.programme_code == programme_code]
    return matches[0] if len(matches) == 1 else None


async def still_open(storage: PeriodStorage, period_id: int) -> Period | None:
    """The period if it exists and is still open (a confirmation button may be pressed days later)."""
    period = await storage.periods.by_id(period_id)
    return period if period is not None and period.state is PeriodState.OPEN else None


async def change_state(storage: PeriodStorage, period_id: int, state: PeriodState, by: int | None) -> Period | None:
    """Move a period to `state`, logged with who did it; None if there is no such period."""
    period = await storage.periods.by_id(period_id)
    return None if period is None else await storage.periods.set_state(period, state, by=by)
