"""An answer lands where the user meant it, on a network that loses messages: a figure typed before the
next question arrived is not filed under that question, and a user is never asked to settle a "conflict"
with their own earlier save."""

from __future__ import annotations

import asyncio

from bot.domain.models import Answer
from bot.sandbox import SandboxClient
from tests.e2e import Season, join

BEDS, DOCTORS = "hospital_beds", "doctors"


async def test_a_retyped_figure_is_not_filed_under_a_question_that_never_arrived(
    bot: object, season: Season, sandbox: SandboxClient
) -> None:
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    await lan.command("report")
    await lan.expect("Mục 1/4")
    await sandbox.configure(faults={"server_error_rate": 1.0})  # every message the bot sends is lost
    await lan.send("7.100")
    for _ in range(100):  # until the bot's reply has been lost
        if (await sandbox.stats())["faults_injected"].get("server_error"):
            break
        await asyncio.sleep(0.05)
    await sandbox.configure(faults={})
    values = await season.storage.values.for_agency(season.current.id, "SYT")
    assert values[BEDS].number == 7100  # confirmed on disk before the question that followed was lost
    await lan.send("7.100")  # no answer came, so Lan types it again
    again = await lan.expect("Mục 2/4")
    assert again.text.startswith("⚠️ Câu hỏi này chưa đến được với anh/chị")
    values = await season.storage.values.for_agency(season.current.id, "SYT")
    assert DOCTORS not in values  # nothing was filed under the question Lan never saw
    assert values[BEDS].version == 1
    await lan.send("1.950")  # now Lan has seen it: the figure is filed under it
    await lan.expect("Mục 3/4")
    values = await season.storage.values.for_agency(season.current.id, "SYT")
    assert values[DOCTORS].number == 1950 and values[DOCTORS].answer is Answer.VALUE


async def test_a_users_own_earlier_save_is_no_conflict(bot: object, season: Season, sandbox: SandboxClient) -> None:
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    await lan.command("report")
    await lan.expect("Mục 1/4")
    await lan.send("7.100")
    await lan.expect("Mục 2/4")
    # The acknowledgement of 7.100 is lost before the conversation moves on: Lan is still at the first item
    # with the version she saw then (0), while her own save made it version 1.
    conversation = await season.storage.conversations.get(101)
    assert conversation is not None
    conversation.element_code, conversation.data["seen_version"], conversation.data["shown"] = BEDS, 0, True
    await season.storage.conversations.save(conversation)
    await lan.send("7.150")
    after = await lan.expect("✓ Đã lưu")
    assert "đồng nghiệp" not in after.text and "Giữ số của họ" not in after.text
    values = await season.storage.values.for_agency(season.current.id, "SYT")
    assert values[BEDS].number == 7150 and values[BEDS].version == 2


async def test_a_button_left_by_an_earlier_report_stays_stale(
    bot: object, season: Season, sandbox: SandboxClient
) -> None:
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    await lan.command("report")
    old = await lan.expect("Mục 1/4")
    skip = next(data for label, data in old.buttons if label == "Bỏ qua")
    await lan.command("cancel")
    await lan.command("report")  # a new conversation, which asks the same item again
    await lan.expect("Mục 1/4")
    answer = await lan.press_data(old.message_id, skip)
    assert answer is not None and "không còn hiệu lực" in answer["text"]
    values = await season.storage.values.for_agency(season.current.id, "SYT")
    assert BEDS not in values  # the old Skip did not apply to the new question
