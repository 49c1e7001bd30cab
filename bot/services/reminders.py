"""Running the reminders due now: gather who owes what from storage, let `bot.domain.reminders` decide,
write the messages, and hand each to an `Outbox` (Telegram's, in `handlers.delivery`).

Each reminder is claimed in the reminder log before it is sent, so it goes out at most once even when
two instances run the job at the same moment or the process dies mid-send. Sending respects a global
rate (AIORateLimiter, set in build_app) and at most one message per second to one chat. A 429 is waited
out and the same message retried (it was not delivered); a 403 marks the user unreachable; a timeout is
logged as "unknown", because the message may have arrived, and is not repeated in that slot.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from bot.config import Settings
from bot.domain.models import Agency, DataElement, Period, PeriodState, User
from bot.domain.reminder_text import FocalPointState, LateAgency, escalation_messages, reminder_text
from bot.domain.reminders import (
    Kind,
    OwingAgency,
    Recipient,
    Reminder,
    ReminderPolicy,
    due_reminders,
)
from bot.domain.reporting import is_answered
from bot.domain.workdays import WorkCalendar
from bot.i18n import Translator, translator
from storage import Storage

logger = logging.getLogger(__name__)
CONCURRENT_SENDS = 64


@dataclass
class Situation:
    """One open period as the reminder decision and the messages need it."""

    period: Period
    policy: ReminderPolicy
    owing: list[OwingAgency]
    agencies: dict[str, Agency]
    elements: dict[str, DataElement]
    members: dict[str, list[tuple[User, bool]]]


async def policy_for(storage: Storage, settings: Settings, period: Period) -> ReminderPolicy:
    """The settings' default policy with this period's overrides applied."""
    override = await storage.periods.policy_override(period.id)
    return ReminderPolicy.model_validate(settings.reminder_policy().model_dump() | override)


async def situation(storage: Storage, settings: Settings, period: Period) -> Situation:
    assignments = await storage.catalogue.assignments(period.programme_id)
    submissions = await storage.values.submissions(period.id)
    values = await storage.values.for_period(period.id)
    answered = {(v.agency_code, v.element_code) for v in values if is_answered(v)}
    elements = {e.code: e for e in await storage.catalogue.elements(period.programme_id)}
    owing, agencies, members = [], {}, {}
    for code, element_codes in assignments.items():
        if code in submissions:
            continue
        agency = await storage.agencies.get(code)
        if agency is None:
            continue
        agencies[code] = agency
        members[code] = await storage.users.members_of(code)
        recipients = tuple(
            Recipient(user.telegram_id, primary, user.paused_until, user.unreachable_since is not None)
            for user, primary in members[code]
        )
        missing = tuple(element for element in element_codes if (code, element) not in answered)
        owing.append(OwingAgency(code, missing, recipients))
    return Situation(period, await policy_for(storage, settings, period), owing, agencies, elements, members)


async def due_now(
    storage: Storage, settings: Settings, local_now: datetime, calendar: WorkCalendar | None = None
) -> list[tuple[Situation, list[Reminder]]]:
    """For every open period, the reminders due at `local_now` (a time in the province's zone)."""
    calendar = calendar or settings.work_calendar()
    admins = [user.telegram_id for user in await storage.users.admins() if user.unreachable_since is None]
    result = []
    for period in await storage.periods.all(state=PeriodState.OPEN):
        current = await situation(storage, settings, period)
        log = await storage.reminders.logged(period.id)
        due = due_reminders(current.policy, calendar, period.deadline, current.owing, admins, log, local_now)
        result.append((current, due))
    return result


class Outbox(Protocol):
    """Where reminder messages go: Telegram in the bot, a list in a test.

    `send` delivers `texts` to one chat in order, stopping at the first that fails, and returns how it
    ended: "sent", "forbidden" (the user blocked the bot), "failed" (refused) or "unknown" (it may have
    arrived). `report_period` asks for a button that opens that period's report.
    """

    async def send(self, chat_id: int, texts: Sequence[str], report_period: int | None, t: Translator) -> str: ...


@dataclass
class SendReport:
    outcomes: Counter[str]

    def __str__(self) -> str:
        return ", ".join(f"{name}: {count}" for name, count in sorted(self.outcomes.items())) or "nothing due"


async def send_due(
    outbox: Outbox,
    storage: Storage,
    settings: Settings,
    local_now: datetime,
    calendar: WorkCalendar | None = None,
) -> SendReport:
    """Send everything due at `local_now` (the bot's clock, in the province's zone); say how each ended."""
    calendar = calendar or settings.work_calendar()
    outcomes: Counter[str] = Counter()
    gate = asyncio.Semaphore(CONCURRENT_SENDS)

    async def one(current: Situation, reminder: Reminder) -> None:
        async with gate:
            outcome = await send_one(outbox, storage, settings, current, reminder, local_now.date(), calendar)
            outcomes[outcome] += 1

    jobs = [
        one(current, reminder)
        for current, due in await due_now(storage, settings, local_now, calendar)
        for reminder in due
    ]
    await asyncio.gather(*jobs)
    if outcomes:
        logger.info("reminders at %s: %s", local_now.isoformat(timespec="minutes"), SendReport(outcomes))
    return SendReport(outcomes)


async def send_manual(
    outbox: Outbox, storage: Storage, settings: Settings, period: Period, local_now: datetime
) -> Counter[str]:
    """An admin's nudge now to every available focal point of the agencies still owing in `period`."""
    current = await situation(storage, settings, period)
    today = local_now.date()
    kind = Kind.AHEAD if today < period.deadline else Kind.DUE_TODAY if today == period.deadline else Kind.OVERDUE
    slot = f"manual-{local_now:%Y%m%d%H%M}"
    calendar = settings.work_calendar()
    outcomes: Counter[str] = Counter()
    for agency in current.owing:
        for recipient in agency.recipients:
            if recipient.available(today):
                reminder = Reminder(recipient.user_id, slot, kind, agency.code)
                outcomes[await send_one(outbox, storage, settings, current, reminder, today, calendar)] += 1
    return outcomes


async def send_one(
    outbox: Outbox,
    storage: Storage,
    settings: Settings,
    current: Situation,
    reminder: Reminder,
    today: date,
    calendar: WorkCalendar,
) -> str:
    """Claim one reminder in the log, write it in the recipient's language, send it, record the outcome."""
    period = current.period
    if not await storage.reminders.claim(period.id, reminder.user_id, reminder.slot, reminder.kind.value):
        return "already_claimed"
    user = await storage.users.get(reminder.user_id)
    t = translator(user.locale if user and user.locale else settings.default_locale, settings.timezone)
    if reminder.kind in (Kind.ESCALATION, Kind.STOPPED):
        texts = escalation_messages(
            period,
            late_agencies(current, reminder.late_agencies, t.locale, today),
            calendar.working_days_between(period.deadline, today),
            t,
            stopped=reminder.kind is Kind.STOPPED,
        )
        report_period = None
    else:
        agency = current.agencies[reminder.agency_code or ""]
        owing = next(a for a in current.owing if a.code == agency.code)
        missing = [current.elements[c].name(t.locale) for c in owing.missing if c in current.elements]
        days = abs(calendar.working_days_between(today, calendar.on_or_before(period.deadline)))
        texts = [reminder_text(reminder.kind, period, agency.name(t.locale), missing, days, t)]
        report_period = period.id
    outcome = await outbox.send(reminder.user_id, texts, report_period, t)
    if outcome == "forbidden":
        await storage.users.mark_unreachable(reminder.user_id)
    await storage.reminders.record(period.id, reminder.user_id, reminder.slot, outcome)
    return outcome


def late_agencies(current: Situation, codes: tuple[str, ...], locale: str, today: date) -> list[LateAgency]:
    """The late agencies an escalation lists, with each focal point's state on `today` (the bot's clock)."""
    late = []
    for code in codes:
        owing = next(a for a in current.owing if a.code == code)
        people = [
            FocalPointState(
                user.full_name or str(user.telegram_id),
                user.unreachable_since is None,
                user.paused_until is not None and user.paused_until >= today,
            )
            for user, _ in current.members.get(code, [])
        ]
        late.append(LateAgency(current.agencies[code].name(locale), len(owing.missing), people))
    return late
