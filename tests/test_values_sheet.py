"""Figures from a spreadsheet on a real SQLite file: the agency's sheet round-trips, a filled one is checked
exactly as the conversation checks a typed figure, and a bad one saves nothing and names its rows."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot import services
from bot.domain.models import Period, PeriodState
from bot.i18n import translator
from bot.services.values_sheet import Checked, Refused, apply_sheet, check_sheet, sheet_for
from storage import Storage
from tests.test_cli import run

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
LAN = 301


@pytest.fixture
async def period(loaded: Storage) -> Period:
    previous = await services.open_period(loaded, "2025", programme_code="HD-NQ30", deadline=None)
    await loaded.values.save(previous, "SYT", "hospital_beds", number=6950, by=1)
    await loaded.values.save(previous, "SYT", "doctors", number=1900, by=1)
    await loaded.periods.set_state(previous, PeriodState.LOCKED)
    return await services.open_period(loaded, "2026", programme_code="HD-NQ30", deadline=date(2026, 12, 5))


def filled(content: bytes, values: dict[str, object], notes: dict[str, str] | None = None) -> bytes:
    """The sheet with these cells of column G (by code in column B) filled in, as an officer would."""
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["So lieu"]
    for row in range(7, sheet.max_row + 1):
        code = sheet.cell(row, 2).value
        if code in values:
            sheet.cell(row, 7).value = values[code]
        if notes and code in notes:
            sheet.cell(row, 8).value = notes[code]
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


async def test_the_sheet_lists_the_agency_items_with_last_figures(loaded: Storage, period: Period) -> None:
    content = await sheet_for(loaded, period, "SYT", translator("vi"))
    assert content is not None
    sheet = load_workbook(io.BytesIO(content))["So lieu"]
    assert [sheet.cell(r, 2).value for r in range(2, 5)] == ["HD-NQ30", "2026", "SYT"]
    rows = {sheet.cell(r, 2).value: [sheet.cell(r, c).value for c in range(3, 8)] for r in range(7, sheet.max_row + 1)}
    assert rows["hospital_beds"] == ["Số giường bệnh", "giường", "số nguyên ≥ 0", 6950, None]


async def test_a_filled_sheet_is_checked_like_the_conversation_and_saved(loaded: Storage, period: Period) -> None:
    content = filled(
        await sheet_for(loaded, period, "SYT", translator("vi")) or b"",
        {"hospital_beds": "7.100", "doctors": 4000},
        {"hospital_beds": "Gồm cả tư nhân"},
    )
    checked = await check_sheet(loaded, content, ["SYT"], "vi")
    assert isinstance(checked, Checked)
    assert {(p.element.code, p.draft.number) for p in checked.planned} == {("hospital_beds", 7100), ("doctors", 4000)}
    assert [p.element.code for p in checked.jumps] == ["doctors"]  # 1.900 → 4.000 doubled: to confirm
    applied = await apply_sheet(loaded, checked, with_jumps=False, versions={}, by=LAN, now=NOW)
    assert applied.saved == ["hospital_beds"] and applied.skipped_jumps == ["doctors"]
    stored = await loaded.values.for_agency(period.id, "SYT")
    assert stored["hospital_beds"].number == 7100 and stored["hospital_beds"].note == "Gồm cả tư nhân"
    assert "doctors" not in stored


async def test_a_bad_sheet_names_its_rows_and_changes_nothing(loaded: Storage, period: Period) -> None:
    content = filled(
        await sheet_for(loaded, period, "SYT", translator("vi")) or b"",
        {"hospital_beds": "7100,5", "doctors": "nhiều"},
    )
    refused = await check_sheet(loaded, content, ["SYT"], "vi")
    assert isinstance(refused, Refused) and refused.why == "rows"
    assert [(p.row, p.code, p.reason) for p in refused.problems] == [
        (7, "hospital_beds", "count_not_whole"),
        (8, "doctors", "not_a_number"),
    ]
    assert await loaded.values.for_agency(period.id, "SYT") == {}
    assert (await check_sheet(loaded, content, ["CTK"], "vi")) == Refused("not_yours", "SYT")
    assert isinstance(await check_sheet(loaded, b"not a workbook", ["SYT"], "vi"), Refused)


def test_the_command_line_writes_the_sheet(tmp_path: Path) -> None:
    """`python -m bot template values SYT 2026` writes the same sheet as the /report button."""
    assert run(tmp_path, "init").returncode == 0
    assert run(tmp_path, "period", "open", "2026", "--programme", "HD-NQ30").returncode == 0
    done = run(tmp_path, "template", "values", "syt", "2026", "--lang", "vi")
    assert done.returncode == 0, done.stderr
    sheet = load_workbook(tmp_path / "so_lieu_SYT_2026.xlsx")["So lieu"]
    assert sheet["A1"].value == "Số liệu của Sở Y tế, kỳ 2026" and sheet["B4"].value == "SYT"
    assert {sheet.cell(r, 2).value for r in range(7, sheet.max_row + 1)} >= {"hospital_beds", "doctors"}
    refused = run(tmp_path, "template", "values", "XYZ", "2026")
    assert refused.returncode == 1 and "No agency XYZ." in refused.stderr and "Traceback" not in refused.stderr
