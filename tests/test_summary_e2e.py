"""The provincial summary through the real bot over HTTP: message, details, Excel, CSV and chart."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
from matplotlib.image import imread

from bot.domain.models import Role
from bot.sandbox import SandboxClient, SimUser
from tests.e2e import Season, join


async def report_health(season: Season, sandbox: SandboxClient) -> SimUser:
    """Sở Y tế reports through the conversation; Statistics' population comes straight from storage."""
    await season.storage.values.save(season.current, "CTK", "population", number=1_970_000, by=1)
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    await lan.command("report")
    await lan.expect("Mục 1/4")
    for typed, asked in (("7.300", "Mục 2/4"), ("2.100", "Mục 3/4")):
        await lan.send(typed)
        await lan.expect("✓ Đã lưu", asked)  # the next question opens with the acknowledgement
    await lan.press("📝 Thêm ghi chú cho mục vừa lưu")
    await lan.send("Tính cả <b>bác sĩ</b> hợp đồng & thỉnh giảng")
    assert "Mục 3/4" in (await lan.expect("Đã lưu ghi chú")).text  # asked again after the note
    await lan.press("Đang thực hiện")
    await lan.send("40")
    await lan.press("Không có nhận xét")
    await lan.press("Không áp dụng")
    await lan.press("✅ Nộp báo cáo")
    await lan.expect("Đã nộp báo cáo")
    return lan


async def test_admin_gets_the_summary_and_the_files(season: Season, sandbox: SandboxClient) -> None:
    await report_health(season, sandbox)
    admin = await sandbox.user(900, "Quản trị")
    await admin.command("summary", "2026")
    summary = await admin.expect("Tổng hợp kỳ 2026")
    assert "Nộp báo cáo: 1/30 cơ quan đã nộp (1 đúng hạn, 0 quá hạn); 29 chưa nộp." in summary.text
    assert "Số giường bệnh trên 1 vạn dân: 37,06 giường/vạn dân (≥ 40,5)" in summary.text
    assert "<b>Văn hóa - xã hội</b>" in summary.raw_text and "🟢 22. Số giường bệnh" in summary.text

    await admin.press("📥 Excel")
    document = await admin.expect("Tổng hợp kỳ 2026 (HD-NQ30)")
    assert document.document is not None and document.document["file_name"] == "tong_hop_HD-NQ30_2026.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(await sandbox.file(document.document["file_id"])))
    assert workbook.sheetnames == ["Tổng hợp", "Tình hình nộp báo cáo", "Số liệu gốc"]
    sheet = workbook["Tổng hợp"]
    assert sheet["D1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and sheet["A2"].value == "SỞ KẾ HOẠCH VÀ ĐẦU TƯ"
    assert [cell.value for cell in sheet[10]][:4] == ["STT", "Chỉ tiêu", "Đơn vị tính", "Mục tiêu 2030"]
    assert [cell.value for cell in sheet[11]][4:6] == ["Kỳ 2025", "Kỳ 2026"]
    assert sheet.freeze_panes == "A13"
    rows = {row[1]: row for row in sheet.iter_rows(min_row=13, values_only=True) if isinstance(row[0], int)}
    beds = rows["Số giường bệnh trên 1 vạn dân"]
    assert beds[2] == "giường/vạn dân" and beds[3] == "đạt 40,5 giường bệnh/vạn dân"
    assert beds[5] == 37.06 and beds[7] == "đúng lộ trình" and beds[4] is not None  # up from 2025
    doctors = rows["Số bác sĩ trên 1 vạn dân"]
    assert "Tính cả <b>bác sĩ</b> hợp đồng & thỉnh giảng" in doctors[8]
    assert len(rows) == 37  # the 36 targets of sections II.2, III.4, III.5 and the rank of II.1
    completeness = [row for row in workbook["Tình hình nộp báo cáo"].iter_rows(min_row=13, values_only=True)]
    assert sum(isinstance(row[0], int) for row in completeness) == 30
    assert any(row[1] == "Sở Y tế" and row[5] == "có" for row in completeness)
    raw = list(workbook["Số liệu gốc"].iter_rows(min_row=2, values_only=True))
    assert ("Sở Y tế", "Số giường bệnh", "giường", "có số liệu", 7300) in [row[:5] for row in raw]

    await admin.press("📝 Dự thảo báo cáo (Word)")
    report = await admin.expect("Tổng hợp kỳ 2026 (HD-NQ30)")
    assert report.document is not None and report.document["file_name"] == "tong_hop_HD-NQ30_2026.docx"

    await admin.press("📊 Biểu đồ")
    chart = await admin.expect("Tiến độ thực hiện các mục tiêu")
    assert chart.photo is not None
    pixels = imread(io.BytesIO(await sandbox.file(chart.photo[0]["file_id"])), format="png")
    assert pixels.shape[0] > pixels.shape[1] > 500  # tall and readable on a phone

    await admin.press("📄 CSV")
    csv_message = await admin.expect("Tổng hợp kỳ 2026")
    content = await sandbox.file(csv_message.document["file_id"])  # type: ignore[index]
    assert content.startswith(b"\xef\xbb\xbf") and "Số giường bệnh trên 1 vạn dân" in content.decode("utf-8-sig")
    await admin.press("📄 CSV (Excel tiếng Việt)")
    excel = await admin.expect("Tổng hợp kỳ 2026")
    assert excel.document is not None and excel.document["file_name"] == "tong_hop_HD-NQ30_2026_excel_vi.csv"
    assert ";37,06;" in (await sandbox.file(excel.document["file_id"])).decode("utf-8-sig")


async def test_details_and_the_status_board(season: Season, sandbox: SandboxClient) -> None:
    await report_health(season, sandbox)
    admin = await sandbox.user(900, "Quản trị")
    await admin.command("summary")
    await admin.expect("Tổng hợp kỳ 2026")
    await admin.press("🔎 Chi tiết")
    await admin.expect("Chỉ tiêu nào?")
    await admin.press("23")  # doctors per 10,000 people: the 23rd in area order
    detail = await admin.expect("Số bác sĩ trên 1 vạn dân")
    # A figure reported before its annual period ends is an estimate (bot.domain.figure_status).
    status = "ước tính" if date.today() <= season.current.ends_on else "sơ bộ"
    assert f"Giá trị: 10,66 bác sĩ/vạn dân (đúng lộ trình; {status})" in detail.text
    assert "📝 Sở Y tế: Tính cả <b>bác sĩ</b> hợp đồng & thỉnh giảng" in detail.text
    await admin.command("status", "2026")
    board = await admin.expect("Tình hình nộp báo cáo kỳ 2026")
    assert "✅ Sở Y tế: đã nộp lúc" in board.text
    assert "❌ UBND huyện Tứ Kỳ: chưa nộp; thiếu 16/16 mục" in board.text


async def test_viewers_read_and_focal_points_are_refused(season: Season, sandbox: SandboxClient) -> None:
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    await lan.command("summary")
    assert "không dành cho vai trò" in (await lan.expect("không dành cho vai trò")).text
    await lan.command("status")
    await lan.expect("không dành cho vai trò")
    viewer = await join(season, sandbox, 301, "Hùng", None, Role.VIEWER)
    await viewer.command("summary", "2026")
    await viewer.expect("Tổng hợp kỳ 2026")
    stranger = await sandbox.user(5, "Khách")
    await stranger.command("summary")
    await stranger.expect("đường link mời")
    await viewer.command("summary", "2099")
    assert "Không có kỳ 2099" in (await viewer.expect("Không có kỳ")).text


async def test_a_page_button_redraws_in_place_and_stale_buttons_do_no_harm(
    season: Season, sandbox: SandboxClient
) -> None:
    admin = await sandbox.user(900, "Quản trị")
    await admin.command("summary", "2026")
    first = await admin.expect("Tổng hợp kỳ 2026")
    await season.storage.values.save(season.current, "CTK", "population", number=1_970_000, by=1)
    await season.storage.values.save(season.current, "SYT", "hospital_beds", number=7300, by=1)
    await admin.press_data(first.message_id, f"s:page:{season.current.id}:0")
    redrawn = await admin.next()
    assert redrawn.kind == "edit" and redrawn.message_id == first.message_id
    beds = "22. Số giường bệnh trên 1 vạn dân:"
    assert f"{beds} – (≥ 40,5)" in first.text and f"{beds} 37,06 giường/vạn dân" in redrawn.text
    assert redrawn.buttons == first.buttons
    # A button of a period that is gone says so; an indicator number past the end sends nothing.
    gone = await admin.press_data(first.message_id, "s:show:99999")
    assert gone is not None and gone["text"] == "Kỳ báo cáo này không còn tồn tại." and gone["show_alert"]
    await admin.press_data(first.message_id, f"s:ind:{season.current.id}:999")
    # The page already shown, pressed again: Telegram refuses an edit that changes nothing; no apology follows.
    await admin.press_data(first.message_id, f"s:page:{season.current.id}:0")
    await admin.command("status", "2026")
    assert (await admin.next()).text.startswith("Tình hình nộp báo cáo kỳ 2026")
