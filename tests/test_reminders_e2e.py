"""Reminders through the local Bot API server, at chosen moments of a season."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot import services
from bot.app import build_app, run_reminders
from bot.config import Settings
from bot.context import BotApplication
from bot.domain.models import Role
from bot.domain.reminders import ReminderPolicy, schedule
from bot.domain.workdays import shipped_calendar
from bot.sandbox import SandboxClient, SimUser
from storage import Storage
from tests.e2e import Season, join, polling

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = date(2026, 12, 4)  # a Friday
SLOTS = {slot.name: slot.day for slot in schedule(ReminderPolicy(), shipped_calendar(), DEADLINE, date(2026, 12, 31))}


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


async def set_deadline(storage: Storage, deadline: date = DEADLINE) -> None:
    await services.open_period(storage, "2026", programme_code="HD-NQ30", deadline=deadline)


async def reminders_of(user: SimUser) -> list[str]:
    return [seen.text for seen in await user.inbox() if "⏰" in seen.text or "❗" in seen.text]


async def slots_logged(storage: Storage, user_id: int) -> list[str]:
    rows = await storage.db.fetch_all(
        "SELECT slot FROM reminder_log WHERE user_id = ? ORDER BY claimed_at, rowid", (user_id,)
    )
    return [row[0] for row in rows]


async def test_restart_inside_a_window_sends_no_duplicates_and_the_missed_one_once(
    settings: Settings, sandbox: SandboxClient
) -> None:
    lan = await sandbox.user(101, "Lan")
    async with polling(build_app(settings)) as application:
        storage = application.bot_data.storage
        await services.load_shipped(storage)
        await set_deadline(storage)
        invite = await storage.users.create_invite("SYT", Role.FOCAL, __import__("datetime").timedelta(days=1))
        await lan.command("start", invite.token)
        await lan.expect("Chào mừng")
        await run_reminders(application, at(SLOTS["before-7"], 7, 55))  # before office hours: nothing
        assert await reminders_of(lan) == []
        await run_reminders(application, at(SLOTS["before-7"], 9, 0))
        first = await lan.expect("⏰ Nhắc hạn")
        assert "hạn nộp trước ngày 05/12/2026" in first.text and "còn 7 ngày làm việc" in first.text
        assert "Còn thiếu 4 mục: Số giường bệnh; Số bác sĩ;" in first.text
        await run_reminders(application, at(SLOTS["before-7"], 9, 5))
    async with polling(build_app(settings)) as application:  # a restart within the same window
        await run_reminders(application, at(SLOTS["before-7"], 9, 10))
        # Down from here until the day before the deadline: before-3 is missed, before-1 is due.
        await run_reminders(application, at(SLOTS["before-1"], 10, 0))
        await lan.expect("còn 1 ngày làm việc")
        await run_reminders(application, at(SLOTS["before-1"], 10, 5))
        await sandbox.wait_idle()
        assert len(await reminders_of(lan)) == 2
        assert await slots_logged(application.bot_data.storage, 101) == ["before-7", "before-1"]


async def test_injected_429s_are_waited_out_and_everything_arrives_once(
    bot: BotApplication, season: Season, sandbox: SandboxClient
) -> None:
    await set_deadline(season.storage)
    users = [
        await join(season, sandbox, 500 + i, f"Đầu mối {i}", code)
        for i, code in enumerate(["SYT", "CTK", "SCT", "SXD", "H-TUKY", "H-GIALOC"])
    ]
    await sandbox.configure(limits={"global_per_second": 2})
    await run_reminders(bot, at(SLOTS["due"]))
    for user in users:
        assert len(await reminders_of(user)) == 1
        assert "Hôm nay là ngày cuối để nộp đúng hạn" in (await reminders_of(user))[0]
    stats = await sandbox.stats()
    assert stats["retry_after_sent"] > 0
    outcomes = await season.storage.reminders.outcomes(season.current.id)
    assert [outcome for *_, outcome in outcomes] == ["sent"] * 6


async def test_blocked_user_is_flagged_in_the_escalation(
    bot: BotApplication, season: Season, sandbox: SandboxClient
) -> None:
    await set_deadline(season.storage)
    admin = await sandbox.user(900, "Quản trị")
    lan = await join(season, sandbox, 101, "Nguyễn Thị Lan", "SYT")
    await lan.block()
    await run_reminders(bot, at(SLOTS["overdue-2"]))
    user = await season.storage.users.get(101)
    assert user is not None and user.unreachable_since is not None
    assert ("overdue-2", "forbidden") in [
        (slot, outcome)
        for uid, slot, _, outcome in await season.storage.reminders.outcomes(season.current.id)
        if uid == 101
    ]
    escalate_day = shipped_calendar().shift(DEADLINE, 3)
    await run_reminders(bot, at(escalate_day))
    escalation = await admin.expect("🚨 Kỳ 2026")
    assert "Sở Y tế: thiếu 4 mục; đầu mối: Nguyễn Thị Lan (không liên lạc được: đã chặn bot)" in escalation.text
    assert "UBND huyện Tứ Kỳ: thiếu 16 mục; đầu mối: chưa có đầu mối" in escalation.text
    await run_reminders(bot, at(escalate_day, 15))
    await run_reminders(bot, at(shipped_calendar().shift(escalate_day, 1)))
    assert await slots_logged(season.storage, 101) == ["overdue-2"]  # blocked: never retried
    assert await slots_logged(season.storage, 900) == ["escalate"]


async def test_the_button_opens_the_report(bot: BotApplication, season: Season, sandbox: SandboxClient) -> None:
    await set_deadline(season.storage)
    tu = await join(season, sandbox, 401, "Tú", "H-TUKY")
    await run_reminders(bot, at(SLOTS["before-3"]))
    reminder = await tu.expect("⏰ Nhắc hạn")
    assert "Còn thiếu 16 mục" in reminder.text and "và 11 mục khác" in reminder.text
    await tu.press("📝 Báo cáo ngay")
    assert "Tổng số xã" in (await tu.expect("Mục 1/16")).text


async def test_pause_hands_reminders_to_the_backup(bot: BotApplication, season: Season, sandbox: SandboxClient) -> None:
    await set_deadline(season.storage)
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    minh = await join(season, sandbox, 102, "Minh", "SYT", Role.BACKUP)
    await lan.command("pause", "31/12/2026")
    assert "31/12/2026" in (await lan.expect("Tạm dừng nhắc nhở")).text
    await run_reminders(bot, at(SLOTS["before-3"]))
    assert await reminders_of(lan) == [] and len(await reminders_of(minh)) == 1
    await lan.command("resume")
    await lan.expect("bật lại")
    await run_reminders(bot, at(SLOTS["before-1"]))
    assert len(await reminders_of(lan)) == 1 and len(await reminders_of(minh)) == 1
    await lan.command("pause", "hôm qua")
    assert "hãy ghi ngày nghỉ cuối cùng" in (await lan.expect("/pause")).text


async def test_admin_remind_asks_first_and_focal_points_cannot(
    bot: BotApplication, season: Season, sandbox: SandboxClient
) -> None:
    admin = await sandbox.user(900, "Quản trị")
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    await lan.command("remind")
    await lan.expect("không dành cho vai trò")
    await admin.command("remind", "2026")
    question = await admin.expect("Gửi nhắc nhở ngay")
    assert "cơ quan" in question.text
    assert await reminders_of(lan) == []
    await admin.press("Gửi")
    result = await admin.expect("Đã gửi nhắc nhở")
    assert "Đã gửi nhắc nhở: 1" in result.text
    assert len(await reminders_of(lan)) == 1


async def test_nudging_stops_and_the_admins_hear_it_once(
    bot: BotApplication, season: Season, sandbox: SandboxClient
) -> None:
    await set_deadline(season.storage)
    admin = await sandbox.user(900, "Quản trị")
    lan = await join(season, sandbox, 101, "Nguyễn Thị Lan", "SYT")
    calendar = shipped_calendar()
    for working_days in range(1, 16):  # three weeks after the deadline, one check a working day
        await run_reminders(bot, at(calendar.shift(DEADLINE, working_days)))
    await sandbox.wait_idle()
    assert await slots_logged(season.storage, 101) == ["due", "overdue-2", "overdue-4", "overdue-6", "overdue-8"]
    stopped = await admin.expect("🔕 Kỳ 2026")
    assert "ngừng nhắc" in stopped.text and "Sở Y tế: thiếu 4 mục" in stopped.text
    assert await slots_logged(season.storage, 900) == ["escalate", "stopped"]
    assert len(await reminders_of(lan)) == 5
