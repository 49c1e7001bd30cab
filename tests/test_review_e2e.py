"""Review and sign-off through the real bot and the local Bot API server: a focal point submits, the
consolidating agency's admin returns the report with a reason, the focal point sees it, corrects and
resubmits, the admin sees the change and accepts; the agency's figures are then locked while another
agency can still change its own. Asserted on what each user sees and on the rows in the database."""

from __future__ import annotations

import pytest

from bot.domain.models import ElementType, Role
from bot.domain.review import ReviewState
from bot.sandbox import SandboxClient, SimUser
from storage import PeriodLocked
from tests.e2e import Season, join
from tests.test_report_e2e import sent

ADMIN = 900


async def fill(season: Season, agency: str, by: int) -> None:
    """Every item the agency owes, answered (as if typed earlier): tasks in progress, milestones achieved."""
    elements = await season.storage.catalogue.assigned_elements(season.current.programme_id, agency)
    for element in elements:
        if element.type is ElementType.TASK:
            await season.storage.values.save(season.current, agency, element.code, number=50, text="in_progress", by=by)
        elif element.type is ElementType.MILESTONE:
            await season.storage.values.save(season.current, agency, element.code, number=1, text="yes", by=by)
        else:
            number = {"hospital_beds": 7100, "doctors": 1950, "population": 1_970_000}.get(element.code, 10)
            await season.storage.values.save(season.current, agency, element.code, number=number, by=by)


async def submit(user: SimUser) -> None:
    await user.command("report")
    await user.expect("Rà soát: kỳ 2026")
    await user.press("✅ Nộp báo cáo")
    await user.expect("Đã nộp báo cáo kỳ 2026")


async def test_return_correct_resubmit_accept_lock(season: Season, sandbox: SandboxClient) -> None:
    lan = await join(season, sandbox, 301, "Nguyễn Thị Lan", "SYT")
    await fill(season, "SYT", 301)
    await submit(lan)
    admin = await sandbox.user(ADMIN, "Trần Văn Tổng Hợp")

    await admin.command("review", "2026")
    listing = await admin.expect("Xem xét báo cáo kỳ 2026")
    assert "1 chờ xem xét, 0 đã trả lại, 0 đã chấp nhận" in listing.text and "Sở Y tế" in listing.text
    await admin.press("1")
    card = await admin.expect("Sở Y tế", "chờ xem xét")
    assert "Số giường bệnh: 7.100 giường" in card.text
    await admin.press("↩️ Trả lại")
    await admin.expect("Nhập lý do trả lại")
    await admin.send("Số giường bệnh chưa gồm cơ sở y tế tư nhân <ngoài công lập>")
    await admin.expect("Đã trả lại cho Sở Y tế")

    notice = await lan.expect("Cơ quan tổng hợp đã trả lại báo cáo kỳ 2026")
    assert "Lý do: Số giường bệnh chưa gồm cơ sở y tế tư nhân <ngoài công lập>" in notice.text  # escaped, shown
    assert "Sở Kế hoạch" not in notice.text
    assert await season.storage.values.submission(season.current.id, "SYT") is None  # owed again
    await admin.command("status", "2026")
    board = await admin.expect("Cơ quan tổng hợp đã xem xét: 0 báo cáo được chấp nhận, 1 báo cáo bị trả lại")
    assert "↩️ Sở Y tế: bị cơ quan tổng hợp trả lại (Số giường bệnh chưa gồm" in board.text
    await lan.press("📝 Báo cáo ngay")
    review = await sent(lan, "Rà soát: kỳ 2026")
    number = next(label for label, data in review.buttons if data.endswith(":0"))
    await lan.press(number)
    await lan.expect("Số giường bệnh")
    await lan.send("7.450")
    await sent(lan, "Rà soát: kỳ 2026")
    await lan.press("✅ Nộp báo cáo")
    await lan.expect("Đã nộp báo cáo kỳ 2026")

    await admin.command("review")
    await admin.expect("1 chờ xem xét, 0 đã trả lại")
    await admin.press("1")
    card = await admin.expect("Sở Y tế", "chờ xem xét")
    assert "Thay đổi kể từ lần xem trước" in card.text and "7.100 → 7.450" in card.text
    await admin.press("✅ Chấp nhận")
    await admin.expect("Đã chấp nhận: Sở Y tế")
    await lan.expect("Cơ quan tổng hợp đã chấp nhận báo cáo kỳ 2026")
    await admin.command("summary", "2026")
    await admin.expect("Cơ quan tổng hợp đã xem xét: 1 báo cáo được chấp nhận, 0 báo cáo bị trả lại")

    review_row = await season.storage.reviews.get(season.current.id, "SYT")
    assert review_row is not None and review_row.state is ReviewState.ACCEPTED
    events = [event[0] for event in await season.storage.reviews.events(season.current.id, "SYT")]
    assert events == ["returned", "resubmitted", "accepted"]
    await lan.command("report")
    await lan.expect("khóa")
    with pytest.raises(PeriodLocked):
        await season.storage.values.save(season.current, "SYT", "hospital_beds", number=1, by=301)

    minh = await join(season, sandbox, 302, "Lê Văn Minh", "CTK")  # another agency still reports
    await minh.command("report")
    await minh.expect("Mục 1/")
    await minh.send("9,1")
    await sent(minh, "✓ Đã lưu")
    assert (await season.storage.values.for_agency(season.current.id, "CTK"))["grdp_growth"].number == 9.1

    await admin.command("unlock", "SYT", "2026")
    await admin.expect("Đã mở khóa: Sở Y tế")
    await lan.expect("Cơ quan tổng hợp đã mở khóa báo cáo kỳ 2026")
    await season.storage.values.save(season.current, "SYT", "hospital_beds", number=7460, by=301)


async def test_accept_all_without_warnings_leaves_a_jump_for_a_look(season: Season, sandbox: SandboxClient) -> None:
    lan = await join(season, sandbox, 301, "Nguyễn Thị Lan", "SYT")
    await fill(season, "SYT", 301)
    await submit(lan)
    minh = await join(season, sandbox, 302, "Lê Văn Minh", "CTK")
    await fill(season, "CTK", 302)
    await season.storage.values.save(season.current, "CTK", "grdp_growth", number=30, by=302)  # 8,5 → 30
    await submit(minh)
    admin = await sandbox.user(ADMIN, "Trần Văn Tổng Hợp")
    await admin.command("review")
    listing = await admin.expect("Xem xét báo cáo kỳ 2026")
    assert "Cục Thống kê tỉnh: chờ xem xét · ⚠️ 1 cảnh báo" in listing.text
    await admin.press("✅ Chấp nhận tất cả báo cáo không có cảnh báo (1)")
    done = await admin.expect("Đã chấp nhận 1 báo cáo")
    assert "Sở Y tế" in done.text and "Cục Thống kê tỉnh" not in done.text
    states = await season.storage.reviews.for_period(season.current.id)
    assert {code: review.state for code, review in states.items()} == {"SYT": ReviewState.ACCEPTED}
    await admin.command("review")
    await admin.expect("1 chờ xem xét, 0 đã trả lại, 1 đã chấp nhận")
    await admin.press("1")
    card = await admin.expect("Cục Thống kê tỉnh", "chờ xem xét")
    assert "đã được xác nhận dù chênh lệch lớn so với 8,5" in card.text


async def test_a_focal_point_cannot_review(season: Season, sandbox: SandboxClient) -> None:
    lan = await join(season, sandbox, 301, "Nguyễn Thị Lan", "SYT", Role.FOCAL)
    await lan.command("review")
    await lan.expect("không dành cho vai trò")


async def test_an_admin_revoked_while_asked_for_a_reason_cannot_return(season: Season, sandbox: SandboxClient) -> None:
    lan = await join(season, sandbox, 301, "Nguyễn Thị Lan", "SYT")
    await fill(season, "SYT", 301)
    await submit(lan)
    admin = await sandbox.user(ADMIN, "Trần Văn Tổng Hợp")
    await admin.command("review", "2026")
    await admin.expect("Xem xét báo cáo kỳ 2026")
    await admin.press("1")
    await admin.expect("Sở Y tế", "chờ xem xét")
    await admin.press("↩️ Trả lại")
    await admin.expect("Nhập lý do trả lại")

    assert await season.storage.users.revoke(ADMIN)  # plain text passes the gate: the open question must go
    await admin.send("Trả lại sau khi bị thu hồi quyền")
    await admin.expect("Bot này dành cho cán bộ đầu mối")  # the join hint: no role, no open question
    assert await season.storage.values.submission(season.current.id, "SYT") is not None
