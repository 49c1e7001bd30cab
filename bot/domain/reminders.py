"""Which reminders are due at a given moment. Pure: policy, calendar, period, who owes what, log, now.

The schedule of a period is a list of slots, each on a working day:
- `before-N` for N in the policy's working days before the deadline (14, 7, 3, 1),
- `due` on the deadline (or the last working day before it, when the deadline is a day off; the deadline
  itself is shown as it is),
- `overdue-N` every `overdue_every` working days after the deadline, up to the escalation and then
  `nudges_after_escalation` more: a period left open for a year must not nag its late agencies for a year,
- `escalate` to the admins `escalate_after` working days after the deadline,
- `stopped` to the admins once, when the next nudge would have been due: these agencies are still missing
  and will not be reminded again.

A slot opens at the start of the send window on its day. At any moment only the *latest* open slot counts:
if it was already logged for a recipient nothing is due for them, and a slot missed during downtime is
never sent once a later one has opened. That is the catch-up rule: after an outage each recipient gets
one reminder, the most recent, never a flood.

Recipients. Ahead of and on the deadline, an agency's primary focal points are reminded; if none of them
can be reached (none, paused, or blocked the bot), its backups are. Once overdue, primaries and backups
are both reminded. Paused users (on leave) and users who blocked the bot are never messaged; the blocked
ones are listed in the escalation. Agencies that have submitted are not reminded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum

from pydantic import BaseModel, Field, model_validator

from bot.domain.workdays import WorkCalendar


class Kind(StrEnum):
    AHEAD = "ahead"
    DUE_TODAY = "due"
    OVERDUE = "overdue"
    ESCALATION = "escalation"
    STOPPED = "stopped"  # the admins are told once that the nudges have ended and who is still missing


class ReminderPolicy(BaseModel):
    before: tuple[int, ...] = (14, 7, 3, 1)  # working days before the deadline
    on_the_day: bool = True
    overdue_every: int = Field(default=2, ge=1)  # working days between overdue nudges
    escalate_after: int = Field(default=3, ge=1)  # working days overdue before the admins hear
    nudges_after_escalation: int = Field(default=3, ge=0)  # overdue nudges once the admins know; then silence
    window_start: time = time(8, 0)
    window_end: time = time(17, 0)
    weekends: bool = False  # may reminders go out on Saturdays and Sundays (never on holidays)

    @model_validator(mode="after")
    def _sensible(self) -> ReminderPolicy:
        if self.window_start >= self.window_end:
            raise ValueError("the send window must open before it closes")
        if any(days < 1 for days in self.before):
            raise ValueError("days before the deadline must be at least 1")
        return self


@dataclass(frozen=True)
class Slot:
    name: str
    day: date
    kind: Kind


@dataclass(frozen=True)
class Recipient:
    user_id: int
    primary: bool
    paused_until: date | None = None
    unreachable: bool = False

    def available(self, today: date) -> bool:
        return not self.unreachable and (self.paused_until is None or self.paused_until < today)


@dataclass(frozen=True)
class OwingAgency:
    code: str
    missing: tuple[str, ...]  # element codes without a figure (may be empty: entered but not submitted)
    recipients: tuple[Recipient, ...]


@dataclass(frozen=True)
class Reminder:
    user_id: int
    slot: str
    kind: Kind
    agency_code: str | None  # None for an escalation
    late_agencies: tuple[str, ...] = field(default=())


def schedule(policy: ReminderPolicy, calendar: WorkCalendar, deadline: date, until: date) -> list[Slot]:
    """Every slot of a period from its first to `until`, in time order, at most one per day."""
    last_working = calendar.on_or_before(deadline)
    slots = [
        Slot(f"before-{n}", calendar.shift(last_working, -n), Kind.AHEAD) for n in sorted(policy.before, reverse=True)
    ]
    if policy.on_the_day:
        slots.append(Slot("due", last_working, Kind.DUE_TODAY))
    for number in overdue_numbers(policy):
        if (day := calendar.shift(last_working, number)) > until:
            break
        slots.append(Slot(f"overdue-{number}", day, Kind.OVERDUE))
    by_day: dict[date, Slot] = {}
    for slot in slots:
        by_day[slot.day] = slot  # later entries (closer to the deadline) win a shared day
    return sorted(by_day.values(), key=lambda slot: slot.day)


def overdue_numbers(policy: ReminderPolicy) -> list[int]:
    """Working days after the deadline of each overdue nudge: up to the escalation, then a few more."""
    numbers = list(range(policy.overdue_every, policy.escalate_after + 1, policy.overdue_every))
    after = numbers[-1] if numbers else 0
    return numbers + [after + policy.overdue_every * k for k in range(1, policy.nudges_after_escalation + 1)]


def escalation_day(policy: ReminderPolicy, calendar: WorkCalendar, deadline: date) -> date:
    return calendar.shift(calendar.on_or_before(deadline), policy.escalate_after)


def stop_day(policy: ReminderPolicy, calendar: WorkCalendar, deadline: date) -> date:
    """When the next overdue nudge would have gone out after the last one: the admins hear it has stopped."""
    last = max([*overdue_numbers(policy), policy.escalate_after])
    return calendar.shift(calendar.on_or_before(deadline), last + policy.overdue_every)


def in_window(policy: ReminderPolicy, calendar: WorkCalendar, local_now: datetime) -> bool:
    """May reminders go out at this local moment? Office hours, on working days (or weekends if allowed)."""
    day = local_now.date()
    if day in calendar.days_off and day not in calendar.working_days:
        return False
    if not calendar.is_working_day(day) and not (policy.weekends and day.weekday() >= 5):
        return False
    return policy.window_start <= local_now.time() < policy.window_end


def due_reminders(
    policy: ReminderPolicy,
    calendar: WorkCalendar,
    deadline: date,
    owing: Sequence[OwingAgency],
    admins: Sequence[int],
    log: set[tuple[int, str]],
    local_now: datetime,
) -> list[Reminder]:
    """The reminders to send at `local_now` (a time in the province's zone); see the module docstring."""
    if not in_window(policy, calendar, local_now):
        return []
    today = local_now.date()
    due: list[Reminder] = []
    opened = [slot for slot in schedule(policy, calendar, deadline, today) if slot.day <= today]
    if opened:
        latest = opened[-1]
        for agency in owing:
            for recipient in _recipients(agency, latest.kind, today):
                if (recipient.user_id, latest.name) not in log:
                    due.append(Reminder(recipient.user_id, latest.name, latest.kind, agency.code))
    late = tuple(agency.code for agency in owing)
    for slot, kind, day in (
        ("escalate", Kind.ESCALATION, escalation_day(policy, calendar, deadline)),
        ("stopped", Kind.STOPPED, stop_day(policy, calendar, deadline)),
    ):
        if owing and day <= today:
            due += [Reminder(admin, slot, kind, None, late) for admin in admins if (admin, slot) not in log]
    return due


def _recipients(agency: OwingAgency, kind: Kind, today: date) -> list[Recipient]:
    available = [r for r in agency.recipients if r.available(today)]
    if kind is Kind.OVERDUE:
        return available
    primaries = [r for r in available if r.primary]
    return primaries or [r for r in available if not r.primary]
