"""The reminder log as leases, on real SQLite files: a claim is held by one sender, lapses when its sender
stops, is taken over or released then; a send that may have arrived is never handed out again."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from bot import services
from storage import Storage, open_storage
from storage import db as storage_db

LEASE = timedelta(seconds=60)
LAPSED = timedelta(seconds=-1)  # a claim made with a lease already over: as if its sender died long ago


async def open_period(storage: Storage) -> int:
    await services.load_shipped(storage)
    period = await services.open_period(storage, "2026", programme_code="HD-NQ30", deadline=date(2026, 12, 4))
    return period.id


async def outcome(storage: Storage, period_id: int, user_id: int, slot: str) -> str | None:
    row = await storage.db.fetch_one(
        "SELECT outcome FROM reminder_log WHERE period_id = ? AND user_id = ? AND slot = ?", (period_id, user_id, slot)
    )
    return row[0] if row else None


async def test_a_held_claim_is_not_given_twice_and_its_sender_sends_it(storage: Storage) -> None:
    period = await open_period(storage)
    mine = await storage.reminders.claim(period, 101, "before-7", "ahead", LEASE)
    assert mine is not None
    assert await storage.reminders.claim(period, 101, "before-7", "ahead", LEASE) is None  # a rival's try
    assert (101, "before-7") in await storage.reminders.logged(period)
    assert await storage.reminders.start_sending(mine, LEASE)
    assert await outcome(storage, period, 101, "before-7") == "sending"
    await storage.reminders.record(period, 101, "before-7", "sent", owner=mine.owner)
    assert await outcome(storage, period, 101, "before-7") == "sent"
    assert await storage.reminders.claim(period, 101, "before-7", "ahead", LEASE) is None
    assert await storage.reminders.unsettled(period) == []


async def test_a_lapsed_claim_is_taken_over_and_its_old_sender_cannot_send(storage: Storage) -> None:
    period = await open_period(storage)
    stalled = await storage.reminders.claim(period, 101, "before-7", "ahead", LAPSED)
    assert stalled is not None
    assert (101, "before-7") not in await storage.reminders.logged(period)  # due again
    taker = await storage.reminders.claim(period, 101, "before-7", "ahead", LEASE)
    assert taker is not None and taker.owner != stalled.owner
    assert not await storage.reminders.start_sending(stalled, LEASE)  # woke up too late: it must not send
    assert await storage.reminders.start_sending(taker, LEASE)


async def test_a_send_under_way_is_never_taken_over_even_when_its_lease_lapses(storage: Storage) -> None:
    period = await open_period(storage)
    claim = await storage.reminders.claim(period, 101, "before-7", "ahead", LEASE)
    assert claim is not None and await storage.reminders.start_sending(claim, LAPSED)
    assert await storage.reminders.claim(period, 101, "before-7", "ahead", LEASE) is None
    assert (101, "before-7") in await storage.reminders.logged(period)


async def test_what_a_dead_sender_left_is_released_or_marked_uncertain(storage: Storage) -> None:
    period = await open_period(storage)
    waiting = await storage.reminders.claim(period, 101, "before-7", "ahead", LAPSED)
    sending = await storage.reminders.claim(period, 102, "before-7", "ahead", LEASE)
    live = await storage.reminders.claim(period, 103, "before-7", "ahead", LEASE)
    assert waiting and sending and live
    assert await storage.reminders.start_sending(sending, LAPSED)
    abandoned = await storage.reminders.release_lapsed()
    assert [(user, slot) for user, slot, _ in abandoned.released] == [(101, "before-7")]
    assert [(user, slot) for user, slot, _ in abandoned.uncertain] == [(102, "before-7")]
    assert abandoned.released[0][2] == waiting.owner
    assert await outcome(storage, period, 101, "before-7") is None  # released: due again
    assert await outcome(storage, period, 102, "before-7") == "unknown"  # it may have arrived
    assert await outcome(storage, period, 103, "before-7") == "claimed"  # its sender is alive
    assert [(e.user_id, e.outcome) for e in await storage.reminders.unsettled(period)] == [
        (102, "unknown"),
        (103, "claimed"),
    ]
    # The slow sender of 102 was alive after all and heard back: what happened wins over the guess.
    await storage.reminders.record(period, 102, "before-7", "sent", owner=sending.owner)
    assert await outcome(storage, period, 102, "before-7") == "sent"
    # A sender whose claim was taken over records nothing over the new owner's row.
    await storage.reminders.record(period, 103, "before-7", "failed", owner=waiting.owner)
    assert await outcome(storage, period, 103, "before-7") == "claimed"


async def test_pending_rows_of_an_older_version_become_uncertain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before 0008 a whole slot was claimed as 'pending' before sending: each may or may not have gone out."""
    path = tmp_path / "old.db"
    shipped = storage_db.available_migrations()
    monkeypatch.setattr(storage_db, "available_migrations", lambda *_: [m for m in shipped if m[0] <= 7])
    old = await open_storage(path)
    async with old.db.transaction() as connection:  # in SQL: today's repositories expect today's schema
        await connection.execute(
            "INSERT INTO programmes (code, title_vi, title_en, horizon_year, spec_json, updated_at)"
            " VALUES ('OLD', 'Cũ', 'Old', 2030, '{}', '2026-01-01T00:00:00+00:00')"
        )
        cursor = await connection.execute(
            "INSERT INTO periods (programme_id, code, kind, starts_on, ends_on, deadline)"
            " SELECT id, '2026', 'annual', '2026-01-01', '2026-12-31', '2026-12-04' FROM programmes"
        )
        period = cursor.lastrowid
        await connection.execute(
            "INSERT INTO reminder_log (period_id, user_id, slot, kind, claimed_at) VALUES (?, 101, 'due', 'due', ?)",
            (period, "2026-12-04T02:00:00+00:00"),
        )
    await old.close()
    monkeypatch.setattr(storage_db, "available_migrations", lambda *_: shipped)
    new = await open_storage(path)
    try:
        [entry] = await new.reminders.unsettled(period)
        assert (entry.user_id, entry.outcome) == (101, "unknown")
        assert entry.detail is not None and "older version" in entry.detail
    finally:
        await new.close()


async def test_senders_on_one_database_share_one_pace(storage: Storage) -> None:
    period = await open_period(storage)
    rival = await open_storage(storage.db.url)
    try:
        first = await storage.reminders.claim(period, 101, "due", "due", LEASE, interval=0.5)
        second = await rival.reminders.claim(period, 102, "due", "due", LEASE, interval=0.5)
        assert await rival.reminders.claim(period, 101, "due", "due", LEASE, interval=0.5) is None
        third = await storage.reminders.claim(period, 103, "due", "due", LEASE, interval=0.5)
    finally:
        await rival.close()
    assert first and second and third
    assert second.turn == pytest.approx(first.turn + 0.5) and third.turn == pytest.approx(first.turn + 1.0)


async def test_a_pace_set_far_ahead_by_a_wrong_clock_starts_again_from_now(storage: Storage) -> None:
    period = await open_period(storage)
    async with storage.db.transaction() as connection:
        await connection.execute("INSERT INTO reminder_pace (id, next_at) VALUES (1, 4102444800)")  # year 2100
    claim = await storage.reminders.claim(period, 101, "due", "due", LEASE, interval=0.5)
    assert claim is not None and claim.turn < 4102444800 - 3600
