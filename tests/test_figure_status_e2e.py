"""How final figures are, through the real bot and the local Bot API server: a focal point sets statuses
(one item, or the whole report) from the /report review; an admin opens an official-figures round for a
past period, and each agency is asked only for its items not yet official, confirming one in a tap or
typing the official figure (checked as in /report)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.app import run_reminders
from bot.context import BotApplication
from bot.domain.models import PeriodState, ValueStatus
from bot.sandbox import SandboxClient
from tests.e2e import Season, join
from tests.test_report_e2e import sent
from tests.test_review_e2e import ADMIN, fill


async def test_statuses_one_item_or_the_whole_report(season: Season, sandbox: SandboxClient) -> None:
    lan = await join(season, sandbox, 301, "Nguyễn Thị Lan", "SYT")
    await fill(season, "SYT", 301)  # stored as preliminary
    await lan.command("report")
    await sent(lan, "Rà soát: kỳ 2026")
    await lan.press("📊 Ước tính / sơ bộ / chính thức")
    screen = await lan.expect("Trạng thái số liệu: Sở Y tế, kỳ 2026")
    assert "1. Số giường bệnh: 7.100 giường — sơ bộ" in screen.text
    await lan.press("1")
    edited = await lan.edit_of(screen.message_id)
    assert (
        "1. Số giường bệnh: 7.100 giường — chính thức" in edited.text
        and "2. Số bác sĩ: 1.950 bác sĩ — sơ bộ" in edited.text
    )
    stored = await season.storage.values.for_agency(season.current.id, "SYT")
    assert (
        stored["hospital_beds"].status is ValueStatus.OFFICIAL and stored["doctors"].status is ValueStatus.PRELIMINARY
    )
    await lan.press("Tất cả: ước tính")
    await lan.expect("2. Số bác sĩ: 1.950 bác sĩ — ước tính")
    stored = await season.storage.values.for_agency(season.current.id, "SYT")
    assert {stored[c].status for c in ("hospital_beds", "doctors")} == {ValueStatus.ESTIMATE}
    history = await season.storage.values.history(period_id=season.current.id, element_code="hospital_beds")
    assert [change.status for change in history] == [
        ValueStatus.PRELIMINARY,
        ValueStatus.OFFICIAL,
        ValueStatus.ESTIMATE,
    ]

    admin = await sandbox.user(ADMIN, "Trần Văn Tổng Hợp")
    await admin.command("summary", "2026")
    await admin.expect("Còn 2 số liệu ước tính.")


async def test_an_official_round_asks_only_for_figures_not_yet_official(season: Season, sandbox: SandboxClient) -> None:
    storage, past = season.storage, season.previous
    lan = await join(season, sandbox, 301, "Nguyễn Thị Lan", "SYT")
    minh = await join(season, sandbox, 302, "Lê Văn Minh", "CTK")
    admin = await sandbox.user(ADMIN, "Trần Văn Tổng Hợp")
    await admin.command("official", "2025", "31/03/2027")
    await admin.expect("Kỳ 2025 đã khóa")
    past = await storage.periods.set_state(past, PeriodState.CLOSED)
    await storage.values.save(past, "SYT", "hospital_beds", number=6950, status=ValueStatus.OFFICIAL, by=1)

    await admin.command("official", "2025", "31/03/2027")
    opened = await admin.expect("Đã mở đợt thu thập số liệu chính thức kỳ 2025")
    assert "đề nghị 3 cơ quan, 5 số liệu" in opened.text  # SYT 1, CTK 2, H-TUKY 2: not hospital_beds
    asked = await lan.expect("cung cấp số liệu chính thức kỳ 2025 chậm nhất ngày 31/03/2027")
    assert "còn 1 mục chưa có số liệu chính thức" in asked.text
    await lan.press("📝 Cung cấp số liệu chính thức")
    question = await lan.expect("Số liệu chính thức kỳ 2025")
    assert "Số bác sĩ: 1.900 bác sĩ (sơ bộ)" in question.text and "giường" not in question.text
    await lan.press("✅ 1.900 bác sĩ là số chính thức")
    await lan.expect("đã cập nhật 1 số liệu chính thức")
    assert (await storage.values.for_agency(past.id, "SYT"))["doctors"].status is ValueStatus.OFFICIAL

    await minh.expect("còn 2 mục chưa có số liệu chính thức")
    await minh.press("📝 Cung cấp số liệu chính thức")
    await minh.expect("Tốc độ tăng trưởng")
    await minh.send("105")  # refused as in /report: a share above its range
    await minh.expect("không được lớn hơn")
    await minh.send("8,7")
    following = await minh.expect("Dân số")
    assert following.text.startswith("✓")
    await minh.press("✅ 1.960.000 người là số chính thức")
    await minh.expect("đã cập nhật 2 số liệu chính thức")
    stored = await storage.values.for_agency(past.id, "CTK")
    assert (stored["grdp_growth"].number, stored["grdp_growth"].status) == (8.7, ValueStatus.OFFICIAL)
    assert stored["population"].status is ValueStatus.OFFICIAL
    assert (await storage.figures.official_round(past.id)).deadline == date(2027, 3, 31)  # type: ignore[union-attr]


async def test_the_round_reminds_by_its_own_deadline_only_those_not_yet_official(
    bot: BotApplication, season: Season, sandbox: SandboxClient
) -> None:
    storage = season.storage
    past = await storage.periods.set_state(season.previous, PeriodState.CLOSED)
    await storage.values.save(past, "SYT", "doctors", number=1900, status=ValueStatus.OFFICIAL, by=1)
    await storage.values.save(past, "SYT", "hospital_beds", number=6950, status=ValueStatus.OFFICIAL, by=1)
    lan = await join(season, sandbox, 301, "Nguyễn Thị Lan", "SYT")
    minh = await join(season, sandbox, 302, "Lê Văn Minh", "CTK")
    admin = await sandbox.user(ADMIN, "Trần Văn Tổng Hợp")
    await admin.command("official", "2025", "31/03/2027")
    await admin.expect("đề nghị 2 cơ quan")  # CTK and H-TUKY: Health's figures are all official
    await minh.expect("còn 2 mục chưa có số liệu chính thức")

    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    await run_reminders(bot, datetime(2027, 3, 31, 9, 0, tzinfo=zone))  # the round's last day
    reminder = await minh.expect("Hôm nay là ngày cuối để nộp đúng hạn báo cáo kỳ 2025")
    # The round's last day is 31/03; reminders word it by the document's rule, as the period's own do.
    assert "hạn nộp trước ngày 01/04/2027" in reminder.text
    assert "Tốc độ tăng trưởng" in reminder.text and "Dân số" in reminder.text
    await run_reminders(bot, datetime(2027, 3, 31, 10, 0, tzinfo=zone))  # once per slot
    logged = {slot for _, slot in await storage.reminders.logged(past.id)}
    assert logged == {"official-due"}
    await sandbox.wait_idle()
    assert not [seen for seen in await lan.inbox() if "ngày cuối để nộp đúng hạn báo cáo kỳ 2025" in seen.text]
    await minh.press("📝 Báo cáo ngay", reminder)  # the reminder, and /report, lead into the round
    question = await minh.expect("Số liệu chính thức kỳ 2025")
    assert "(còn 2 mục)" in question.text


async def test_an_official_round_with_a_past_deadline_is_refused(season: Season, sandbox: SandboxClient) -> None:
    """A slip like 1/1/1 (year 1) would sit as the round's deadline and break its reminders' date arithmetic."""
    await season.storage.periods.set_state(season.previous, PeriodState.CLOSED)
    admin = await sandbox.user(ADMIN, "Trần Văn Tổng Hợp")
    await admin.command("official", "2025", "1/1/1")
    refused = await admin.expect("đã qua")
    assert "/official 2025" in refused.text
    assert await season.storage.figures.official_round(season.previous.id) is None
