"""The fast demo, played in-process: both seasons in order around the reorganisation, each naming the
agency it reports to, and the 2025 summary compared with 2024, its ratio indicator from districts' counts
in 2024 and communes' answers in 2025."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from bot.files.exports import summary_json
from bot.sandbox.demo import Season
from bot.services.periods import find_period
from bot.services.summary import build_summary
from storage import open_storage

REORGANISATION = "── 01/07/2025"


async def _ntm_covered(database: Path, code: str) -> list[str]:
    """The agencies whose answers the advanced new-rural ratio of period `code` is computed from."""
    storage = await open_storage(database)
    try:
        period = await find_period(storage, code, "HD-NQ30")
        assert period is not None
        summary = summary_json(await build_summary(storage, period))
        return sorted(next(row for row in summary["indicators"] if row["code"] == "NTM_ADVANCED")["covered"])
    finally:
        await storage.close()


async def test_the_fast_demo_plays_2024_the_reorganisation_then_2025(tmp_path: Path) -> None:
    lines: list[str] = []
    result = await asyncio.wait_for(Season(1, tmp_path, "vi", True, lines.append).play(), timeout=180)

    transcript = (tmp_path / "transcript.txt").read_text(encoding="utf-8")
    before, _, after = transcript.partition(REORGANISATION)
    assert after, "no heading for the reorganisation day"
    assert "kỳ 2024" in before and "kỳ 2025" not in before
    assert "kỳ 2025" in after and "kỳ 2024" not in after.split("Mở kỳ báo cáo 2025", 1)[1]
    assert "Sở Kế hoạch và Đầu tư" in before and "Sở Kế hoạch và Đầu tư" not in after
    assert "xin đường link mời từ Sở Kế hoạch và Đầu tư" in before
    assert "xin đường link mời từ Sở Tài chính" in after
    assert "Trịnh Quốc Bảo (Sở Kế hoạch và Đầu tư): /summary 2024" in before
    assert "Trịnh Quốc Bảo (Sở Tài chính): /summary 2025" in after

    printed = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert printed == json.loads(json.dumps(result)) and printed["period"] == "2025"
    ntm = next(indicator for indicator in printed["indicators"] if indicator["code"] == "NTM_ADVANCED")
    assert ntm["value"] is not None and ntm["previous"] is not None
    assert printed["completeness"]["expected"] == 77
    for name in ("summary.xlsx", "summary.docx", "chart.png", "summary.csv", "summary_vi.csv"):
        assert (tmp_path / name).stat().st_size > 0
    districts = await _ntm_covered(tmp_path / "demo.db", "2024")
    communes = await _ntm_covered(tmp_path / "demo.db", "2025")
    assert districts and all(code.startswith(("H-", "TP-", "TX-")) for code in districts)
    assert communes and all(code.startswith(("X-", "P-")) for code in communes)
