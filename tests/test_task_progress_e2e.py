"""A task's status and its percentage agree, in the real conversation: "done, 60 %" is refused at the
percentage, and the focal point either types 100 or picks the status that fits."""

from __future__ import annotations

from bot.sandbox import SandboxClient
from tests.e2e import Season, join
from tests.test_report_e2e import DEPARTMENT_ANSWERS, type_values, values


async def test_a_task_marked_done_at_60_percent_is_refused(season: Season, sandbox: SandboxClient) -> None:
    ctk = await join(season, sandbox, 402, "Lê Thu", "CTK")
    await ctk.command("report")
    await ctk.expect("Mục 1/12")
    assert "Mục 12/12" in (await type_values(ctk, DEPARTMENT_ANSWERS)).text
    await ctk.press("Hoàn thành")
    await ctk.expect("bao nhiêu phần trăm")
    await ctk.send("60")
    refusal = await ctk.expect("Nhiệm vụ đã hoàn thành thì phải đạt 100 %")
    assert refusal.text.startswith("⚠️") and "Nhiệm vụ đang ở trạng thái nào" in refusal.text  # asked again
    assert "agency_detailed_plans" not in await values(season, "CTK")
    await ctk.press("Đang thực hiện")
    await ctk.expect("bao nhiêu phần trăm")
    await ctk.send("60")
    await ctk.press("Không có nhận xét")
    review = await ctk.expect("Rà soát")
    assert "đang thực hiện, 60 %" in review.text
    assert (await values(season, "CTK"))["agency_detailed_plans"] == ("value", 60.0, "in_progress", None)
