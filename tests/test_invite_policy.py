"""Which role an invite grants (bot.services.onboarding), and that storage stores what it is told."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.models import Role
from bot.sandbox import SandboxClient
from bot.services.onboarding import accept_invite, granted_role
from storage import InviteRefused, Storage
from tests.e2e import Season, join


@pytest.mark.parametrize(
    ("offered", "current", "granted"),
    [
        (Role.BACKUP, None, Role.FOCAL),
        (Role.FOCAL, None, Role.FOCAL),
        (Role.VIEWER, Role.FOCAL, Role.VIEWER),
        (Role.FOCAL, Role.VIEWER, Role.FOCAL),
        (Role.ADMIN, Role.VIEWER, Role.ADMIN),
        (Role.FOCAL, Role.ADMIN, Role.ADMIN),
        (Role.BACKUP, Role.ADMIN, Role.ADMIN),
        (Role.VIEWER, Role.ADMIN, Role.ADMIN),
    ],
)
def test_granted_role(offered: Role, current: Role | None, granted: Role) -> None:
    assert granted_role(offered, current) is granted


async def test_a_backup_invite_grants_the_focal_role_without_primacy(loaded: Storage) -> None:
    invite = await loaded.users.create_invite("SYT", Role.BACKUP, timedelta(days=1))
    await accept_invite(loaded.users, invite.token, 102, "Minh", None)
    user = await loaded.users.get(102)
    assert user is not None and user.role is Role.FOCAL
    assert [(m.agency_code, m.primary) for m in await loaded.users.memberships(102)] == [("SYT", False)]


async def test_an_admin_who_opens_an_invite_stays_admin(loaded: Storage) -> None:
    await loaded.users.ensure_admins([900])
    invite = await loaded.users.create_invite("SYT", Role.FOCAL, timedelta(days=1))
    await accept_invite(loaded.users, invite.token, 900, "Quản trị", None)
    user = await loaded.users.get(900)
    assert user is not None and user.role is Role.ADMIN
    assert [(m.agency_code, m.primary) for m in await loaded.users.memberships(900)] == [("SYT", True)]


async def test_refused_invites_change_nothing(loaded: Storage) -> None:
    with pytest.raises(InviteRefused) as unknown:
        await accept_invite(loaded.users, "nope", 500, "A", None)
    assert unknown.value.reason == "unknown"
    invite = await loaded.users.create_invite("SYT", Role.FOCAL, timedelta(days=1))
    await accept_invite(loaded.users, invite.token, 501, "B", None)
    with pytest.raises(InviteRefused) as used:
        await accept_invite(loaded.users, invite.token, 502, "C", None)
    assert used.value.reason == "used"
    assert await loaded.users.get(500) is None and await loaded.users.get(502) is None


async def test_storage_stores_the_role_it_is_told(loaded: Storage) -> None:
    await loaded.users.ensure_admins([900])
    invite = await loaded.users.create_invite(None, Role.VIEWER, timedelta(days=1))
    await loaded.users.redeem_invite(invite.token, 900, "Quản trị", None, role=Role.VIEWER)
    user = await loaded.users.get(900)
    assert user is not None and user.role is Role.VIEWER  # no policy of its own: the service protects admins


async def test_the_welcome_names_the_role_granted(season: Season, sandbox: SandboxClient) -> None:
    minh = await join(season, sandbox, 102, "Minh", "SYT", Role.BACKUP)
    assert "đầu mối dự phòng của Sở Y tế" in minh.seen[-1].text
    admin = await join(season, sandbox, 900, "Quản trị", "SYT")  # 900 is in ADMIN_IDS
    assert "quản trị viên" in admin.seen[-1].text
    user = await season.storage.users.get(900)
    assert user is not None and user.role is Role.ADMIN
