"""Joining with an invite, status, help and language, through the real bot over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.models import Role
from bot.sandbox import SandboxClient
from tests.e2e import Season, join


async def test_unknown_user_is_told_how_to_join(season: Season, sandbox: SandboxClient) -> None:
    stranger = await sandbox.user(5, "Khách")
    await stranger.command("start")
    assert "đường link mời" in (await stranger.expect("Sở Kế hoạch và Đầu tư")).text
    await stranger.command("report")
    assert "đường link mời" in (await stranger.next()).text
    await stranger.send("xin chào")
    assert "đường link mời" in (await stranger.next()).text
    assert await season.storage.users.get(5) is None


async def test_invite_binds_the_user_and_shows_status(season: Season, sandbox: SandboxClient) -> None:
    lan = await join(season, sandbox, 101, "Nguyễn Thị Lan", "SYT")
    welcome = lan.seen[-1].text
    assert "Nguyễn Thị Lan" in welcome and "đầu mối của Sở Y tế" in welcome
    status = await lan.expect("Kỳ 2026")
    due_before = season.current.deadline + timedelta(days=1)  # the stored day is the last one on time
    assert f"hạn nộp trước ngày {due_before:%d/%m/%Y}: còn 4/4 mục chưa nhập" in status.text
    memberships = await season.storage.users.memberships(101)
    assert [(m.agency_code, m.primary) for m in memberships] == [("SYT", True)]
    await lan.command("start")
    assert "đầu mối của Sở Y tế" in (await lan.expect("Kỳ 2026")).text


async def test_used_expired_and_unknown_invites_are_refused(season: Season, sandbox: SandboxClient) -> None:
    invite = await season.storage.users.create_invite("SYT", Role.FOCAL, timedelta(days=7))
    first = await sandbox.user(201, "An")
    await first.command("start", invite.token)
    await first.expect("Chào mừng")
    second = await sandbox.user(202, "Bình")
    await second.command("start", invite.token)
    assert "đã được sử dụng" in (await second.next()).text
    expired = await season.storage.users.create_invite("SYT", Role.FOCAL, timedelta(seconds=1))
    async with season.storage.db.transaction() as connection:
        await connection.execute(
            "UPDATE invites SET expires_at = ? WHERE token = ?",
            ((datetime.now(UTC) - timedelta(days=1)).isoformat(), expired.token),
        )
    await second.command("start", expired.token)
    assert "đã hết hạn" in (await second.next()).text
    await second.command("start", "khong-co-that")
    assert "không hợp lệ" in (await second.next()).text
    assert await season.storage.users.memberships(202) == []


async def test_help_is_tailored_and_language_is_persisted(season: Season, sandbox: SandboxClient) -> None:
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    await lan.command("help")
    assert "/report" in (await lan.expect("Dành cho cán bộ đầu mối")).text
    viewer = await join(season, sandbox, 301, "Hùng", None, Role.VIEWER)
    await viewer.command("help")
    help_text = (await viewer.expect("/lang")).text
    assert "/report" not in help_text and "xem báo cáo tổng hợp" in help_text
    await lan.command("lang")
    await lan.expect("Chọn ngôn ngữ")
    await lan.press("English")
    edited = await lan.expect("Language: English")
    assert edited.kind == "edit"
    user = await season.storage.users.get(101)
    assert user is not None and user.locale == "en"
    await lan.command("start")
    status = await lan.expect("Period 2026")
    deadline = season.current.deadline + timedelta(days=1)  # shown as the day reports must arrive before
    assert f"due before {deadline:%b} {deadline.day}, {deadline.year}: 4 of 4 items" in status.text
    await lan.command("cancel")
    assert "Nothing to stop" in (await lan.next()).text
