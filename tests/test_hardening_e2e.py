"""Abuse and faults through the real bot: floods, replays after a crash."""

from __future__ import annotations

from bot.app import build_app
from bot.config import Settings
from bot.domain.flood import FloodGate, Verdict
from bot.sandbox import BotApiServer, SandboxClient
from tests.e2e import polling


def test_flood_gate_boundaries() -> None:
    gate = FloodGate(limit=3, window=10, cooldown=60)
    assert [gate.check(1, t) for t in (0, 1, 2)] == [Verdict.ALLOW] * 3
    assert gate.check(1, 3) is Verdict.WARN
    assert gate.check(1, 62.9) is Verdict.DROP
    assert gate.check(2, 3) is Verdict.ALLOW  # other users are not affected
    assert gate.check(1, 63) is Verdict.ALLOW  # the cool-down is over
    gate = FloodGate(limit=3, window=10, cooldown=60)
    assert [gate.check(1, t) for t in (0, 5, 9.9, 10, 15)] == [Verdict.ALLOW] * 5  # the window slides


async def test_a_flood_gets_one_warning(bot: object, sandbox: SandboxClient) -> None:
    spammer = await sandbox.user(66, "Spam")
    for number in range(45):
        await spammer.send(f"tin nhắn {number}")
    await sandbox.wait_idle()
    await spammer.expect("gửi tin nhắn quá nhanh")
    texts = [seen.text for seen in await spammer.inbox()]
    assert sum("quá nhanh" in text for text in texts) == 1
    assert len(texts) == 31  # 30 answered, one warning, the rest ignored


async def test_a_replayed_update_is_processed_once(
    settings: Settings, server: BotApiServer, sandbox: SandboxClient
) -> None:
    lan = await sandbox.user(101, "Lan")
    async with polling(build_app(settings)):
        sent = await lan.command("help")
        await lan.expect("/lang")
    # The bot crashed before confirming: Telegram delivers the same update again to the next process.
    update_id = next(
        uid
        for uid, update in server.world.history.items()
        if update.get("message", {}).get("message_id") == sent["message_id"]
    )
    await sandbox.replay(update_id)
    async with polling(build_app(settings)):
        await sandbox.wait_idle()
        await lan.command("lang")
        await lan.expect("Chọn ngôn ngữ")
    helps = [seen for seen in await lan.inbox() if "/lang" in seen.text and "/cancel" in seen.text]
    assert len(helps) == 1


async def test_an_unexpected_error_is_apologised_for_and_reported_to_admins(
    settings: Settings, sandbox: SandboxClient
) -> None:
    from telegram.ext import CommandHandler

    async def broken(update: object, context: object) -> None:
        raise RuntimeError("a bug")

    application = build_app(settings)
    application.add_handler(CommandHandler("boom", broken), group=1)  # type: ignore[arg-type]
    admin = await sandbox.user(900, "Quản trị")
    lan = await sandbox.user(101, "Lan")
    async with polling(application):
        await lan.command("boom")
        assert "Xin lỗi, hệ thống gặp sự cố" in (await lan.expect("Xin lỗi")).text
        notice = await admin.expect("⚠️ Bot gặp lỗi")
        assert "RuntimeError" in notice.text and "101" in notice.text


async def test_the_apology_is_in_the_users_language(settings: Settings, sandbox: SandboxClient) -> None:
    from telegram.ext import CommandHandler

    async def broken(update: object, context: object) -> None:
        raise RuntimeError("a bug")

    application = build_app(settings)
    application.add_handler(CommandHandler("boom", broken), group=1)  # type: ignore[arg-type]
    admin = await sandbox.user(900, "Admin")  # ADMIN_IDS: known to the bot from the start
    async with polling(application):
        await application.bot_data.storage.users.set_locale(900, "en")
        await admin.command("boom")
        assert (await admin.expect("Sorry")).text.startswith("Sorry, something went wrong on my side.")
