"""Users, their focal-point memberships, and single-use invites."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

import aiosqlite

from bot.domain.models import Invite, Membership, Role, User
from storage.clock import to_text, utcnow
from storage.db import Database, as_model

USER_COLUMNS = "telegram_id, full_name, username, locale, role, started_at, unreachable_since, paused_until"
INVITE_COLUMNS = "token, agency_code, role, created_at, expires_at, used_by, used_at, handover"


class InviteRefused(ValueError):
    """An invite that cannot be used; `reason` is 'unknown', 'used' or 'expired'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UserRepository:
    def __init__(self, database: Database) -> None:
        self.db = database

    async def get(self, telegram_id: int) -> User | None:
        row = await self.db.fetch_one(f"SELECT {USER_COLUMNS} FROM users WHERE telegram_id = ?", (telegram_id,))
        return as_model(User, row) if row else None

    async def ensure_admins(self, telegram_ids: list[int]) -> None:
        """Bootstrap admins from ADMIN_IDS; an existing user keeps their other data."""
        now = to_text(utcnow())
        async with self.db.transaction() as connection:
            for telegram_id in telegram_ids:
                await connection.execute(
                    "INSERT INTO users (telegram_id, role, created_at) VALUES (?, 'admin', ?)"
                    " ON CONFLICT (telegram_id) DO UPDATE SET role = 'admin'",
                    (telegram_id, now),
                )

    @staticmethod
    async def _hand_over(connection: aiosqlite.Connection, agency_code: str, successor: int) -> None:
        """The agency's primary focal points make way for `successor`; without another agency they lose
        their focal-point role too."""
        async with connection.execute(
            "SELECT user_id FROM memberships WHERE agency_code = ? AND is_primary = 1 AND user_id != ?",
            (agency_code, successor),
        ) as cursor:
            leaving = [row[0] for row in await cursor.fetchall()]
        for user_id in leaving:
            await connection.execute(
                "DELETE FROM memberships WHERE agency_code = ? AND user_id = ?", (agency_code, user_id)
            )
            # Their open question for the agency would otherwise take their next text as its figure.
            await connection.execute(
                "DELETE FROM conversations WHERE agency_code = ? AND user_id = ?", (agency_code, user_id)
            )
            await connection.execute(
                "UPDATE users SET role = NULL WHERE telegram_id = ? AND role = 'focal'"
                " AND NOT EXISTS (SELECT 1 FROM memberships WHERE user_id = ?)",
                (user_id, user_id),
            )

    async def revoke(self, telegram_id: int) -> bool:
        """Take away a user's role, memberships and open conversation; False if there was nothing to take."""
        async with self.db.transaction() as connection:
            cursor = await connection.execute(
                "UPDATE users SET role = NULL WHERE telegram_id = ? AND role IS NOT NULL", (telegram_id,)
            )
            changed = cursor.rowcount == 1
            cursor = await connection.execute("DELETE FROM memberships WHERE user_id = ?", (telegram_id,))
            gone = changed or cursor.rowcount > 0
            # Plain text passes the gate as anyone's, so an open question (a return's reason, a figure) would
            # still act with the role just taken away.
            await connection.execute("DELETE FROM conversations WHERE user_id = ?", (telegram_id,))
            return gone

    async def open_invites(self, now: datetime | None = None) -> list[Invite]:
        """Invites not used yet and not expired."""
        rows = await self.db.fetch_all(
            f"SELECT {INVITE_COLUMNS} FROM invites WHERE used_by IS NULL AND expires_at > ? ORDER BY created_at",
            (to_text(now or utcnow()),),
        )
        return [as_model(Invite, row) for row in rows]

    async def with_role(self) -> list[User]:
        rows = await self.db.fetch_all(f"SELECT {USER_COLUMNS} FROM users WHERE role IS NOT NULL ORDER BY telegram_id")
        return [as_model(User, row) for row in rows]

    async def focal_points(self) -> list[tuple[User, str, bool]]:
        """Every focal point with their agency and whether they are its primary."""
        rows = await self.db.fetch_all(
            f"SELECT {', '.join('u.' + c.strip() for c in USER_COLUMNS.split(','))}, m.agency_code, m.is_primary"
            " FROM memberships m JOIN users u ON u.telegram_id = m.user_id ORDER BY m.agency_code, m.is_primary DESC"
        )
        return [(as_model(User, row), row["agency_code"], bool(row["is_primary"])) for row in rows]

    async def set_paused_until(self, telegram_id: int, until: date | None) -> None:
        async with self.db.transaction() as connection:
            await connection.execute(
                "UPDATE users SET paused_until = ? WHERE telegram_id = ?",
                (until.isoformat() if until else None, telegram_id),
            )

    async def admins(self) -> list[User]:
        rows = await self.db.fetch_all(f"SELECT {USER_COLUMNS} FROM users WHERE role = 'admin' ORDER BY telegram_id")
        return [as_model(User, row) for row in rows]

    async def set_locale(self, telegram_id: int, locale: str) -> None:
        async with self.db.transaction() as connection:
            await connection.execute("UPDATE users SET locale = ? WHERE telegram_id = ?", (locale, telegram_id))

    async def touch(self, telegram_id: int, full_name: str, username: str | None) -> None:
        """Record that this user talked to the bot: they are reachable and have pressed Start."""
        async with self.db.transaction() as connection:
            await connection.execute(
                "UPDATE users SET full_name = ?, username = ?, unreachable_since = NULL,"
                " started_at = COALESCE(started_at, ?) WHERE telegram_id = ?",
                (full_name, username, to_text(utcnow()), telegram_id),
            )

    async def mark_unreachable(self, telegram_id: int) -> None:
        async with self.db.transaction() as connection:
            await connection.execute(
                "UPDATE users SET unreachable_since = COALESCE(unreachable_since, ?) WHERE telegram_id = ?",
                (to_text(utcnow()), telegram_id),
            )

    async def memberships(self, telegram_id: int) -> list[Membership]:
        rows = await self.db.fetch_all(
            "SELECT user_id, agency_code, is_primary FROM memberships WHERE user_id = ?"
            " ORDER BY is_primary DESC, agency_code",
            (telegram_id,),
        )
        return [Membership(user_id=r[0], agency_code=r[1], primary=bool(r[2])) for r in rows]

    async def members_of(self, agency_code: str) -> list[tuple[User, bool]]:
        """The agency's focal points, primaries first, with whether each is primary."""
        rows = await self.db.fetch_all(
            f"SELECT {', '.join('u.' + c.strip() for c in USER_COLUMNS.split(','))}, m.is_primary"
            " FROM memberships m JOIN users u ON u.telegram_id = m.user_id"
            " WHERE m.agency_code = ? ORDER BY m.is_primary DESC, m.since",
            (agency_code,),
        )
        return [(as_model(User, row), bool(row["is_primary"])) for row in rows]

    async def create_invite(
        self,
        agency_code: str | None,
        role: Role,
        expires_in: timedelta,
        created_by: int | None = None,
        handover: bool = False,
    ) -> Invite:
        now = utcnow()
        token = secrets.token_urlsafe(12)  # 16 URL-safe characters, fits a /start payload
        async with self.db.transaction() as connection:
            await connection.execute(
                "INSERT INTO invites (token, agency_code, role, created_by, created_at, expires_at, handover)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (token, agency_code, role.value, created_by, to_text(now), to_text(now + expires_in), int(handover)),
            )
        return Invite(
            token=token,
            agency_code=agency_code,
            role=role,
            created_at=now,
            expires_at=now + expires_in,
        )

    async def invite(self, token: str) -> Invite | None:
        """The invite with this token, used or not; None if there is none."""
        row = await self.db.fetch_one(f"SELECT {INVITE_COLUMNS} FROM invites WHERE token = ?", (token,))
        return as_model(Invite, row) if row else None

    async def redeem_invite(
        self,
        token: str,
        telegram_id: int,
        full_name: str,
        username: str | None,
        now: datetime | None = None,
        *,
        role: Role | None = None,
    ) -> Invite:
        """Use the invite, once: give the user `role` (None: the role the invite names; which role an
        invite grants is `bot.services.onboarding.accept_invite`'s decision) and the invite's agency.
        Raise InviteRefused for an unknown, used or expired invite; the check and the use are one
        transaction, so two people opening one link cannot both get in."""
        now = now or utcnow()
        async with self.db.transaction() as connection:
            row = await self.db.fetch_one(f"SELECT {INVITE_COLUMNS} FROM invites WHERE token = ?", (token,))
            if row is None:
                raise InviteRefused("unknown")
            invite = as_model(Invite, row)
            if invite.used_by is not None:
                raise InviteRefused("used")
            if invite.expires_at <= now:
                raise InviteRefused("expired")
            await connection.execute(
                "UPDATE invites SET used_by = ?, used_at = ? WHERE token = ?",
                (telegram_id, to_text(now), token),
            )
            await connection.execute(
                "INSERT INTO users (telegram_id, full_name, username, role, started_at, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (telegram_id) DO UPDATE SET"
                " full_name = excluded.full_name, username = excluded.username, role = excluded.role,"
                " started_at = COALESCE(users.started_at, excluded.started_at),"
                " unreachable_since = NULL",
                (telegram_id, full_name, username, (role or invite.role).value, to_text(now), to_text(now)),
            )
            if invite.agency_code and row["handover"]:
                await self._hand_over(connection, invite.agency_code, telegram_id)
            if invite.agency_code and invite.role in (Role.FOCAL, Role.BACKUP):
                await connection.execute(
                    "INSERT INTO memberships (user_id, agency_code, is_primary, since)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (user_id, agency_code)"
                    " DO UPDATE SET is_primary = excluded.is_primary",
                    (telegram_id, invite.agency_code, int(invite.role is Role.FOCAL), to_text(now)),
                )
        return invite.model_copy(update={"used_by": telegram_id, "used_at": now})
