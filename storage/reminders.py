"""The reminder log: one row per (period, recipient, slot), which makes each reminder go out at most once,
across restarts and across bot instances sharing the database.

A reminder is claimed just before it is sent, never a slot at a time, and the claim is a lease: its owner
(host, process id and a random token, fresh for each claim) and the moment it lapses. The row moves

    claimed ──start_sending──▶ sending ──record──▶ sent | forbidden | failed | unknown

A claim that lapses while still `claimed` was never handed to Telegram, so whoever runs next releases it
and the reminder is due again: a sender killed in the middle of a fan-out loses nothing. A lapsed
`sending` row becomes `unknown`, because the message may have arrived; like a timed-out send it is never
repeated blindly. Every change of state checks the owner, so a sender whose lease was taken over (it
stalled past it) finds out before it sends, not after.
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiosqlite

from storage.clock import to_text, utcnow
from storage.db import Database

PENDING = ("claimed", "sending")
UNCERTAIN = "unknown"
UNSETTLED = (*PENDING, UNCERTAIN, "failed")


def lease_text(moment: datetime) -> str:
    """A lease moment as stored: ISO 8601 UTC with milliseconds, so that leases of a second compare right."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def new_owner() -> str:
    """Who holds a claim: this host and process, and a token no other claim shares."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


@dataclass(frozen=True)
class Claim:
    """A reminder this process holds the lease on."""

    period_id: int
    user_id: int
    slot: str
    owner: str
    turn: float  # when it may be sent, in seconds since the epoch


@dataclass(frozen=True)
class Entry:
    """A row of the log as `reminders plan` shows it."""

    user_id: int
    slot: str
    kind: str
    outcome: str
    owner: str | None
    claimed_at: str
    lease_until: str | None
    detail: str | None

    def lapsed(self, now: datetime) -> bool:
        """The lease ran out: its sender stopped (or stalled) before it settled the row."""
        return self.lease_until is not None and self.lease_until < lease_text(now)


@dataclass(frozen=True)
class Abandoned:
    """What `release_lapsed` found: claims released to be sent again, sends now uncertain."""

    released: list[tuple[int, str, str]]  # (user_id, slot, owner)
    uncertain: list[tuple[int, str, str]]


class ReminderLogRepository:
    def __init__(self, database: Database) -> None:
        self.db = database

    async def logged(self, period_id: int) -> set[tuple[int, str]]:
        """(user, slot) of every reminder sent, being sent or settled; a lapsed claim does not count."""
        rows = await self.db.fetch_all(
            "SELECT user_id, slot FROM reminder_log WHERE period_id = ?"
            " AND NOT (outcome = 'claimed' AND lease_until < ?)",
            (period_id, lease_text(utcnow())),
        )
        return {(row[0], row[1]) for row in rows}

    async def claim(
        self, period_id: int, user_id: int, slot: str, kind: str, lease: timedelta, interval: float = 0.0
    ) -> Claim | None:
        """Lease this recipient's reminder in this slot; None if someone else holds it or it is settled.
        A lapsed claim (its sender died before sending) is taken over. The claim's `turn` is when it may
        go out: `interval` seconds after the turn before it, whoever's sender took that one."""
        owner, now = new_owner(), utcnow()
        async with self.db.transaction() as connection:
            cursor = await connection.execute(
                "INSERT INTO reminder_log (period_id, user_id, slot, kind, claimed_at, outcome, owner, lease_until)"
                " VALUES (?, ?, ?, ?, ?, 'claimed', ?, ?)"
                " ON CONFLICT (period_id, user_id, slot) DO UPDATE SET owner = excluded.owner,"
                " lease_until = excluded.lease_until, claimed_at = excluded.claimed_at, kind = excluded.kind"
                " WHERE reminder_log.outcome = 'claimed' AND reminder_log.lease_until < ?",
                (period_id, user_id, slot, kind, to_text(now), owner, lease_text(now + lease), lease_text(now)),
            )
            if cursor.rowcount != 1:
                return None
            turn = await _take_turn(connection, now.timestamp(), interval) if interval else now.timestamp()
            return Claim(period_id, user_id, slot, owner, turn)

    async def start_sending(self, claim: Claim, lease: timedelta) -> bool:
        """The point of no return, written just before the message is handed to Telegram: False if the
        claim was lost meanwhile (its lease lapsed and another sender took it, or it was released)."""
        async with self.db.transaction() as connection:
            cursor = await connection.execute(
                "UPDATE reminder_log SET outcome = 'sending', lease_until = ?"
                " WHERE period_id = ? AND user_id = ? AND slot = ? AND owner = ? AND outcome = 'claimed'",
                (lease_text(utcnow() + lease), claim.period_id, claim.user_id, claim.slot, claim.owner),
            )
            return cursor.rowcount == 1

    async def record(
        self,
        period_id: int,
        user_id: int,
        slot: str,
        outcome: str,
        detail: str | None = None,
        owner: str | None = None,
    ) -> None:
        """sent, forbidden, unknown (timed out: it may have arrived) or failed; with `owner`, only if that
        claim still holds the row (a lapsed send marked unknown meanwhile is corrected to what happened)."""
        async with self.db.transaction() as connection:
            await connection.execute(
                "UPDATE reminder_log SET outcome = ?, detail = ?, lease_until = NULL"
                " WHERE period_id = ? AND user_id = ? AND slot = ? AND (CAST(? AS TEXT) IS NULL OR owner = ?)",
                (outcome, detail, period_id, user_id, slot, owner, owner),
            )

    async def release_lapsed(self) -> Abandoned:
        """Settle what senders that stopped left behind: a lapsed claim is released (the reminder is due
        again), a lapsed send becomes unknown (it may have arrived)."""
        now = lease_text(utcnow())
        async with self.db.transaction() as connection:
            released = await _rows(connection, "claimed", now)
            uncertain = await _rows(connection, "sending", now)
            await connection.execute("DELETE FROM reminder_log WHERE outcome = 'claimed' AND lease_until < ?", (now,))
            await connection.execute(
                "UPDATE reminder_log SET outcome = 'unknown', lease_until = NULL,"
                " detail = 'its sender stopped before it heard back'"
                " WHERE outcome = 'sending' AND lease_until < ?",
                (now,),
            )
        return Abandoned(released, uncertain)

    async def unsettled(self, period_id: int) -> list[Entry]:
        """Claims pending (claimed or sending), uncertain (unknown) or failed, in the order claimed."""
        rows = await self.db.fetch_all(
            "SELECT user_id, slot, kind, outcome, owner, claimed_at, lease_until, detail FROM reminder_log"
            f" WHERE period_id = ? AND outcome IN ({', '.join('?' * len(UNSETTLED))}) ORDER BY claimed_at, rowid",
            (period_id, *UNSETTLED),
        )
        return [Entry(*row) for row in rows]

    async def outcomes(self, period_id: int) -> list[tuple[int, str, str, str]]:
        """(user_id, slot, kind, outcome) in the order claimed."""
        rows = await self.db.fetch_all(
            "SELECT user_id, slot, kind, outcome FROM reminder_log WHERE period_id = ? ORDER BY claimed_at, rowid",
            (period_id,),
        )
        return [(row[0], row[1], row[2], row[3]) for row in rows]


async def _rows(connection: aiosqlite.Connection, outcome: str, now: str) -> list[tuple[int, str, str]]:
    cursor = await connection.execute(
        "SELECT user_id, slot, owner FROM reminder_log WHERE outcome = ? AND lease_until < ?", (outcome, now)
    )
    return [(row[0], row[1], row[2] or "") for row in await cursor.fetchall()]


async def _take_turn(connection: aiosqlite.Connection, now: float, interval: float) -> float:
    """The next free turn on the pace all senders share, and the one after it booked for whoever is next.
    Senders wait a few turns at most; a turn a minute or more ahead means that a clock was set back, and
    the pace starts again from now."""
    row = await (await connection.execute("SELECT next_at FROM reminder_pace WHERE id = 1")).fetchone()
    turn = max(row[0], now) if row else now
    if turn > now + max(60.0, 10 * interval):
        turn = now
    await connection.execute(
        "INSERT INTO reminder_pace (id, next_at) VALUES (1, ?)"
        " ON CONFLICT (id) DO UPDATE SET next_at = excluded.next_at",
        (turn + interval,),
    )
    return turn
