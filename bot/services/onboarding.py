"""Joining with an invite and seeing where one stands: the use cases behind /start.

Which role an invite grants is decided here, not in storage: a backup focal point is a focal point
(their membership, not their role, says they are not the agency's primary), and an administrator who
opens an invite, say to become an agency's focal point too, stays an administrator. Storage then stores
the role it is told, in the transaction that uses the invite up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.domain.models import Agency, Invite, Membership, PeriodState, Role, User
from bot.services.report import Progress, ReportStorage, progress_of, reportable
from storage import InviteRefused


class Invites(Protocol):
    """What accepting an invite reads and writes; `storage.users` is one."""

    async def invite(self, token: str) -> Invite | None: ...

    async def get(self, telegram_id: int) -> User | None: ...

    async def redeem_invite(
        self,
        token: str,
        telegram_id: int,
        full_name: str,
        username: str | None,
        now: datetime | None = None,
        *,
        role: Role | None = None,
    ) -> Invite: ...


def granted_role(offered: Role, current: Role | None) -> Role:
    """The role a user gets from an invite offering `offered` when they have `current` now."""
    if current is Role.ADMIN:
        return Role.ADMIN
    return Role.FOCAL if offered is Role.BACKUP else offered


async def accept_invite(
    users: Invites,
    token: str,
    telegram_id: int,
    full_name: str,
    username: str | None,
    now: datetime | None = None,
) -> Invite:
    """Use an invite for this user with the role it grants them; raise InviteRefused if it is unknown,
    used or expired."""
    invite = await users.invite(token)
    if invite is None:
        raise InviteRefused("unknown")
    user = await users.get(telegram_id)
    role = granted_role(invite.role, user.role if user else None)
    return await users.redeem_invite(token, telegram_id, full_name, username, now, role=role)


@dataclass(frozen=True)
class Joined:
    """A user who has just accepted an invite, as the welcome shows them."""

    invite: Invite
    user: User | None
    memberships: list[Membership]
    agency: Agency | None


async def join(storage: ReportStorage, token: str, telegram_id: int, full_name: str, username: str | None) -> Joined:
    """/start with an invite: accept it (see `accept_invite`) and read back who the user now is."""
    invite = await accept_invite(storage.users, token, telegram_id, full_name, username)
    return Joined(
        invite,
        await storage.users.get(telegram_id),
        await storage.users.memberships(telegram_id),
        await storage.agencies.get(invite.agency_code) if invite.agency_code else None,
    )


@dataclass(frozen=True)
class Standing:
    """Where a user stands: the agency of each of their memberships (None if it is gone), and their
    agencies' reports in the open periods."""

    agencies: list[Agency | None]
    open_reports: list[Progress]


async def standing(storage: ReportStorage, memberships: list[Membership]) -> Standing:
    """The /start status: whose focal point the user is, and what their agencies still owe."""
    agencies = [await storage.agencies.get(membership.agency_code) for membership in memberships]
    open_pairs, _ = await reportable(storage, [membership.agency_code for membership in memberships])
    reports = [
        progress
        for period, agency in open_pairs
        if period.state is PeriodState.OPEN and (progress := await progress_of(storage, period, agency))
    ]
    return Standing(agencies, reports)
