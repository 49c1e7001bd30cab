"""The responsiveness benchmark's building blocks: what counts as the next question, the database it seeds,
the server that times arrivals, and one small closed loop against the real bot in its own process."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.closed_loop import WatchedServer, any_reply, export_buttons, next_question, percentile, question_serial
from bench.province import FIGURES_PER_UNIT, PERIOD, PROGRAMME, seed
from bench.responsiveness import Load, scenario
from bot.domain.models import ElementType
from storage import open_storage


def message(*data: str, text: str = "…") -> dict[str, Any]:
    return {"text": text, "reply_markup": {"inline_keyboard": [[{"text": d, "callback_data": d} for d in data]]}}


def test_the_next_question_is_a_newer_skip_or_submit() -> None:
    question = message("r:st:4:done", "r:skip:4", "r:na:4", "r:back:4")
    assert question_serial(question) == 4
    assert next_question(3, question) == 4
    assert next_question(4, question) is None  # the same question again (a refusal re-asks nothing new)
    assert next_question(4, message("r:edit:5:0", "r:submit:5", "r:later:5")) == 5  # the review
    assert next_question(4, message("r:note:2")) is None  # "✓ Saved" with its note button
    assert next_question(4, {"text": "plain"}) is None
    assert any_reply(1, {"text": "✓ 9"}) == 2


def test_export_buttons_are_found_on_the_summary() -> None:
    summary = {"message_id": 7, **message("s:list:1", "s:xlsx:1", "s:csv:1", "s:png:1")}
    assert export_buttons(summary) == (7, ["s:xlsx:1", "s:png:1"])
    assert export_buttons({"message_id": 8, **message("s:list:1")}) is None


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 0.5), percentile(values, 0.95), percentile(values, 1.0)) == (50, 95, 100)
    assert percentile([3.0], 0.95) == 3.0
    assert math.isnan(percentile([], 0.5))


async def test_each_focal_point_has_a_unit_of_its_own_owing_figures_first(tmp_path: Path) -> None:
    province = await seed(tmp_path / "r.db", focal_points=20, fanout=5)
    assert len(set(province.units)) == 20 and len(province.focal_points) == 20
    assert [u for u in province.units if u.startswith("DVBC-")]  # more than the 12 shipped districts
    assert len(province.fanout) == 5
    storage = await open_storage(tmp_path / "r.db")
    try:
        (period,) = [p for p in await storage.periods.all() if p.code == PERIOD]
        assert period.programme_code == PROGRAMME
        elements = {e.code: e for e in await storage.catalogue.elements(period.programme_id)}
        owed = await storage.catalogue.assignments(period.programme_id)
        for unit in province.units:
            first = [elements[code].type for code in owed[unit][:FIGURES_PER_UNIT]]
            assert all(kind in (ElementType.COUNT, ElementType.NUMBER) for kind in first), unit
        for user in province.focal_points:
            assert (await storage.users.get(user)) is not None
    finally:
        await storage.close()


async def test_the_watched_server_tells_the_waiting_user_when_the_bot_message_arrives() -> None:
    server = WatchedServer()
    await server.start()
    server.add_user(1, "Lan")
    server.watched = {1}
    try:
        question = server.expect(1, lambda m: next_question(0, m))
        async with httpx.AsyncClient(base_url=f"{server.api_url}/bot{server.token}") as bot:
            await bot.post("/sendMessage", json={"chat_id": 1, "text": "✓ Đã lưu", **message("r:note:1")})
            assert not question.done()
            await bot.post("/sendMessage", json={"chat_id": 1, "text": "Câu 2", **message("r:skip:2")})
        moment, serial = await asyncio.wait_for(question, 10)
        assert serial == 2 and server.deliveries[-1] == moment and len(server.deliveries) == 2
    finally:
        await server.stop()


@pytest.mark.parametrize("ours", [True, False], ids=["ours", "floor"])
async def test_a_small_closed_loop_measures_every_figure(ours: bool) -> None:
    load = Load(users=2, seconds=30, think=0.05, latency=0.01, alone=3, patience=30)
    run = await scenario(load, "small", 2, ours=ours, answers=3)
    assert run.tally.lost == 0 and len(run.waits()) == 6
    assert run.calls["sendMessage"] >= 6
    assert run.log == []
