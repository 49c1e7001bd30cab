"""Heavy work off the event loop: a focal point's answer is answered while an admin's chart is being
rendered; every file the bot writes or reads (Excel, CSV, chart, the catalogue template, an uploaded
catalogue) and a summary's aggregation are handled in worker threads; two renders at once do not
disturb each other; and starting the bot imports neither matplotlib nor openpyxl."""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bot.files import catalogue_xlsx, exports
from bot.i18n import translator
from bot.sandbox import BotApiServer, SandboxClient
from bot.services import summary as summary_service
from bot.services.summary import build_summary, every_answer
from tests.e2e import Season, join
from tests.test_priority_e2e import record_sends
from tests.test_summary_e2e import report_health

BOUND = 10.0  # seconds a stalled render may hold the test before it fails rather than hangs


def watched(monkeypatch: pytest.MonkeyPatch, module: Any, name: str, threads: dict[str, threading.Thread]) -> None:
    """Note the thread in which `module.name` runs, each time it is called."""
    original: Callable[..., Any] = getattr(module, name)

    def run(*args: Any, **kwargs: Any) -> Any:
        threads[name] = threading.current_thread()
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, run)


async def test_a_focal_point_is_answered_while_a_chart_is_rendered(
    season: Season, server: BotApiServer, sandbox: SandboxClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    lan = await join(season, sandbox, 101, "Lan", "SYT")
    await lan.command("report")
    await lan.expect("Mục 1/4")
    admin = await sandbox.user(900, "Quản trị")
    await admin.command("summary", "2026")
    await admin.expect("Tổng hợp kỳ 2026")

    rendering, release = threading.Event(), threading.Event()
    render_png = exports.summary_png

    def held_render(*args: Any) -> bytes:
        rendering.set()
        release.wait(BOUND)  # on the event loop, this would stop Lan's answer from being read at all
        return render_png(*args)

    monkeypatch.setattr(exports, "summary_png", held_render)
    order = record_sends(server, monkeypatch)
    await admin.press("📊 Biểu đồ")
    assert await asyncio.to_thread(rendering.wait, BOUND)

    await lan.send("7.300")
    await lan.expect("✓ Đã lưu")
    assert 900 not in order  # the chart is still being rendered
    release.set()
    chart = await admin.expect("Tiến độ thực hiện các mục tiêu")
    assert chart.photo is not None
    assert order.index(101) < order.index(900)


async def test_files_are_written_and_read_in_worker_threads(
    season: Season, sandbox: SandboxClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: dict[str, threading.Thread] = {}
    for name in ("summary_xlsx", "summary_csv", "summary_png"):
        watched(monkeypatch, exports, name, threads)
    for name in ("catalogue_to_xlsx", "read_catalogue_xlsx"):
        watched(monkeypatch, catalogue_xlsx, name, threads)
    watched(monkeypatch, summary_service, "_assess_all", threads)  # a summary's aggregation, after its reads
    await report_health(season, sandbox)
    admin = await sandbox.user(900, "Quản trị")
    await admin.command("summary", "2026")
    await admin.expect("Tổng hợp kỳ 2026")
    for button, caption in (
        ("📥 Excel", "Tổng hợp kỳ 2026"),
        ("📄 CSV", "Tổng hợp kỳ 2026"),
        ("📊 Biểu đồ", "Tiến độ"),
    ):
        await admin.press(button)
        await admin.expect(caption)
    await admin.command("catalog")
    await admin.expect("Gửi danh mục")
    await admin.press("📥 Mẫu Excel")
    template = await admin.expect("")
    assert template.document is not None and template.document["file_name"] == "mau_danh_muc.xlsx"
    await admin.send_document("mau.xlsx", await sandbox.file(template.document["file_id"]))
    await admin.expect("Tệp chưa được nạp")  # an empty template is not a catalogue; it was read all the same

    assert sorted(threads) == [
        "_assess_all",
        "catalogue_to_xlsx",
        "read_catalogue_xlsx",
        "summary_csv",
        "summary_png",
        "summary_xlsx",
    ]
    assert all(thread is not threading.main_thread() for thread in threads.values()), threads


async def test_two_renders_at_once_do_not_disturb_each_other(season: Season, sandbox: SandboxClient) -> None:
    await report_health(season, sandbox)
    summary = await build_summary(season.storage, season.current)
    figures = await every_answer(season.storage, season.current)
    jobs = [(kind, locale) for kind in ("png", "xlsx") for locale in ("vi", "en")]

    def render(job: tuple[str, str]) -> bytes:
        return exports.summary_file(job[0], summary, figures, translator(job[1]))

    alone = [render(job) for job in jobs]
    with ThreadPoolExecutor(len(jobs) * 2) as pool:
        together = list(pool.map(render, jobs * 2))
    for index, (kind, _) in enumerate(jobs * 2):
        expected, got = alone[index % len(jobs)], together[index]
        if kind == "png":
            assert got == expected
        else:  # a workbook carries the moment it was saved; its cells must be the same
            assert cells(got) == cells(expected)


def cells(workbook: bytes) -> dict[str, list[tuple[Any, ...]]]:
    opened = openpyxl.load_workbook(io.BytesIO(workbook), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in opened.worksheets}


def test_starting_the_bot_imports_neither_matplotlib_nor_openpyxl(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from bot.app import build_app\n"
        "from bot.config import Settings\n"
        "build_app(Settings(bot_token='1:x', bot_api_url='http://127.0.0.1:9', database_url=sys.argv[1]))\n"
        "assert 'handlers.summary' in sys.modules and 'handlers.catalogue' in sys.modules\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'matplotlib', 'openpyxl'}))\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path / "bot.db")], capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == "[]"
