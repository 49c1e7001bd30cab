"""One Bot API round trip between a focal point's answer and the next question.

The calls that only tidy up (answering a button press, taking the buttons off an older message) are held
at the local server until the test lets them go: the next question must arrive meanwhile, so nothing on
its way waited for them. The calls that completed before it arrived are the critical path, counted; the
sandbox's stats count every call once everything is settled.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError
from telegram.ext import Application

from bot.sandbox import BotApiServer, SandboxClient, SimUser
from bot.sandbox.client import Seen
from handlers.common import beside
from tests.e2e import Season, join

TIDYING = frozenset({"answerCallbackQuery", "editMessageReplyMarkup"})
NOTE = "📝 Thêm ghi chú cho mục vừa lưu"


class Calls:
    """Every Bot API call the bot makes (getUpdates aside), in the order the server finished them; while
    `hold()` is on, the tidying calls wait at the server's door until `free()`."""

    def __init__(self, server: BotApiServer) -> None:
        self.done: list[tuple[str, str]] = []  # (method, a sent message's text)
        self.gate = asyncio.Event()
        self.gate.set()
        real = server.call

        async def call(method: str, params: dict[str, Any], files: Any) -> Any:
            if method in TIDYING:
                await self.gate.wait()
            try:
                return await real(method, params, files)
            finally:
                if method != "getUpdates":
                    self.done.append((method, str(params.get("text", ""))))

        server.call = call  # type: ignore[method-assign]

    def hold(self) -> int:
        """Hold the tidying calls from now on; returns a mark for `until`."""
        self.gate.clear()
        return len(self.done)

    def free(self) -> None:
        self.gate.set()

    def until(self, mark: int, fragment: str) -> list[str]:
        """The calls finished after `mark`, up to the message whose text has `fragment`, that one included."""
        methods = []
        for method, text in self.done[mark:]:
            methods.append(method)
            if method == "sendMessage" and fragment in text:
                return methods
        raise AssertionError(f"no message with {fragment!r} among {self.done[mark:]}")


@pytest.fixture
def calls(server: BotApiServer) -> Calls:
    return Calls(server)


async def sent(user: SimUser, *fragments: str) -> Seen:
    """The next message the bot sent with every fragment (an older message's edit is skipped)."""
    while True:
        seen = await user.expect(*fragments)
        if seen.kind == "send":
            return seen


async def buttons_after_edit(user: SimUser, *message_ids: int) -> list[list[tuple[str, str]]]:
    """The buttons each message is left with by its edit (made beside a reply, so in no fixed order with it;
    each message here is edited once)."""
    return [(await user.edit_of(message_id)).buttons for message_id in message_ids]


async def bot_calls(sandbox: SandboxClient) -> dict[str, int]:
    calls: dict[str, int] = (await sandbox.stats())["calls"]
    return {method: count for method, count in calls.items() if method != "getUpdates"}


def spent(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {method: after[method] - before.get(method, 0) for method in after if after[method] != before.get(method)}


async def test_a_typed_figure_costs_one_call_before_the_next_question(
    season: Season, sandbox: SandboxClient, calls: Calls
) -> None:
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    await lan.command("report")
    first = await lan.expect("Mục 1/4")
    before = await bot_calls(sandbox)
    mark = calls.hold()
    await lan.send("7.100")
    question = await sent(lan, "Mục 2/4")  # arrives while the tidying is held: it waited for none of it
    assert calls.until(mark, "Mục 2/4") == ["sendMessage"]
    assert question.text.startswith("✓ Đã lưu: Số giường bệnh = 7.100 giường\n\nMục 2/4 · kỳ 2026 · Sở Y tế")
    assert [label for label, _ in question.buttons] == ["Bỏ qua", "Không áp dụng", "◀ Quay lại", NOTE]
    calls.free()
    assert await buttons_after_edit(lan, first.message_id) == [[]]  # the first question's buttons, beside
    assert spent(before, await bot_calls(sandbox)) == {"sendMessage": 1, "editMessageReplyMarkup": 1}

    # The next figure: the message that said "✓ Saved" keeps its note offer, the rest of its buttons go.
    before = await bot_calls(sandbox)
    mark = calls.hold()
    await lan.send("1.950")
    await sent(lan, "Mục 3/4")
    assert calls.until(mark, "Mục 3/4") == ["sendMessage"]
    calls.free()
    assert await buttons_after_edit(lan, question.message_id) == [[(NOTE, "r:note:0")]]
    assert spent(before, await bot_calls(sandbox)) == {"sendMessage": 1, "editMessageReplyMarkup": 1}


async def test_a_button_press_costs_one_call_before_the_next_screen(
    season: Season, sandbox: SandboxClient, calls: Calls
) -> None:
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    await lan.command("report")
    first = await lan.expect("Mục 1/4")
    await lan.send("7.100")
    question = await sent(lan, "Mục 2/4")
    await buttons_after_edit(lan, first.message_id)  # the tidying of the step before, not counted here
    before = await bot_calls(sandbox)
    mark = calls.hold()
    pressing = asyncio.create_task(lan.press("Không áp dụng"))
    await sent(lan, "Mục 3/4")
    assert calls.until(mark, "Mục 3/4") == ["sendMessage"]
    assert not pressing.done()  # the press is answered beside the reply, not before it
    calls.free()
    answer = await pressing
    assert answer is not None and not answer.get("text")  # answered, silently
    # The pressed message was the screen: its buttons are taken off once (but its note offer), not twice.
    assert await buttons_after_edit(lan, question.message_id) == [[(NOTE, "r:note:0")]]
    await sandbox.wait_idle()
    assert spent(before, await bot_calls(sandbox)) == {
        "sendMessage": 1,
        "answerCallbackQuery": 1,
        "editMessageReplyMarkup": 1,
    }


async def test_a_confirmed_jump_is_acknowledged_on_the_next_question(
    season: Season, sandbox: SandboxClient, calls: Calls
) -> None:
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    await lan.command("report")
    first = await lan.expect("Mục 1/4")
    await lan.send("7.000")
    question = await sent(lan, "Mục 2/4")
    await buttons_after_edit(lan, first.message_id)  # the tidying of the step before, not counted here
    await lan.send("4.000")  # doctors: 1.900 last year
    warning = await sent(lan, "chênh lệch nhiều")
    before = await bot_calls(sandbox)
    mark = calls.hold()
    pressing = asyncio.create_task(lan.press("Đúng, giữ số này"))
    saved = await sent(lan, "Mục 3/4")
    assert calls.until(mark, "Mục 3/4") == ["sendMessage"]
    assert saved.text.startswith("✓ Đã lưu: Số bác sĩ = 4.000 bác sĩ\n\nMục 3/4")
    calls.free()
    await pressing
    assert await buttons_after_edit(lan, warning.message_id, question.message_id) == [[], [(NOTE, "r:note:0")]]
    await sandbox.wait_idle()
    assert spent(before, await bot_calls(sandbox)) == {
        "sendMessage": 1,
        "answerCallbackQuery": 1,
        "editMessageReplyMarkup": 2,  # the pressed warning, and the question before it
    }


async def test_the_review_opens_with_the_last_answer_and_its_note_offer(season: Season, sandbox: SandboxClient) -> None:
    van = await join(season, sandbox, 301, "Văn", "SGTVT")  # a task, then four milestones
    await van.command("report")
    await van.expect("Mục 1/5")
    await van.press("Bỏ qua")
    for number in (2, 3, 4):
        await sent(van, f"Mục {number}/5")
        await van.press("Bỏ qua")
    await sent(van, "Mục 5/5")
    await van.press("✅ Đã đạt")
    review = await sent(van, "Rà soát")
    assert review.text.startswith("✓ Đã lưu: ")
    assert " = đã đạt\n\nRà soát: kỳ 2026 · Sở Giao thông vận tải" in review.text
    assert review.buttons[-1] == (NOTE, "r:note:4")
    await van.press(NOTE)
    await van.expect("Hãy gõ ghi chú")
    await van.send("Theo quyết định của UBND tỉnh")
    again = await sent(van, "Đã lưu ghi chú")
    assert again.text.startswith("📝 Đã lưu ghi chú.\n\nRà soát")
    assert "— 📝 Theo quyết định của UBND tỉnh" in again.text
    stored = await season.storage.values.for_agency(season.current.id, "SGTVT")
    assert [v.note for v in stored.values() if v.text == "yes"] == ["Theo quyết định của UBND tỉnh"]


async def test_a_note_offer_outlives_its_question(season: Season, sandbox: SandboxClient) -> None:
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    await lan.command("report")
    await lan.expect("Mục 1/4")
    await lan.send("7.100")
    second = await sent(lan, "Mục 2/4")
    await lan.send("1.950")
    await sent(lan, "Mục 3/4")
    await lan.press(NOTE, message=second)  # the offer for the beds, one question back
    assert "Số giường bệnh" in (await lan.expect("Hãy gõ ghi chú")).text
    await lan.send("Gồm giường kê thêm")
    assert (await sent(lan, "Đã lưu ghi chú")).text.startswith("📝 Đã lưu ghi chú.\n\nMục 3/4")
    stored = await season.storage.values.for_agency(season.current.id, "SYT")
    assert (stored["hospital_beds"].note, stored["doctors"].note) == ("Gồm giường kê thêm", None)


async def test_a_failed_tidying_call_is_logged_in_one_line(
    season: Season, sandbox: SandboxClient, caplog: pytest.LogCaptureFixture
) -> None:
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    await lan.command("report")
    await lan.expect("Mục 1/4")
    await sandbox.configure(disabled_methods=["editMessageReplyMarkup"])
    with caplog.at_level(logging.WARNING, logger="handlers.common"):
        await lan.send("7.100")
        await sent(lan, "Mục 2/4")  # the conversation goes on
        for _ in range(500):  # the failure comes back beside the reply; bounded, not timed
            if caplog.records:
                break
            await asyncio.sleep(0.01)
    [record] = caplog.records
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert record.getMessage().startswith("taking the buttons off the previous question failed: InvalidToken")


async def test_a_tidying_call_still_running_at_shutdown_is_awaited(server: BotApiServer) -> None:
    application = Application.builder().token(server.token).base_url(f"{server.api_url}/bot").updater(None).build()
    await application.initialize()
    await application.start()
    release = asyncio.Event()
    finished: list[bool] = []

    async def tidy() -> None:
        await release.wait()
        finished.append(True)

    beside(application, tidy(), "tidying up")
    stopping = asyncio.create_task(application.stop())
    # While the call is held, stop() cannot end; the wait only gives a stop that would not wait time to end.
    await asyncio.wait({stopping}, timeout=0.5)
    assert not stopping.done() and not finished
    release.set()
    await stopping
    assert finished
    await application.shutdown()


@pytest.mark.parametrize(
    ("error", "level"),
    [
        (BadRequest("Message is not modified: specified new message content and reply markup are the same"), None),
        (BadRequest("Message to edit not found"), logging.WARNING),
        (Forbidden("Forbidden: bot was blocked by the user"), logging.WARNING),
        (NetworkError("httpx.ConnectError"), None),  # the network watch warns once per outage
    ],
)
async def test_how_a_tidying_failure_is_logged(
    error: Exception, level: int | None, server: BotApiServer, caplog: pytest.LogCaptureFixture
) -> None:
    application = Application.builder().token(server.token).base_url(f"{server.api_url}/bot").updater(None).build()

    async def failing() -> None:
        raise error

    with caplog.at_level(logging.INFO, logger="handlers.common"):
        await beside(application, failing(), "tidying up")  # not running: held by handlers.common itself
    assert [r.levelno for r in caplog.records] == ([level] if level else [])
    assert all(r.exc_info is None and r.getMessage().startswith("tidying up") for r in caplog.records)
