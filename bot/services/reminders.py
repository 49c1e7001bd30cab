"""Running the reminders due now: gather who owes what from storage, let `bot.domain.reminders` decide,
write the messages, and hand each to an `Outbox` (Telegram's, in `handlers.delivery`).

Each reminder is claimed in the reminder log (`storage.reminders`) just before it is sent, never a slot
at a time: the fan-out claims one message per turn of the send rate, so a sender killed mid fan-out
holds only the message it was about to send, and the next run sends the rest. A claim is a lease; one
whose sender died is released after it lapses. Just before a message is handed to Telegram the row is
marked "sending": from then on it is never sent again by anyone. Two senders at once (cron beside the
bot's own job, two instances) take turns message by message, on one pace kept in the database, so that
together they keep to the rate; neither sends a message twice.

Sending respects a global rate (the application's rate limiter, set in build_app) and at most one
message per second to one chat. A 429 is waited out and the same message retried (it was not
delivered); a 403 marks the user unreachable; a timeout is logged as "unknown", because the message may
have arrived, and is not repeated in that slot.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Protocol

from bot.config import Settings
from bot.domain.figure_status import has_status
from bot.domain.models import Agency, DataElement, Period, PeriodState, User, Value, ValueStatus
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
from bot.services import obligations
from storage import Storage
from storage.reminders import Claim

logger = logging.getLogger(__name__)
CONCURRENT_SENDS = 64
# The fan-out keeps to the rate limiter's own margin below the send rate (bot/app.py RATE_MARGIN), so that
# the limiter's queue stays empty: a message waiting there already counts as being sent, and a crash would leave it
# uncertain. For the same reason all senders on one database share the pace: two at full rate each would
# draw 429s, and a 429 holds every send of its process (marked as being sent) for a second or more.
OFFICIAL_SLOT = "official-"  # the slots of an official-figures round, apart from the period's own
PACE_MARGIN = 0.975  # = bot.app.RATE_MARGIN (services do not import the app)
IN_FLIGHT_SECONDS = 0.5  # sends handed over and unanswered: at most half a second's worth at the rate


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


async def situation(storage: Storage, settings: Settings, period: Period, *, official: bool = False) -> Situation:
    """Who still owes what in the period; in its official-figures round (`official`), the figures that are
    not official yet (bot.domain.figure_status), whether or not the report was submitted."""
    assignments = await obligations.owing(storage, period)  # resolved on the period's day
    submissions = {} if official else await storage.values.submissions(period.id)
    values = await storage.values.for_period(period.id)
    elements = {e.code: e for e in await storage.catalogue.elements(period.programme_id)}
    answered = {(v.agency_code, v.element_code) for v in values if is_answered(v)}
    if official:  # an official figure counts as answered, any other figure as owed; items without one are not asked
        unofficial = {(v.agency_code, v.element_code) for v in values if _unofficial(elements, v)}
        answered = {(c, e) for c, codes in assignments.items() for e in codes if (c, e) not in unofficial}
    owing, agencies, members = [], {}, {}
    for code, element_codes in assignments.items():
        if code in submissions or (official and all((code, e) in answered for e in element_codes)):
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
    """For every open period, and every closed one in an official-figures round, the reminders due at
    `local_now` (a time in the province's zone)."""
    calendar = calendar or settings.work_calendar()
    admins = [user.telegram_id for user in await storage.users.admins() if user.unreachable_since is None]
    result = []
    for period in await storage.periods.all(state=PeriodState.OPEN):
        current = await situation(storage, settings, period)
        log = await storage.reminders.logged(period.id)
        due = due_reminders(current.policy, calendar, period.deadline, current.owing, admins, log, local_now)
        result.append((current, due))
    return result + await _official_rounds_due(storage, settings, local_now, calendar, admins)


async def _official_rounds_due(
    storage: Storage, settings: Settings, local_now: datetime, calendar: WorkCalendar, admins: list[int]
) -> list[tuple[Situation, list[Reminder]]]:
    """A closed period's official-figures round reminds, by the round's own deadline, the agencies whose
    figures are not all official yet; its slots are logged apart from the period's own (OFFICIAL_SLOT)."""
    result = []
    for period in await storage.periods.all(state=PeriodState.CLOSED):
        found = await storage.figures.official_round(period.id)
        if found is None:
            continue
        current = await situation(
            storage, settings, period.model_copy(update={"deadline": found.deadline}), official=True
        )
        logged = await storage.reminders.logged(period.id)
        log = {(user, slot.removeprefix(OFFICIAL_SLOT)) for user, slot in logged if slot.startswith(OFFICIAL_SLOT)}
        due = due_reminders(current.policy, calendar, found.deadline, current.owing, admins, log, local_now)
        result.append((current, [replace(reminder, slot=OFFICIAL_SLOT + reminder.slot) for reminder in due]))
    return result


def _unofficial(elements: dict[str, DataElement], value: Value) -> bool:
    """A figure an official-figures round asks for: one that carries a status, not yet official."""
    element = elements.get(value.element_code)
    return element is not None and has_status(element, value) and value.status is not ValueStatus.OFFICIAL


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
    work = [
        (current, reminder)
        for current, due in await due_now(storage, settings, local_now, calendar)
        for reminder in due
    ]
    outcomes = await fan_out(outbox, storage, settings, work, local_now.date(), calendar)
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
    work = [
        (current, Reminder(recipient.user_id, slot, kind, agency.code))
        for agency in current.owing
        for recipient in agency.recipients
        if recipient.available(today)
    ]
    return await fan_out(outbox, storage, settings, work, today, settings.work_calendar())


def in_flight_limit(rate: float) -> int:
    """How many sends may be handed over and not yet answered: enough for the round trips at `rate`,
    few enough that no long queue forms behind the rate limiter, where a message counts as being sent."""
    return min(CONCURRENT_SENDS, max(2, math.ceil(rate * IN_FLIGHT_SECONDS)))


def spread(work: Sequence[tuple[Situation, Reminder]]) -> list[tuple[Situation, Reminder]]:
    """`work` with each chat's second message after everyone's first, so no message sits in the
    one-a-second-per-chat wait while it counts as being sent."""
    seen: Counter[int] = Counter()
    turns = []
    for index, item in enumerate(work):
        turns.append((seen[item[1].user_id], index))
        seen[item[1].user_id] += 1
    return [work[index] for _, index in sorted(turns)]


async def fan_out(
    outbox: Outbox,
    storage: Storage,
    settings: Settings,
    work: Sequence[tuple[Situation, Reminder]],
    today: date,
    calendar: WorkCalendar,
) -> Counter[str]:
    """Send `work` at the global rate, claiming each message just before its turn; say how each ended."""
    await release_lapsed(storage)
    outcomes: Counter[str] = Counter()
    lease = timedelta(seconds=settings.reminder_lease_seconds)
    interval = 1 / (settings.send_rate_per_second * PACE_MARGIN)
    room = asyncio.Semaphore(in_flight_limit(settings.send_rate_per_second))
    sends: set[asyncio.Task[None]] = set()

    async def send(current: Situation, reminder: Reminder, claim: Claim) -> None:
        try:
            outcomes[await send_claimed(outbox, storage, settings, current, reminder, claim, today, calendar)] += 1
        finally:
            room.release()

    try:
        for current, reminder in spread(work):
            await room.acquire()
            claim = await storage.reminders.claim(
                current.period.id, reminder.user_id, reminder.slot, reminder.kind.value, lease, interval
            )
            if claim is None:
                room.release()
                outcomes["already_claimed"] += 1
                continue
            await asyncio.sleep(max(0.0, claim.turn - time.time()))  # held this long only: till its turn
            task = asyncio.create_task(send(current, reminder, claim))
            sends.add(task)
            task.add_done_callback(sends.discard)
    finally:
        await asyncio.gather(*sends)  # a send handed over is seen through, also when claiming failed
    return outcomes


async def release_lapsed(storage: Storage) -> None:
    """Settle what senders that stopped left behind, and say so in the log."""
    abandoned = await storage.reminders.release_lapsed()
    if abandoned.released:
        owners = sorted({_process(owner) for *_, owner in abandoned.released})
        logger.warning(
            "reminder claims lapsed, their sender having stopped before sending (%d, by %s): they are due again",
            len(abandoned.released),
            ", ".join(owners),
        )
    if abandoned.uncertain:
        owners = sorted({_process(owner) for *_, owner in abandoned.uncertain})
        logger.warning(
            "reminders were being sent when their sender stopped (%d, by %s): they may have arrived, so they"
            " are logged as unknown and not sent again",
            len(abandoned.uncertain),
            ", ".join(owners),
        )


def _process(owner: str) -> str:
    """host:pid of a claim's owner; the token after it only tells one claim from another."""
    return owner.rsplit(":", 1)[0]


async def send_claimed(
    outbox: Outbox,
    storage: Storage,
    settings: Settings,
    current: Situation,
    reminder: Reminder,
    claim: Claim,
    today: date,
    calendar: WorkCalendar,
) -> str:
    """Write a claimed reminder, mark it as being sent, send it and record how it ended."""
    period = current.period
    user = await storage.users.get(reminder.user_id)
    try:
        texts, report_period, t = compose(settings, current, reminder, user, today, calendar)
    except Exception as error:  # one unwritable reminder must not stop the fan-out, nor stay claimed
        logger.exception("the reminder to %s in %s could not be written", reminder.user_id, reminder.slot)
        await storage.reminders.record(
            period.id, reminder.user_id, reminder.slot, "failed", f"not written: {error!r}", claim.owner
        )
        return "failed"
    if not await storage.reminders.start_sending(claim, timedelta(seconds=settings.reminder_lease_seconds)):
        return "already_claimed"  # our lease lapsed and another sender has it
    outcome = await outbox.send(reminder.user_id, texts, report_period, t)
    if outcome == "forbidden":
        await storage.users.mark_unreachable(reminder.user_id)
    await storage.reminders.record(period.id, reminder.user_id, reminder.slot, outcome, owner=claim.owner)
    return outcome


def compose(
    settings: Settings,
    current: Situation,
    reminder: Reminder,
    user: User | None,
    today: date,
    calendar: WorkCalendar,
) -> tuple[list[str], int | None, Translator]:
    """The texts of one reminder in its recipient's language, and the period its report button opens."""
    period = current.period
    t = translator(user.locale if user and user.locale else settings.default_locale, settings.timezone)
    if reminder.kind in (Kind.ESCALATION, Kind.STOPPED):
        texts = escalation_messages(
            period,
            late_agencies(current, reminder.late_agencies, t.locale, today),
            calendar.working_days_between(period.deadline, today),
            t,
            stopped=reminder.kind is Kind.STOPPED,
        )
        return texts, None, t
    agency = current.agencies[reminder.agency_code or ""]
    owing = next(a for a in current.owing if a.code == agency.code)
    missing = [current.elements[c].name(t.locale) for c in owing.missing if c in current.elements]
    days = abs(calendar.working_days_between(today, calendar.on_or_before(period.deadline)))
    return [reminder_text(reminder.kind, period, agency.name(t.locale), missing, days, t)], period.id, t


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
