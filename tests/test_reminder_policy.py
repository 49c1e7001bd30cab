"""The reminder policy with a fixed clock over a whole season, T−20 to T+10 days."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from bot.domain.reminders import (
    Kind,
    OwingAgency,
    Recipient,
    ReminderPolicy,
    due_reminders,
    in_window,
    schedule,
)
from bot.domain.workdays import shipped_calendar

CALENDAR = shipped_calendar()
POLICY = ReminderPolicy()
ADMIN = 900


def season(
    deadline: date,
    owing_on: Callable[[date], list[OwingAgency]],
    policy: ReminderPolicy = POLICY,
    step: timedelta = timedelta(minutes=30),
) -> list[tuple[datetime, int, str, Kind]]:
    """Run the decision every `step` from T−20 to T+10, logging what it sends, like the job does."""
    log: set[tuple[int, str]] = set()
    sent = []
    moment = datetime.combine(deadline - timedelta(days=20), time(0, 0))
    while moment < datetime.combine(deadline + timedelta(days=11), time(0, 0)):
        for reminder in due_reminders(policy, CALENDAR, deadline, owing_on(moment.date()), [ADMIN], log, moment):
            log.add((reminder.user_id, reminder.slot))
            sent.append((moment, reminder.user_id, reminder.slot, reminder.kind))
        moment += step
    return sent


def agency(code: str, *recipients: Recipient, missing: tuple[str, ...] = ("x",)) -> OwingAgency:
    return OwingAgency(code, missing, recipients)


LAN, MINH, TU = Recipient(1, True), Recipient(2, False), Recipient(3, True)


def test_a_whole_season_on_working_days_at_office_hours() -> None:
    sent = season(date(2025, 12, 5), lambda day: [agency("SYT", LAN, MINH)])
    to_lan = [(moment, slot) for moment, user, slot, _ in sent if user == 1]
    assert to_lan == [
        (datetime(2025, 11, 17, 8, 0), "before-14"),
        (datetime(2025, 11, 26, 8, 0), "before-7"),
        (datetime(2025, 12, 2, 8, 0), "before-3"),
        (datetime(2025, 12, 4, 8, 0), "before-1"),
        (datetime(2025, 12, 5, 8, 0), "due"),
        (datetime(2025, 12, 9, 8, 0), "overdue-2"),
        (datetime(2025, 12, 11, 8, 0), "overdue-4"),
        (datetime(2025, 12, 15, 8, 0), "overdue-6"),
    ]
    assert all(moment.weekday() < 5 and 8 <= moment.hour < 17 for moment, *_ in sent)
    # The backup hears nothing ahead of the deadline, and every overdue nudge after it.
    assert [slot for _, user, slot, _ in sent if user == 2] == ["overdue-2", "overdue-4", "overdue-6"]
    escalations = [(moment, user) for moment, user, _, kind in sent if kind is Kind.ESCALATION]
    assert escalations == [(datetime(2025, 12, 10, 8, 0), ADMIN)]


def test_tet_inside_the_window_is_skipped() -> None:
    deadline = date(2026, 2, 24)  # Tuesday after Tết; 14–22 February 2026 are days off
    sent = season(deadline, lambda day: [agency("SYT", LAN)])
    days = {moment.date() for moment, *_ in sent}
    assert not days & {date(2026, 2, day) for day in range(14, 23)}
    slots = {slot: moment.date() for moment, _, slot, _ in sent}
    assert slots["before-1"] == date(2026, 2, 23)
    assert slots["before-3"] == date(2026, 2, 12)  # counted in working days across the holiday
    assert slots["before-7"] == date(2026, 2, 6)


def test_a_deadline_on_a_day_off_is_reminded_on_the_working_day_before() -> None:
    slots = schedule(POLICY, CALENDAR, date(2026, 9, 2), date(2026, 9, 2))  # National Day
    assert slots[-1].name == "due" and slots[-1].day == date(2026, 8, 28)  # Fri; 31/8–2/9 are off


def test_a_submission_midway_stops_the_reminders() -> None:
    submitted = date(2025, 12, 3)
    sent = season(date(2025, 12, 5), lambda day: [agency("SYT", LAN)] if day < submitted else [agency("CTK", TU)])
    to_lan = [slot for _, user, slot, _ in sent if user == 1]
    assert to_lan == ["before-14", "before-7", "before-3"]
    # CTK starts owing on the 3rd: it gets the latest open slot then (before-3, opened on the 2nd), not
    # the earlier ones it missed.
    to_tu = [(moment.date(), slot) for moment, user, slot, _ in sent if user == 3]
    assert to_tu[:2] == [(date(2025, 12, 3), "before-3"), (date(2025, 12, 4), "before-1")]


def test_a_paused_primary_hands_over_to_the_backup_until_back() -> None:
    paused = Recipient(1, True, paused_until=date(2025, 12, 8))
    sent = season(date(2025, 12, 5), lambda day: [agency("SYT", paused, MINH)])
    assert [slot for _, user, slot, _ in sent if user == 1] == ["overdue-2", "overdue-4", "overdue-6"]
    assert [slot for _, user, slot, _ in sent if user == 2][:5] == [
        "before-14",
        "before-7",
        "before-3",
        "before-1",
        "due",
    ]


def test_unreachable_users_are_never_messaged_but_the_admins_hear() -> None:
    blocked = Recipient(1, True, unreachable=True)
    sent = season(date(2025, 12, 5), lambda day: [agency("SYT", blocked)])
    assert {user for _, user, _, _ in sent} == {ADMIN}


def test_catch_up_after_downtime_sends_only_the_latest() -> None:
    owing = [agency("SYT", LAN)]
    log: set[tuple[int, str]] = {(1, "before-14")}
    back = datetime(2025, 12, 3, 10, 0)  # down since before-7; before-3 opened yesterday
    due = due_reminders(POLICY, CALENDAR, date(2025, 12, 5), owing, [], log, back)
    assert [(r.user_id, r.slot) for r in due] == [(1, "before-3")]
    log.add((1, "before-3"))
    assert due_reminders(POLICY, CALENDAR, date(2025, 12, 5), owing, [], log, back) == []


def test_send_window_and_weekend_option() -> None:
    saturday = datetime(2025, 11, 29, 9, 0)
    assert not in_window(POLICY, CALENDAR, saturday)
    assert in_window(POLICY.model_copy(update={"weekends": True}), CALENDAR, saturday)
    assert not in_window(POLICY, CALENDAR, datetime(2025, 12, 1, 7, 59))
    assert in_window(POLICY, CALENDAR, datetime(2025, 12, 1, 8, 0))
    assert not in_window(POLICY, CALENDAR, datetime(2025, 12, 1, 17, 0))
    assert not in_window(POLICY.model_copy(update={"weekends": True}), CALENDAR, datetime(2026, 2, 17, 9))
    assert in_window(POLICY, CALENDAR, datetime(2025, 4, 26, 9, 0))  # a make-up working Saturday


def test_overdue_nudges_stop_after_the_escalation_and_three_more_and_the_admins_hear_it_once() -> None:
    deadline = date(2025, 12, 5)  # a Friday
    log: set[tuple[int, str]] = set()
    sent = []
    moment = datetime(2025, 12, 5, 8, 0)
    while moment < datetime(2026, 12, 5):  # the period stays open a whole year
        for reminder in due_reminders(POLICY, CALENDAR, deadline, [agency("SYT", LAN)], [ADMIN], log, moment):
            log.add((reminder.user_id, reminder.slot))
            sent.append((moment.date(), reminder.user_id, reminder.slot, reminder.kind))
        moment += timedelta(hours=4)
    nudges = [slot for _, user, slot, _ in sent if user == LAN.user_id]
    assert nudges == ["due", "overdue-2", "overdue-4", "overdue-6", "overdue-8"]  # escalation on day 3, then three
    to_admin = [(day, slot) for day, user, slot, _ in sent if user == ADMIN]
    assert to_admin == [(date(2025, 12, 10), "escalate"), (date(2025, 12, 19), "stopped")]
    assert max(day for day, *_ in sent) == date(2025, 12, 19)  # silence for the rest of the year
