"""The people side of the programme, as the admins run it: agencies and their focal points, invites and
handovers, revoking access, who is still waiting, broadcasts, and focal points' leave.

Telegram stays out: these return users, agencies and invites, and the handlers write the messages. A
broadcast goes through an `Outbox` (Telegram's in `handlers.delivery`), like the reminders, so that a user
who blocked the bot is marked unreachable by the same rule.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from bot.domain.models import Agency, Invite, Role, User
from bot.i18n import Translator
from bot.services.reminders import Outbox
from storage.agencies import AgencyRepository
from storage.users import UserRepository

INVITE_DAYS = 7


class PeopleStorage(Protocol):
    """The repositories these use cases need: agencies, and users with their memberships and invites."""

    agencies: AgencyRepository
    users: UserRepository


class NoActiveAgency(LookupError):
    """No active agency with this code."""


@dataclass(frozen=True)
class IssuedInvite:
    """A new single-use invite, with the agency it is for (None for a viewer or an admin)."""

    invite: Invite
    agency: Agency | None


@dataclass(frozen=True)
class Waiting:
    """What /pending lists: invites not used yet, and people with a role who cannot be reached."""

    invites: list[Invite]
    users: list[User]


async def agencies_and_focal_points(storage: PeopleStorage) -> list[tuple[Agency, list[tuple[User, bool]]]]:
    """Every active agency with its focal points, primaries first, and whether each is the primary."""
    members: dict[str, list[tuple[User, bool]]] = {}
    for user, code, primary in await storage.users.focal_points():
        members.setdefault(code, []).append((user, primary))
    return [(agency, members.get(agency.code, [])) for agency in await storage.agencies.all(include_inactive=False)]


async def active_agency(storage: PeopleStorage, code: str) -> Agency | None:
    """The active agency with this code as typed (any case, spaces around), or the one a merged or renamed
    agency's code now names (its successor); None if retired, abolished or unknown."""
    return await storage.agencies.current(code.strip().upper())


async def issue_invite(
    storage: PeopleStorage, role: Role, agency_code: str | None, *, by: int, handover: bool = False
) -> IssuedInvite:
    """A single-use invite valid for a week, for `role` in an active agency (or province-wide without one).
    A handover invite makes its user the agency's primary focal point in place of the current one."""
    agency = None
    if agency_code is not None:
        agency = await active_agency(storage, agency_code)
        if agency is None:
            raise NoActiveAgency(agency_code)
    invite = await storage.users.create_invite(
        agency.code if agency else None, role, timedelta(days=INVITE_DAYS), by, handover
    )
    return IssuedInvite(invite, agency)


async def revocable(storage: PeopleStorage, user_id: int) -> User | None:
    """The user if they have a role to take away."""
    user = await storage.users.get(user_id)
    return user if user is not None and user.role is not None else None


async def revoke(storage: PeopleStorage, user_id: int) -> bool:
    """Take away a user's role and agencies; False if there was nothing to take."""
    return await storage.users.revoke(user_id)


async def waiting(storage: PeopleStorage) -> Waiting:
    """Open invites, and the users with a role who never pressed Start or have blocked the bot."""
    users = [
        user
        for user in await storage.users.with_role()
        if user.started_at is None or user.unreachable_since is not None
    ]
    return Waiting(await storage.users.open_invites(), users)


async def broadcast_recipients(storage: PeopleStorage) -> list[int]:
    """Every focal point once (one may serve several agencies), by Telegram id."""
    return sorted({user.telegram_id for user, _, _ in await storage.users.focal_points()})


async def broadcast(outbox: Outbox, storage: PeopleStorage, text: str, t: Translator) -> Counter[str]:
    """Send `text` to every focal point, one after another; those who blocked the bot are marked unreachable.
    Returns how many sends ended each way ("sent", "forbidden", "failed", "unknown")."""
    outcomes: Counter[str] = Counter()
    for user_id in await broadcast_recipients(storage):
        outcome = await outbox.send(user_id, [text], None, t)
        if outcome == "forbidden":
            await storage.users.mark_unreachable(user_id)
        outcomes[outcome] += 1
    return outcomes


async def pause_reminders(storage: PeopleStorage, user_id: int, until: date, today: date) -> bool:
    """No reminders for this user up to `until` included; False (and nothing saved) if that day is past."""
    if until < today:
        return False
    await storage.users.set_paused_until(user_id, until)
    return True


async def resume_reminders(storage: PeopleStorage, user_id: int) -> None:
    """Reminders for this user again from now."""
    await storage.users.set_paused_until(user_id, None)


async def admins_to_alert(storage: PeopleStorage, about_user: int | None) -> list[User]:
    """The admins to tell about a fault: those who can be reached, except the user it happened to."""
    return [
        admin
        for admin in await storage.users.admins()
        if admin.telegram_id != about_user and admin.unreachable_since is None
    ]


async def locale_of(storage: PeopleStorage, telegram_id: int, default: str) -> str:
    """The language a user chose, else `default`."""
    user = await storage.users.get(telegram_id)
    return user.locale if user is not None and user.locale else default
