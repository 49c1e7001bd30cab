"""Admin commands in Telegram, and that nobody else can use them."""

from __future__ import annotations

from bot.domain.catalogue import AgencySpec
from bot.domain.models import AgencyKind, PeriodState, Role
from bot.sandbox import SandboxClient
from handlers.common import ADMIN_COMMANDS
from tests.e2e import Season, join

ARGUMENTS = {
    "invite": "SYT",
    "handover": "SYT",
    "revoke": "101",
    "open_period": "2027",
    "close_period": "2026",
    "lock_period": "2026",
    "unlock_period": "2025",
    "broadcast": "xin chào",
    "audit": "SYT",
    "ask": "SYT HOSPITAL_BEDS Vì sao?",
}


async def snapshot(season: Season) -> tuple[object, ...]:
    rows = []
    for query in (
        "SELECT id, state FROM periods ORDER BY id",
        "SELECT token, used_by FROM invites ORDER BY token",
        "SELECT telegram_id, role FROM users ORDER BY telegram_id",
        "SELECT * FROM memberships ORDER BY user_id",
    ):
        rows.append([tuple(row) for row in await season.storage.db.fetch_all(query)])
    return tuple(rows)


async def test_admin_commands_are_refused_to_everyone_else(season: Season, sandbox: SandboxClient) -> None:
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    viewer = await join(season, sandbox, 301, "Hùng", None, Role.VIEWER)
    stranger = await sandbox.user(5, "Khách")
    before = await snapshot(season)
    for user, refusal in (
        (lan, "không dành cho vai trò"),
        (viewer, "không dành cho vai trò"),
        (stranger, "đường link mời"),
    ):
        for command in ADMIN_COMMANDS:
            await user.command(command, *ARGUMENTS.get(command, "").split())
            await user.expect(refusal)
    # Crafted admin buttons are refused too.
    screen = (await lan.inbox())[-1]
    answer = await lan.press_data(screen.message_id, f"a:state:{season.current.id}:locked")
    assert answer is not None and "không dành cho vai trò" in (answer["text"] or "")
    await lan.press_data(screen.message_id, "a:revoke:101")
    assert await snapshot(season) == before
    assert (await season.storage.periods.by_id(season.current.id)).state is PeriodState.OPEN  # type: ignore[union-attr]


async def test_handover_moves_access(season: Season, sandbox: SandboxClient) -> None:
    admin = await sandbox.user(900, "Quản trị")
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    await admin.command("handover", "SYT")
    link = (await admin.expect("https://t.me/")).text.split()[-1]
    token = link.split("start=")[1]
    minh = await sandbox.user(102, "Minh")
    await minh.command("start", token)
    assert "đầu mối của Sở Y tế" in (await minh.expect("Chào mừng")).text
    assert await season.storage.users.memberships(101) == []
    await lan.command("report")
    await lan.expect("đường link mời")
    await minh.command("report")
    await minh.expect("Mục 1/4")


async def test_periods_are_locked_and_unlocked_after_confirmation(season: Season, sandbox: SandboxClient) -> None:
    admin = await sandbox.user(900, "Quản trị")
    await admin.command("lock_period", "2026")
    await admin.expect("Khóa kỳ 2026")
    assert (await season.storage.periods.by_id(season.current.id)).state is PeriodState.OPEN  # type: ignore[union-attr]
    await admin.press("Xác nhận")
    await admin.expect("2026: đã khóa")
    await admin.command("unlock_period", "2026")
    await admin.press("Xác nhận")
    await admin.expect("2026: đã đóng")
    events = await season.storage.db.fetch_all(
        "SELECT old_state, new_state, changed_by FROM period_events WHERE period_id = ? ORDER BY id",
        (season.current.id,),
    )
    assert [tuple(e) for e in events][-2:] == [("open", "locked", 900), ("locked", "closed", 900)]
    await admin.command("periods")
    assert "2026 · HD-NQ30: đã đóng" in (await admin.expect("Các kỳ báo cáo")).text
    await admin.command("open_period", "2027", "15/12/2027")
    assert "15/12/2027" in (await admin.expect("Đã mở kỳ 2027")).text
    await admin.command("open_period", "2025")  # locked in the season fixture
    await admin.expect("Kỳ 2025 đang khóa")
    await admin.command("open_period", "2027", "HD-DH17")  # its resolution states no deadline
    refused = await admin.expect("không quy định hạn nộp")
    assert "/open_period 2027 DD/MM/YYYY HD-DH17" in refused.text
    await admin.command("open_period", "2027", "20/12/2027", "HD-DH17")
    opened = await admin.expect("Đã mở kỳ 2027")
    assert "HD-DH17" in opened.text and "20/12/2027" in opened.text


async def test_hostile_names_and_notes_are_escaped_everywhere(season: Season, sandbox: SandboxClient) -> None:
    hostile = "<b>Sở</b> <script>alert(1)</script> & Co"
    await season.storage.agencies.load(
        (AgencySpec(code="HOSTILE", name_vi=hostile, name_en=hostile, kind=AgencyKind.DEPARTMENT, parent="UBND-HD"),)
    )
    admin = await sandbox.user(900, "Quản trị")
    user = await join(season, sandbox, 120, "<i>Tên</i> & họ", "HOSTILE")
    assert hostile in user.seen[-1].text and "<i>Tên</i> & họ" in user.seen[-1].text
    await admin.command("agencies")
    assert f"{hostile} (HOSTILE): <i>Tên</i> & họ ✅" in (await admin.expect("HOSTILE")).text
    await admin.command("pending")
    await admin.expect("Không có ai")
    await admin.command("audit", "HOSTILE")
    await admin.expect("Chưa có thay đổi")


async def test_audit_pending_and_broadcast(season: Season, sandbox: SandboxClient) -> None:
    admin = await sandbox.user(900, "Quản trị")
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    await season.storage.values.save(season.current, "SYT", "hospital_beds", number=7000, by=101)
    await season.storage.values.save(season.current, "SYT", "hospital_beds", number=7100, by=101)
    await admin.command("audit", "HOSPITAL_BEDS", "2026")
    audit = await admin.expect("Thay đổi: HOSPITAL_BEDS")
    assert "SYT · hospital_beds: – → 7.000 · Lan" in audit.text and "7.000 → 7.100 · Lan" in audit.text
    await admin.command("invite", "CTK")
    await admin.expect("https://t.me/")
    await admin.command("pending")
    assert "cán bộ đầu mối của CTK" in (await admin.expect("Link mời chưa dùng")).text
    await admin.command("broadcast", "Họp giao ban <thứ Hai> & nộp số liệu")
    await admin.expect("Gửi tin này tới 1 đầu mối?")
    await admin.press("Gửi")
    await admin.expect("Đã gửi: 1; không liên lạc được: 0")
    assert "Họp giao ban <thứ Hai> & nộp số liệu" in (await lan.expect("📢")).text


async def test_an_explanation_request_round_trip(season: Season, sandbox: SandboxClient) -> None:
    import io

    import openpyxl

    admin = await sandbox.user(900, "Quản trị")
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    other = await join(season, sandbox, 102, "An", "CTK")
    await admin.command("ask", "SYT", "HOSPITAL_BEDS", "Vì sao số giường <giảm> so với 2025?")
    await admin.expect("Đã gửi câu hỏi tới 1 đầu mối")
    question = await lan.expect("đề nghị Sở Y tế giải trình")
    assert "Vì sao số giường <giảm> so với 2025?" in question.text
    own_screen = (await other.inbox())[-1]  # CTK replays the button's data on a message of its own chat
    crafted = await other.press_data(own_screen.message_id, question.buttons[0][1])
    assert crafted is not None and "không dành cho cơ quan" in (crafted["text"] or "")
    await lan.press("✍️ Trả lời")
    await lan.expect("Hãy gõ nội dung giải trình")
    await lan.send("Bệnh viện huyện <cũ> đóng cửa & chuyển sang cơ sở mới")
    await lan.expect("Cảm ơn")
    assert "Bệnh viện huyện <cũ> đóng cửa" in (await admin.expect("💬 Sở Y tế giải trình")).text
    await admin.command("summary", "2026")
    await admin.press("🔎 Chi tiết")
    await admin.press("22")  # hospital beds, the 22nd in area order (after the II.1 rank)
    detail = await admin.expect("Số giường bệnh trên 1 vạn dân", "Theo cơ quan")
    assert "💬 Bệnh viện huyện <cũ> đóng cửa & chuyển sang cơ sở mới" in detail.text
    await admin.press("📥 Excel")
    document = await admin.expect("Tổng hợp kỳ 2026 (HD-NQ30)")
    sheet = openpyxl.load_workbook(io.BytesIO(await sandbox.file(document.document["file_id"])))["Tổng hợp"]  # type: ignore[index]
    notes = [
        row[8] for row in sheet.iter_rows(min_row=6, values_only=True) if row[1] == "Số giường bệnh trên 1 vạn dân"
    ]
    assert "Giải trình của Sở Y tế: Bệnh viện huyện <cũ> đóng cửa & chuyển sang cơ sở mới" in notes[0]


async def test_catalogue_upload_shows_its_diff_and_applies_it(season: Season, sandbox: SandboxClient) -> None:
    from bot import services
    from bot.files.catalogue_xlsx import catalogue_to_xlsx

    admin = await sandbox.user(900, "Quản trị")
    text = (services.shipped_catalogue_dir() / "hai_duong_nq30.yaml").read_text(encoding="utf-8")
    await admin.command("catalog")
    await admin.expect("Gửi danh mục")
    await admin.send_document(
        "danh_muc.yaml", text.replace("value: 40.5, year: 2030", "value: 42, year: 2030").encode(), "application/x-yaml"
    )
    diff = await admin.expect("HD-NQ30: thêm 0, sửa 1, loại bỏ 0")
    assert "~ indicator:HOSPITAL_BEDS" in diff.text
    beds = lambda: season.storage.db.fetch_one("SELECT target_value FROM indicators WHERE code = 'HOSPITAL_BEDS'")  # noqa: E731
    assert (await beds())[0] == 40.5  # type: ignore[index]
    await admin.press("✅ Áp dụng")
    await admin.expect("Đã áp dụng")
    assert (await beds())[0] == 42  # type: ignore[index]

    before = await snapshot(season)
    await admin.command("catalog")
    await admin.send_document(
        "hong.yaml",
        text.replace('comparator: ">=", value: 42', 'comparator: "=>"')
        .replace("value: 40.5", "value: 40.5")
        .replace("reporters: [SYT]", "reporters: [SYTX]")
        .encode(),
        "application/x-yaml",
    )
    refusal = await admin.expect("Tệp chưa được nạp; không có gì thay đổi")
    assert "hong.yaml:" in refusal.text and "không có cơ quan mã 'SYTX'" in refusal.text
    await admin.send_document("anh.png", b"\x89PNG", "image/png")
    await admin.expect("Anh/chị hãy gửi tệp .yaml, .yml hoặc .xlsx")
    assert await snapshot(season) == before

    spec = await season.storage.catalogue.spec("HD-NQ30")
    workbook = catalogue_to_xlsx(spec.model_copy(update={"indicators": spec.indicators[:-1]}))  # type: ignore[union-attr]
    await admin.send_document("danh_muc.xlsx", workbook)
    assert "− indicator:SAFE_COMMUNES" in (await admin.expect("HD-NQ30: thêm 0, sửa 0, loại bỏ 1")).text
    await admin.press("Hủy")
    await admin.expect("Đã hủy")
    still = await season.storage.db.fetch_one("SELECT active FROM indicators WHERE code = 'SAFE_COMMUNES'")
    assert still is not None and still[0] == 1
    assert await season.storage.conversations.get(900) is None


async def test_a_focal_point_handed_over_mid_report_cannot_answer_on(season: Season, sandbox: SandboxClient) -> None:
    admin = await sandbox.user(900, "Quản trị")
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    await lan.command("report")
    await lan.expect("Mục 1/4")  # Lan's question is open when the agency is handed over
    await admin.command("handover", "SYT")
    token = (await admin.expect("https://t.me/")).text.split()[-1].split("start=")[1]
    minh = await sandbox.user(102, "Minh")
    await minh.command("start", token)
    await minh.expect("Chào mừng")
    await lan.send("7100")
    await lan.expect("đường link mời")
    assert await season.storage.values.for_agency(season.current.id, "SYT") == {}
