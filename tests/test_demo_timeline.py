"""The demo's transcript is one timeline: exchanges in the order they happened, under the simulated day."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import translator
from bot.sandbox.demo import closing_line, moment_heading
from bot.sandbox.state import World
from bot.sandbox.timeline import Mark, timeline

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def _question(message_id: int) -> dict:
    keyboard = [[{"text": "✅ Đã đạt", "callback_data": "m:1"}]]
    return {"message_id": message_id, "text": "Mục 1/1: Đô thị loại I?", "reply_markup": {"inline_keyboard": keyboard}}


async def test_a_pressed_button_follows_the_question_it_answers_and_days_head_their_exchanges() -> None:
    world = World()
    question = _question(7)
    marks = [Mark(0, datetime(2025, 11, 17, 9, 0, tzinfo=HANOI), "Nhắc hạn nộp")]
    world.journal.append((2001, "send", {"message_id": 6, "text": "⏰ Nhắc hạn\nCòn thiếu 1 mục"}))
    await world.enqueue("message", {"from": {"id": 2001}, "chat": {"id": 2001}, "text": "/report"})
    world.journal.append((2001, "send", question))
    await world.enqueue("callback_query", {"from": {"id": 2001}, "message": question, "data": "m:1"})
    marks.append(Mark(len(world.journal), datetime(2025, 12, 5, 10, 0, tzinfo=HANOI)))
    stored = world.add_file(b"x" * 2048, "tong_hop.xlsx", "application/vnd.ms-excel", "documents")
    world.journal.append((900, "send", {"message_id": 9, "document": stored.as_document(), "caption": "Tổng hợp"}))

    text = timeline(world, marks, {2001: "Lan (Sở Y tế)", 900: "Quản trị"}, translator("vi"))

    lines = text.splitlines()
    assert lines[0] == "── 17/11/2025 · Nhắc hạn nộp ──"
    assert lines[1] == "09:00    Bot → Lan (Sở Y tế): ⏰ Nhắc hạn"
    assert lines[2].strip() == "Còn thiếu 1 mục"
    order = [line for line in lines if line.startswith("09:00")]
    assert [line.split(": ", 1)[1] for line in order[1:]] == ["/report", "Mục 1/1: Đô thị loại I?", "[✅ Đã đạt]"]
    assert "── 05/12/2025 ──" in lines
    assert "10:00    Bot → Quản trị: 📎 tong_hop.xlsx (2,0 kB)" in lines


def test_headings_and_the_closing_line_speak_the_run_s_language() -> None:
    vi, en = translator("vi"), translator("en")
    assert moment_heading("before-7", vi) == "Nhắc hạn nộp, còn 7 ngày làm việc"
    assert moment_heading("overdue-1", en) == "Reminders, 1 working day after the deadline"
    completeness = {"submitted": 29, "expected": 30, "on_time": 25, "late": 4}
    assert closing_line(completeness, 41.4, vi) == (
        "29/30 cơ quan đã nộp báo cáo (25 đúng hạn, 4 quá hạn); bản chạy thử mất 41 giây."
    )
    assert closing_line(completeness, 41.4, en).startswith("29/30 agencies submitted (25 on time, 4 late)")


def test_a_mark_renames_a_person_from_there_on_and_a_heading_shows_even_with_nothing_under_it() -> None:
    world = World()
    world.journal.append((900, "send", {"message_id": 1, "text": "Tổng hợp 2024"}))
    marks = [
        Mark(0, datetime(2024, 12, 5, 9, 0, tzinfo=HANOI), "Tổng hợp", {900: "Bảo (Sở Kế hoạch và Đầu tư)"}),
        Mark(1, datetime(2025, 7, 1, 8, 0, tzinfo=HANOI), "Sắp xếp", {900: "Bảo (Sở Tài chính)"}),
        Mark(1, datetime(2025, 11, 1, 9, 0, tzinfo=HANOI), "Mở kỳ 2025"),
    ]
    world.journal.append((900, "send", {"message_id": 2, "text": "Tổng hợp 2025"}))

    lines = timeline(world, marks, {900: "Bảo (Sở Tài chính)"}, translator("vi")).splitlines()

    assert "09:00    Bot → Bảo (Sở Kế hoạch và Đầu tư): Tổng hợp 2024" in lines
    assert "── 01/07/2025 · Sắp xếp ──" in lines
    assert lines[-1] == "09:00    Bot → Bảo (Sở Tài chính): Tổng hợp 2025"


def test_a_heading_after_the_last_exchange_still_shows() -> None:
    world = World()
    world.journal.append((900, "send", {"message_id": 1, "text": "Xong"}))
    marks = [
        Mark(0, datetime(2024, 12, 5, 9, 0, tzinfo=HANOI)),
        Mark(1, datetime(2025, 7, 1, 8, 0, tzinfo=HANOI), "Sắp xếp"),
    ]
    assert timeline(world, marks, {}, translator("vi")).splitlines()[-1] == "── 01/07/2025 · Sắp xếp ──"
