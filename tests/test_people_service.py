"""The admins' people use cases (bot.services.people) on a real SQLite file: agencies and focal points,
invites, revoking, who is waiting, broadcasts, leave, and which admins hear about a fault."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import pytest

from bot.domain.models import Role, User
from bot.i18n import Translator, translator
from bot.services import people
from storage import Storage


async def member(storage: Storage, user_id: int, name: str, agency: str | None, role: Role = Role.FOCAL) -> None:
    """A user who opened an invite for `agency` (and so pressed Start)."""
    invite = await storage.users.create_invite(agency, role, timedelta(days=7))
    await storage.users.redeem_invite(invite.token, user_id, name, None)


class ListOutbox:
    """An Outbox that keeps what it was given and answers each chat as told (default: sent)."""

    def __init__(self, outcomes: dict[int, str]) -> None:
        self.outcomes = outcomes
        self.sent: list[tuple[int, list[str]]] = []

    async def send(self, chat_id: int, texts: Sequence[str], report_period: int | None, t: Translator) -> str:
        assert report_period is None  # a broadcast carries no report button
        self.sent.append((chat_id, list(texts)))
        return self.outcomes.get(chat_id, "sent")


async def test_agencies_list_only_active_ones_with_their_focal_points(loaded: Storage) -> None:
    await member(loaded, 101, "Lan", "SYT")
    await member(loaded, 102, "Mai", "SYT", Role.BACKUP)
    await loaded.agencies.retire("H-TUKY", date(2025, 7, 1))
    listed = {agency.code: members for agency, members in await people.agencies_and_focal_points(loaded)}
    assert [(user.telegram_id, primary) for user, primary in listed["SYT"]] == [(101, True), (102, False)]
    assert listed["CTK"] == []
    assert "H-TUKY" not in listed


async def test_an_invite_is_for_an_active_agency_typed_in_any_case(loaded: Storage) -> None:
    issued = await people.issue_invite(loaded, Role.BACKUP, " syt ", by=900)
    assert issued.agency is not None and issued.agency.code == "SYT"
    assert issued.invite.agency_code == "SYT" and issued.invite.role is Role.BACKUP
    assert issued.invite.expires_at - issued.invite.created_at == timedelta(days=people.INVITE_DAYS)
    province = await people.issue_invite(loaded, Role.VIEWER, None, by=900)
    assert province.agency is None and province.invite.agency_code is None
    await loaded.agencies.retire("H-TUKY", date(2025, 7, 1))
    for code in ("NOPE", "H-TUKY"):
        with pytest.raises(people.NoActiveAgency):
            await people.issue_invite(loaded, Role.FOCAL, code, by=900)
    assert len(await loaded.users.open_invites()) == 2  # the refused ones left nothing behind


async def test_a_handover_invite_replaces_the_primary(loaded: Storage) -> None:
    await member(loaded, 101, "Lan", "SYT")
    issued = await people.issue_invite(loaded, Role.FOCAL, "SYT", by=900, handover=True)
    await loaded.users.redeem_invite(issued.invite.token, 103, "Minh", None)
    assert [m.agency_code for m in await loaded.users.memberships(101)] == []
    assert [(m.agency_code, m.primary) for m in await loaded.users.memberships(103)] == [("SYT", True)]


async def test_only_a_user_with_a_role_can_be_revoked(loaded: Storage) -> None:
    await member(loaded, 101, "Lan", "SYT")
    assert await people.revocable(loaded, 999) is None
    target = await people.revocable(loaded, 101)
    assert target is not None and target.full_name == "Lan"
    assert await people.revoke(loaded, 101) is True
    assert await people.revoke(loaded, 101) is False
    assert await people.revocable(loaded, 101) is None


async def test_waiting_lists_unused_invites_and_people_out_of_reach(loaded: Storage) -> None:
    await member(loaded, 101, "Lan", "SYT")  # started, reachable: not waiting
    await member(loaded, 102, "An", "CTK")
    await loaded.users.mark_unreachable(102)
    await loaded.users.ensure_admins([900])  # an admin from ADMIN_IDS who never pressed Start
    unused = await loaded.users.create_invite("SYT", Role.BACKUP, timedelta(days=7))
    found = await people.waiting(loaded)
    assert [invite.token for invite in found.invites] == [unused.token]
    assert [user.telegram_id for user in found.users] == [102, 900]


async def test_a_broadcast_reaches_each_focal_point_once_and_flags_who_blocked_the_bot(loaded: Storage) -> None:
    await member(loaded, 102, "An", "CTK")
    await member(loaded, 101, "Lan", "SYT")
    await member(loaded, 101, "Lan", "CTK", Role.BACKUP)  # Lan is also CTK's backup
    await member(loaded, 301, "Hùng", None, Role.VIEWER)  # a viewer gets no broadcast
    assert await people.broadcast_recipients(loaded) == [101, 102]
    outbox = ListOutbox({102: "forbidden"})
    outcomes = await people.broadcast(outbox, loaded, "Họp giao ban", translator("vi"))
    assert outbox.sent == [(101, ["Họp giao ban"]), (102, ["Họp giao ban"])]
    assert outcomes == {"sent": 1, "forbidden": 1}
    blocked, fine = await loaded.users.get(102), await loaded.users.get(101)
    assert blocked is not None and blocked.unreachable_since is not None
    assert fine is not None and fine.unreachable_since is None


async def test_leave_cannot_end_in_the_past_and_resume_ends_it(loaded: Storage) -> None:
    await member(loaded, 101, "Lan", "SYT")
    today = date(2026, 3, 10)
    assert await people.pause_reminders(loaded, 101, date(2026, 3, 9), today) is False
    assert (await loaded.users.get(101)).paused_until is None  # type: ignore[union-attr]
    assert await people.pause_reminders(loaded, 101, today, today) is True
    assert (await loaded.users.get(101)).paused_until == today  # type: ignore[union-attr]
    await people.resume_reminders(loaded, 101)
    assert (await loaded.users.get(101)).paused_until is None  # type: ignore[union-attr]


async def test_a_fault_is_told_to_the_reachable_admins_but_not_the_one_it_happened_to(loaded: Storage) -> None:
    await loaded.users.ensure_admins([900, 901, 902])
    await loaded.users.mark_unreachable(902)
    alerted: list[User] = await people.admins_to_alert(loaded, about_user=900)
    assert [admin.telegram_id for admin in alerted] == [901]
    assert [admin.telegram_id for admin in await people.admins_to_alert(loaded, about_user=None)] == [900, 901]
