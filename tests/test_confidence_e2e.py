"""A lead agency's confidence, through the real bot and the local Bot API server: after submitting, Health
is asked about each indicator it leads, answers with a tap and a sentence, and the summary shows its view
next to the computed status, flagged where the two disagree."""

from __future__ import annotations

from bot.domain.progress import Status
from bot.sandbox import SandboxClient
from tests.e2e import Season, join
from tests.test_review_e2e import ADMIN, fill, submit


async def test_the_lead_agency_confidence_is_in_the_summary(season: Season, sandbox: SandboxClient) -> None:
    await fill(season, "CTK", 302)  # the population the ratios divide by
    lan = await join(season, sandbox, 301, "Nguyễn Thị Lan", "SYT")
    await fill(season, "SYT", 301)
    await submit(lan)
    first = await lan.expect("Cơ quan của anh/chị chủ trì chỉ tiêu “Số giường bệnh trên 1 vạn dân”")
    assert [label for label, _ in first.buttons][:3] == ["🟢 đúng lộ trình", "🟡 có nguy cơ", "🔴 chậm so với lộ trình"]
    await lan.press("🔴 chậm so với lộ trình")
    await lan.expect("Nêu ngắn gọn trong một câu")
    await lan.send("Bệnh viện tỉnh mới chậm bàn giao <giai đoạn 2>")
    second = await lan.expect("chủ trì chỉ tiêu “Số bác sĩ trên 1 vạn dân”")
    assert second.text.startswith("✓")
    await lan.press("🟢 đúng lộ trình")
    asked = await lan.expect("Nêu ngắn gọn")
    await lan.press("Không có nhận xét", asked)
    while True:  # any further indicator Health leads: skipped
        seen = await lan.expect("")
        if "Cảm ơn anh/chị: cơ quan tổng hợp sẽ thấy" in seen.text:
            break
        if "chủ trì chỉ tiêu" in seen.text and seen.buttons:
            await lan.press("Bỏ qua")

    given = await season.storage.figures.confidences(season.current.id)
    assert given["HOSPITAL_BEDS"].level is Status.OFF_TRACK and given["DOCTORS"].reason is None
    admin = await sandbox.user(ADMIN, "Trần Văn Tổng Hợp")
    await admin.command("summary", "2026")
    summary = await admin.expect("Tổng hợp kỳ 2026")
    beds = next(line for line in summary.text.splitlines() if "Số giường bệnh trên 1 vạn dân" in line)
    assert "🎯 cơ quan chủ trì: chậm so với lộ trình ⚠️ khác đánh giá tính toán" in beds
    doctors = next(line for line in summary.text.splitlines() if "Số bác sĩ trên 1 vạn dân" in line)
    assert "🎯 cơ quan chủ trì: đúng lộ trình" in doctors
    await admin.press("🔎 Chi tiết")
    await admin.expect("Chỉ tiêu nào?")
    number = beds.split(".")[0].split()[-1]
    await admin.press(number)
    detail = await admin.expect("Số giường bệnh trên 1 vạn dân")
    view = "🎯 Sở Y tế (cơ quan chủ trì): chậm so với lộ trình — Bệnh viện tỉnh mới chậm bàn giao <giai đoạn 2>"
    assert view in detail.text
    assert "⚠️ Đánh giá của cơ quan chủ trì khác với kết quả tính toán" in detail.text
