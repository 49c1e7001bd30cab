"""Figures from a spreadsheet through the real bot and the local Bot API server: the 📥 button of /report
gives the agency's sheet; a filled one comes back as a review and is saved on confirmation, with a jump
left out unless confirmed; a bad one is refused with its rows and changes nothing."""

from __future__ import annotations

from bot.sandbox import SandboxClient
from tests.e2e import Season, join
from tests.test_report_e2e import sent
from tests.test_review_e2e import fill
from tests.test_values_sheet import filled

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_a_filled_sheet_is_reviewed_and_saved(season: Season, sandbox: SandboxClient) -> None:
    lan = await join(season, sandbox, 301, "Nguyễn Thị Lan", "SYT")
    await fill(season, "SYT", 301)
    await lan.command("report")
    await sent(lan, "Rà soát: kỳ 2026")
    await lan.press("📥 Nhập bằng tệp Excel")
    document = await lan.expect("Điền số liệu vào cột màu vàng")
    assert document.document is not None and document.document["file_name"] == "so_lieu_SYT_2026.xlsx"
    blank = await sandbox.file(document.document["file_id"])

    content = filled(blank, {"hospital_beds": "7.250", "doctors": 4100}, {"hospital_beds": "Gồm cả tư nhân"})
    await lan.send_document("so_lieu_SYT_2026.xlsx", content, XLSX)
    review = await lan.expect("Số liệu từ tệp Excel: Sở Y tế, kỳ 2026")
    assert "Dòng 7 · Số giường bệnh: 7.100 giường → 7.250 giường — 📝 Gồm cả tư nhân" in review.text
    assert "Dòng 8 · Số bác sĩ: 1.950 bác sĩ → 4.100 bác sĩ" in review.text
    assert "chênh lệch lớn so với 1.900 của kỳ trước" in review.text
    assert (await season.storage.values.for_agency(season.current.id, "SYT"))["hospital_beds"].number == 7100
    await lan.press("💾 Lưu, bỏ các số liệu chênh lệch lớn (1)")
    done = await lan.expect("Đã lưu 1 số liệu từ tệp Excel")
    assert "Chưa lưu (chênh lệch lớn, chưa được xác nhận): Số bác sĩ" in done.text
    stored = await season.storage.values.for_agency(season.current.id, "SYT")
    assert stored["hospital_beds"].number == 7250 and stored["hospital_beds"].note == "Gồm cả tư nhân"
    assert stored["doctors"].number == 1950

    await lan.send_document("so_lieu_SYT_2026.xlsx", content, XLSX)  # again, confirming the jump this time
    await lan.expect("Dòng 8 · Số bác sĩ")
    await lan.press("✅ Lưu 1 số liệu")
    await lan.expect("Đã lưu 1 số liệu từ tệp Excel")
    assert (await season.storage.values.for_agency(season.current.id, "SYT"))["doctors"].number == 4100


async def test_a_bad_sheet_is_refused_with_its_rows(season: Season, sandbox: SandboxClient) -> None:
    lan = await join(season, sandbox, 301, "Nguyễn Thị Lan", "SYT")
    await fill(season, "SYT", 301)
    await lan.command("report")
    await sent(lan, "Rà soát: kỳ 2026")
    await lan.press("📥 Nhập bằng tệp Excel")
    document = await lan.expect("Điền số liệu vào cột màu vàng")
    assert document.document is not None
    blank = await sandbox.file(document.document["file_id"])
    before = await season.storage.values.for_agency(season.current.id, "SYT")

    bad = filled(blank, {"hospital_beds": "7.250,5", "doctors": "-3"})
    await lan.send_document("so_lieu.xlsx", bad, XLSX)
    refused = await lan.expect("Tệp chưa được lưu; không có gì thay đổi")
    assert "Dòng 7 (hospital_beds): Mục này là số đếm" in refused.text
    assert "Dòng 8 (doctors):" in refused.text and "Đề nghị sửa các dòng trên" in refused.text
    assert await season.storage.values.for_agency(season.current.id, "SYT") == before

    minh = await join(season, sandbox, 302, "Lê Văn Minh", "CTK")  # another agency's sheet is not Minh's
    await minh.send_document("so_lieu.xlsx", filled(blank, {"hospital_beds": "7.300"}), XLSX)
    other = await minh.expect("Tệp chưa được lưu")
    assert "đây là tệp của SYT, không phải cơ quan của anh/chị" in other.text
    assert await season.storage.values.for_agency(season.current.id, "SYT") == before


def _inflated(blank: bytes, megabytes: int) -> bytes:
    """The bot's own sheet whose shared strings inflate to `megabytes` MB: small on the wire, huge in memory."""
    import io
    import zipfile

    source, out = zipfile.ZipFile(io.BytesIO(blank)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/sharedStrings.xml":
                target.writestr(info, source.read(info.filename))
        with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            member.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>')
            chunk = b"a" * (1024 * 1024)
            for _ in range(megabytes):
                member.write(chunk)
            member.write(b"</t></si></sst>")
    return out.getvalue()


async def test_a_sheet_that_inflates_far_beyond_a_figures_sheet_is_refused(
    season: Season, sandbox: SandboxClient
) -> None:
    lan = await join(season, sandbox, 301, "Nguyễn Thị Lan", "SYT")
    await fill(season, "SYT", 301)
    await lan.command("report")
    await sent(lan, "Rà soát: kỳ 2026")
    await lan.press("📥 Nhập bằng tệp Excel")
    document = await lan.expect("Điền số liệu vào cột màu vàng")
    assert document.document is not None
    bomb = _inflated(await sandbox.file(document.document["file_id"]), 64)
    assert len(bomb) < 1024 * 1024  # under the upload limit: only its inflated size gives it away
    await lan.send_document("so_lieu.xlsx", bomb, XLSX)
    refused = await lan.expect("Tệp chưa được lưu; không có gì thay đổi")
    assert "Traceback" not in refused.text


async def test_a_file_that_is_not_a_workbook_gets_one_line_in_the_user_language(
    season: Season, sandbox: SandboxClient
) -> None:
    lan = await join(season, sandbox, 301, "Nguyễn Thị Lan", "SYT")
    await lan.send_document("so_lieu.xlsx", b"this is not a spreadsheet", XLSX)
    refused = await lan.expect("Tệp chưa được lưu; không có gì thay đổi")
    assert "BadZipFile" not in refused.text and "not an Excel workbook" not in refused.text
    assert "không phải tệp số liệu" in refused.text
