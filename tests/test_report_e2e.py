"""The /report conversation, driven by simulated focal points through the real bot over HTTP.
Each test asserts on what the user sees and on the rows in the database."""

from __future__ import annotations

from bot.app import build_app
from bot.config import Settings
from bot.domain.models import Answer, Role
from bot.sandbox import SandboxClient, SimUser
from bot.sandbox.client import Seen
from tests.e2e import Season, join, lock, polling

DISTRICT_ANSWERS = [
    "26",
    "12",
    "3",
    "29",
    "27",
    "30",
    "25",
    "28",
    "27",
    "26",
    "20",
    "52.340",
    "52.000",
    "45,5",
    "44,8",
]
DEPARTMENT_ANSWERS = ["9,2", "145.000", "1.970.000", "860.000", "7,5", "55,2", "30,1", "7,2", "8,1", "45", "12"]


async def sent(user: SimUser, *fragments: str) -> Seen:
    """The next message the bot sent with every fragment; an older message's edit (its buttons taken off,
    beside the reply and so in no fixed order with it) is skipped."""
    while True:
        seen = await user.expect(*fragments)
        if seen.kind == "send":
            return seen


async def type_values(user: SimUser, answers: list[str]) -> Seen:
    """Type each figure; each is acknowledged on the first line of the message that asks the next item,
    which is returned for the last."""
    for answer in answers:
        await user.send(answer)
        seen = await sent(user, "✓ Đã lưu")
        assert seen.text.startswith("✓ Đã lưu: ")
    return seen


async def values(season: Season, agency: str) -> dict[str, tuple[str, float | None, str | None, str | None]]:
    stored = await season.storage.values.for_agency(season.current.id, agency)
    return {code: (v.answer.value, v.number, v.text, v.note) for code, v in stored.items()}


async def test_a_district_reports_its_counts(season: Season, sandbox: SandboxClient) -> None:
    tuky = await join(season, sandbox, 401, "Phạm Văn Tú", "H-TUKY")
    await tuky.command("report")
    first = await tuky.expect("Mục 1/16")
    assert "Tổng số xã" in first.text and "Kỳ trước (2025): 26 xã" in first.text
    assert "Thuộc chỉ tiêu: Tỷ lệ xã đạt chuẩn nông thôn mới nâng cao — mục tiêu 2030: 100% số xã" in first.text
    assert [label for label, _ in first.buttons] == ["Bỏ qua", "Không áp dụng", "◀ Quay lại"]
    task = await type_values(tuky, DISTRICT_ANSWERS)
    assert "Mục 16/16" in task.text and "Nhiệm vụ đang ở trạng thái nào" in task.text
    await tuky.press("Đang thực hiện")
    await tuky.expect("bao nhiêu phần trăm")
    await tuky.send("60")
    await tuky.expect("Tình hình thực hiện")
    await tuky.send("Đã ban hành kế hoạch của huyện")
    review = await tuky.expect("Rà soát: kỳ 2026")
    assert review.text.startswith("✓ Đã lưu: ") and "= đang thực hiện, 60 % — Đã ban hành" in review.text
    assert "2. Số xã đạt chuẩn nông thôn mới nâng cao: 12 xã" in review.text
    assert "đang thực hiện, 60 %" in review.text
    await tuky.press("✅ Nộp báo cáo")
    done = await tuky.expect("Đã nộp báo cáo kỳ 2026")
    assert "UBND huyện Tứ Kỳ" in done.text and "đúng hạn" in done.text
    stored = await values(season, "H-TUKY")
    assert len(stored) == 16
    assert stored["communes_ntm_advanced"] == ("value", 12.0, None, None)
    assert stored["households_total"][1] == 52340 and stored["urban_solid_waste_treated"][1] == 44.8
    assert stored["agency_detailed_plans"] == ("value", 60.0, "in_progress", "Đã ban hành kế hoạch của huyện")
    submission = await season.storage.values.submission(season.current.id, "H-TUKY")
    assert submission is not None and submission.on_time and submission.submitted_by == 401
    assert await season.storage.conversations.get(401) is None


async def test_a_department_reports_rates(season: Season, sandbox: SandboxClient) -> None:
    ctk = await join(season, sandbox, 402, "Lê Thu", "CTK")
    await ctk.command("report")
    first = await ctk.expect("Mục 1/12")
    assert "Kỳ trước (2025): 8,5 %" in first.text and "bình quân trên 9%/năm" in first.text
    assert "Mục 12/12" in (await type_values(ctk, DEPARTMENT_ANSWERS)).text
    await ctk.press("Hoàn thành")
    await ctk.send("100")
    await ctk.press("Không có nhận xét")
    await ctk.expect("Rà soát")
    await ctk.press("✅ Nộp báo cáo")
    await ctk.expect("Đã nộp báo cáo")
    stored = await values(season, "CTK")
    assert stored["grdp_growth"][1] == 9.2 and stored["population"][1] == 1_970_000
    assert stored["share_industry_construction"][1] == 55.2 and stored["tfp_contribution"][1] == 45
    assert stored["grdp_rank"][1] == 12  # section II.1: among the ten largest economies by 2030
    assert stored["agency_detailed_plans"] == ("value", 100.0, "done", None)


async def test_skip_not_applicable_and_an_escaped_note(season: Season, sandbox: SandboxClient) -> None:
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    await lan.command("report")
    await lan.expect("Mục 1/4")
    await lan.send("7.100")
    saved = await sent(lan, "✓ Đã lưu")
    assert saved.text.startswith("✓ Đã lưu: Số giường bệnh = 7.100 giường\n\nMục 2/4")
    assert saved.buttons[-1] == ("📝 Thêm ghi chú cho mục vừa lưu", "r:note:0")
    await lan.press("📝 Thêm ghi chú cho mục vừa lưu")
    await lan.expect("Hãy gõ ghi chú")
    await lan.send("Gồm cả <b>giường</b> & giường kê thêm")
    again = await sent(lan, "Đã lưu ghi chú")
    assert again.text.startswith("📝 Đã lưu ghi chú.\n\nMục 2/4")
    await lan.press("Không áp dụng")
    await lan.expect("Mục 3/4")
    await lan.press("Bỏ qua")
    await lan.expect("Mục 4/4")
    await lan.press("Bỏ qua")
    review = await lan.expect("Rà soát")
    # The note is shown as typed: its markup was escaped, or the server would have refused the message.
    assert "1. Số giường bệnh: 7.100 giường — 📝 Gồm cả <b>giường</b> & giường kê thêm" in review.text
    assert "2. Số bác sĩ: không áp dụng" in review.text and "4. Lập hồ sơ sức khỏe" in review.text
    assert "Còn 2 mục chưa có số liệu." in review.text
    stored = await values(season, "SYT")
    assert stored["hospital_beds"] == ("value", 7100.0, None, "Gồm cả <b>giường</b> & giường kê thêm")
    assert stored["doctors"][0] == Answer.NOT_APPLICABLE.value
    assert stored["agency_detailed_plans"][0] == Answer.SKIPPED.value
    assert stored["electronic_health_records"][0] == Answer.SKIPPED.value
    await lan.press("Để sau")
    await lan.expect("Đã lưu nháp")
    await lan.command("report")  # every item has an answer, so it opens at the review
    await lan.expect("Rà soát", "Còn 2 mục")


async def test_bad_values_are_refused_with_reasons(season: Season, sandbox: SandboxClient) -> None:
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    await lan.command("report")
    await lan.expect("Mục 1/4")
    for typed, reason in [
        ("12abc", "Tôi không đọc được nội dung này thành số."),
        ("-5", "Giá trị không được nhỏ hơn 0."),
        ("95%", "Mục này là số đếm, không phải tỷ lệ phần trăm."),
        ("9,5", "Mục này là số đếm nên phải là số nguyên."),
        (
            "Năm nay có thêm bệnh viện đa khoa tư nhân nên số giường tăng, tôi sẽ gửi báo cáo chi tiết "
            "bằng văn bản sau khi Sở tổng hợp xong các số liệu",
            "lời giải thích",
        ),
    ]:
        await lan.send(typed)
        refusal = await lan.next()
        assert refusal.text.startswith("⚠️") and reason in refusal.text, typed
        assert "Hãy gõ một số nguyên" in refusal.text
    assert await values(season, "SYT") == {}
    await lan.send("7.100")
    assert "7.100 giường" in (await lan.expect("✓ Đã lưu")).text
    ctk = await join(season, sandbox, 402, "Thu", "CTK")
    await ctk.command("report")
    await ctk.expect("Mục 1/12")
    await ctk.send("9,2")
    await ctk.expect("Mục 2/12")
    await ctk.send("5%")
    assert "Mục này có đơn vị tính là tỷ đồng, không phải %." in (await ctk.expect("⚠️")).text
    assert "Mục 5/12" in (await type_values(ctk, ["145.000", "1.970.000", "860.000"])).text
    await ctk.send("120")
    assert "Giá trị không được lớn hơn 100." in (await ctk.expect("⚠️")).text


async def test_an_implausible_jump_needs_confirmation(season: Season, sandbox: SandboxClient) -> None:
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    await lan.command("report")
    await lan.expect("Mục 1/4")
    await lan.send("7.000")
    await lan.expect("Mục 2/4")
    await lan.send("4.000")  # doctors: 1.900 last year, more than doubled
    warning = await lan.expect("chênh lệch nhiều")
    assert "4.000 bác sĩ" in warning.text and "1.900 bác sĩ" in warning.text
    assert "doctors" not in await values(season, "SYT")
    await lan.press("Không, gõ lại")
    await lan.expect("gõ lại số liệu")
    await lan.send("4.100")
    await sent(lan, "chênh lệch nhiều")
    await lan.press("Đúng, giữ số này")
    await lan.expect("✓ Đã lưu: Số bác sĩ = 4.100 bác sĩ")
    assert (await values(season, "SYT"))["doctors"][1] == 4100


async def answer_syt(lan: SimUser) -> None:
    await lan.command("report")
    await lan.expect("Mục 1/4")
    await type_values(lan, ["7.100", "1.950"])
    await lan.press("Hoàn thành")
    await lan.send("100")
    await lan.press("Không có nhận xét")
    await lan.expect("Mục 4/4")
    await lan.press("Không áp dụng")
    await lan.expect("Rà soát")


async def test_edit_after_submit_keeps_history(season: Season, sandbox: SandboxClient) -> None:
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    await answer_syt(lan)
    await lan.press("✅ Nộp báo cáo")
    await lan.expect("Đã nộp báo cáo")
    first = await season.storage.values.submission(season.current.id, "SYT")
    await lan.command("report")
    review = await lan.expect("Rà soát")
    assert "Đã nộp lúc" in review.text
    await lan.press("1")
    question = await lan.expect("Mục 1/4")
    assert "Số liệu hiện tại: 7.100 giường (Lan," in question.text
    await lan.send("7.250")
    review = await sent(lan, "✓ Đã lưu")
    assert review.text.startswith("✓ Đã lưu: Số giường bệnh = 7.250 giường\n\nRà soát")
    assert "1. Số giường bệnh: 7.250 giường" in review.text
    history = await season.storage.values.history(
        period_id=season.current.id, agency_code="SYT", element_code="hospital_beds"
    )
    assert [(c.old_number, c.new_number, c.changed_by) for c in history] == [
        (None, 7100, 101),
        (7100, 7250, 101),
    ]
    assert await season.storage.values.submission(season.current.id, "SYT") == first
    await lan.press("Để sau")
    await lan.command("myreports")
    mine = await lan.expect("• 2026 (HD-NQ30)")
    assert "• 2026 (HD-NQ30): 4/4 mục, đã nộp lúc" in mine.text and "(đúng hạn)" in mine.text
    assert "• 2025 (HD-NQ30): 2/4 mục, chưa nộp" in mine.text


async def test_a_locked_period_explains_whom_to_ask(season: Season, sandbox: SandboxClient) -> None:
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    await lan.command("report")
    await lan.expect("Mục 1/4")
    await lock(season.storage, season.current)
    await lan.send("7.100")
    locked = await lan.expect("đã khóa")
    assert "Sở Kế hoạch và Đầu tư" in locked.text
    assert await values(season, "SYT") == {}
    await lan.command("report")
    assert "Kỳ 2026 đã khóa" in (await lan.expect("đã khóa")).text


async def test_two_focal_points_of_one_agency_never_overwrite_silently(season: Season, sandbox: SandboxClient) -> None:
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    minh = await join(season, sandbox, 102, "Minh", "SYT", Role.BACKUP)
    await lan.command("report")
    await minh.command("report")
    await lan.expect("Mục 1/4")
    await minh.expect("Mục 1/4")
    await minh.send("7.000")
    await minh.expect("✓ Đã lưu")
    await lan.send("7.300")
    conflict = await lan.expect("vừa sửa mục này")
    assert "Minh" in conflict.text and "7.000 giường" in conflict.text and "7.300 giường" in conflict.text
    assert (await values(season, "SYT"))["hospital_beds"][1] == 7000
    await lan.press("Dùng số của tôi")
    await lan.expect("✓ Đã lưu: Số giường bệnh = 7.300 giường")
    history = await season.storage.values.history(
        agency_code="SYT", element_code="hospital_beds", period_id=season.current.id
    )
    assert [(c.new_number, c.changed_by) for c in history] == [(7000, 102), (7300, 101)]


async def test_unexpected_input_and_stale_or_crafted_buttons(season: Season, sandbox: SandboxClient) -> None:
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    await lan.command("report")
    first = await lan.expect("Mục 1/4")
    await lan.send_sticker()
    assert "chỉ đọc được chữ gõ" in (await lan.expect("chỉ đọc được")).text
    assert "Mục 1/4" in (await lan.expect("Mục 1/4")).text
    await lan.command("xoa_het")
    assert "không biết lệnh này" in (await lan.expect("không biết lệnh")).text
    await lan.expect("Mục 1/4")
    await lan.send("7.100")
    await lan.expect("Mục 2/4")
    answer = await lan.press("Bỏ qua", message=first)  # a button of a question already answered
    assert answer is not None and "không còn hiệu lực" in (answer["text"] or "")
    assert (await values(season, "SYT"))["hospital_beds"][1] == 7100
    crafted = await lan.press_data(first.message_id, f"r:pick:{season.current.id}:SCT")
    assert crafted is not None
    assert "không thuộc phần việc" in (await lan.expect("không thuộc phần việc")).text
    assert await season.storage.values.for_agency(season.current.id, "SCT") == {}


async def test_english_user(season: Season, sandbox: SandboxClient) -> None:
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    await lan.command("lang")
    await lan.press("English")
    await lan.expect("Language: English")
    await lan.command("report")
    question = await lan.expect("Item 1 of 4")
    assert "Previous period (2025): 6,950" in question.text and "Type a whole number" in question.text
    await lan.send("7,100")  # English grouping
    assert "7,100" in (await lan.expect("✓ Saved")).text
    assert (await values(season, "SYT"))["hospital_beds"][1] == 7100


async def test_restart_mid_conversation_resumes_at_the_same_question(
    settings: Settings, sandbox: SandboxClient
) -> None:
    from datetime import date, timedelta

    from bot import services

    first_run = build_app(settings)
    async with polling(first_run) as application:
        storage = application.bot_data.storage
        await services.load_shipped(storage)
        await services.open_period(
            storage, "2026", programme_code="HD-NQ30", deadline=date.today() + timedelta(days=10)
        )
        invite = await storage.users.create_invite("SYT", Role.FOCAL, timedelta(days=1))
        lan = await sandbox.user(101, "Lan")
        await lan.command("start", invite.token)
        await lan.expect("Chào mừng")
        await lan.command("report")
        await lan.expect("Mục 1/4")
        await lan.send("7.100")
        await lan.expect("Mục 2/4")
    # The process is gone; a new one starts from the same database.
    async with polling(build_app(settings)) as application:
        await lan.send("1.950")
        saved = await sent(lan, "✓ Đã lưu")
        assert "Số bác sĩ = 1.950 bác sĩ" in saved.text and "Mục 3/4" in saved.text
        stored = await application.bot_data.storage.values.for_agency(1, "SYT")
        assert {code: v.number for code, v in stored.items()} == {"hospital_beds": 7100, "doctors": 1950}
