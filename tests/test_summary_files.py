"""The summary's files read back: the Excel appendix in the state form, the draft Word report against the
JSON summary, the CSV's rounding in both dialects, and the chart for a period with negatives and no data."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import docx
import openpyxl
import pytest
from matplotlib.image import imread

from bot.domain.progress import Status
from bot.domain.review import Confidence, Review, ReviewState
from bot.domain.summary import Summary
from bot.domain.summary_text import summary_messages
from bot.files.exports import summary_file, summary_json
from bot.files.style import decimals, place_from
from bot.i18n import translator
from storage import open_storage
from tests.summary_season import FiledSeason, filed_season


@pytest.fixture(scope="module")
def season(tmp_path_factory: pytest.TempPathFactory) -> FiledSeason:
    import asyncio

    async def build() -> FiledSeason:
        storage = await open_storage(Path(tmp_path_factory.mktemp("files")) / "files.db")
        try:
            return await filed_season(storage)
        finally:
            await storage.close()

    return asyncio.run(build())


def render(season: FiledSeason, kind: str, locale: str = "vi") -> bytes:
    return summary_file(kind, season.summary, season.figures, translator(locale), season.inputs)


def test_the_workbook_is_in_the_state_form(season: FiledSeason) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(render(season, "xlsx")))
    assert workbook.sheetnames == ["Tổng hợp", "Tình hình nộp báo cáo", "Số liệu gốc"]
    sheet = workbook["Tổng hợp"]
    assert sheet["A1"].value == "UBND TỈNH HẢI DƯƠNG" and sheet["A2"].value == "SỞ KẾ HOẠCH VÀ ĐẦU TƯ"
    assert sheet["D1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and sheet["D1"].font.b
    assert sheet["D2"].value == "Độc lập - Tự do - Hạnh phúc"
    cells = [str(c.value) for row in sheet.iter_rows(max_row=12) for c in row if c.value]
    assert "Biểu số 01" in cells and "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU" in cells
    assert any(c.startswith("(Kèm theo Báo cáo số …") and "của Sở Kế hoạch và Đầu tư" in c for c in cells)
    header = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "STT")
    assert sheet.cell(header, 5).value == "Kết quả thực hiện"
    assert [sheet.cell(header + 1, c).value for c in (5, 6)] == ["Kỳ 2025", "Kỳ 2026"]
    assert [sheet.cell(header + 2, c).value for c in range(1, 10)] == [f"({n})" for n in range(1, 10)]
    assert f"A{header}:A{header + 1}" in {str(m) for m in sheet.merged_cells.ranges}
    assert sheet.print_title_rows == f"${header}:${header + 2}" and sheet.freeze_panes == f"A{header + 3}"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_margins.left == pytest.approx(30 / 25.4)
    rows = {r[1].value: r for r in sheet.iter_rows(min_row=header + 3) if isinstance(r[0].value, int)}
    assert len(rows) == 37
    areas = [r[0].value for r in sheet.iter_rows(min_row=header + 3) if r[0].value in ("I", "II", "III", "IV", "V")]
    assert areas == ["I", "II", "III", "IV", "V"]
    urban, per_head, ghg = (
        rows["Tổng số đô thị"],
        rows["GRDP bình quân đầu người"],
        rows["Mức thay đổi lượng phát thải khí nhà kính"],
    )
    assert urban[5].value == 21 and urban[5].number_format == "#,##0"  # a count: never "21,00 đô thị"
    assert per_head[5].value == 76.42 and per_head[5].number_format == "#,##0.00"
    assert ghg[5].value == -2.9 and ghg[5].number_format == "#,##0.0"
    assert rows["Tỷ lệ đô thị hóa"][6].value < 0  # moved away from the target since the baseline
    for cell in urban:
        assert cell.font.name == "Times New Roman" and cell.border.left.style == "thin"
        assert cell.border.bottom.style == "thin"
    values = [str(c.value) for row in sheet.iter_rows(min_row=header + 40) for c in row if c.value]
    assert "Hải Dương, ngày ……… tháng ……… năm 2026" in values
    assert {"NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG ĐƠN VỊ"} <= set(values)


def test_the_status_and_raw_sheets_speak_the_readers_language(season: FiledSeason) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(render(season, "xlsx")))
    status = workbook["Tình hình nộp báo cáo"]
    assert status["D1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    rows = {r[1]: r for r in status.iter_rows(values_only=True) if isinstance(r[0], int)}
    assert len(rows) == 30
    health = rows["Sở Y tế"]
    assert health[4].strftime("%H:%M %d/%m/%Y") == "09:15 01/12/2026" and health[5] == "có"  # 02:15 UTC
    assert rows["Sở Xây dựng"][5] == "không" and rows["Công an tỉnh"][4] == "chưa nộp"
    raw = list(workbook["Số liệu gốc"].iter_rows(values_only=True))
    assert raw[0][:5] == ("Cơ quan", "Mục", "Đơn vị tính", "Trả lời", "Số liệu")
    words = {cell for row in raw for cell in row if isinstance(cell, str)}
    assert not words & {"value", "preliminary", "official", "in_progress", "yes", "SYT", "CTK"}
    beds = next(row for row in raw if row[1] == "Số giường bệnh")
    assert beds[0] == "Sở Y tế" and beds[3] == "có số liệu" and beds[4] == 7300 and beds[6] == "sơ bộ"
    assert beds[8] == "Nguyễn Thị Lan" and beds[9].strftime("%H:%M %d/%m/%Y") == "10:30 08/12/2026"
    task = next(row for row in raw if row[1].startswith("Lập hồ sơ sức khỏe điện tử"))
    assert task[5] == "đang thực hiện"


def test_the_word_report_says_what_the_summary_says(season: FiledSeason) -> None:
    data = summary_json(season.summary)
    document = docx.Document(io.BytesIO(render(season, "docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    header = [c.text for c in document.tables[0].rows[0].cells]
    assert header[0] == "UBND TỈNH HẢI DƯƠNG\nSỞ KẾ HOẠCH VÀ ĐẦU TƯ\nSố: ………/BC-………"
    assert header[1].startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nHải Dương, ngày")
    for heading in (
        "I. TÌNH HÌNH BÁO CÁO CỦA CÁC CƠ QUAN, ĐƠN VỊ",
        "II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
        "III. TÌNH HÌNH THỰC HIỆN CÁC NHIỆM VỤ",
        "IV. GIẢI TRÌNH CỦA CÁC CƠ QUAN, ĐƠN VỊ",
        "V. CÁC CƠ QUAN, ĐƠN VỊ CHƯA NỘP BÁO CÁO",
    ):
        assert heading in text
    done = data["completeness"]
    assert (
        f"{done['submitted']}/{done['expected']} cơ quan, đơn vị đã nộp báo cáo kỳ 2026 "
        "(hạn nộp trước ngày 06/12/2026, nộp đến hết ngày 05/12/2026 là đúng hạn), "
        f"trong đó {done['on_time']} đúng hạn, {done['late']} quá hạn; {done['not_submitted']} cơ quan" in text
    )
    statuses = [i["status"] for i in data["indicators"]]
    assert f"Trong {len(statuses)} chỉ tiêu của Chương trình: {statuses.count('achieved')} đã đạt," in text
    ghg = next(i for i in data["indicators"] if i["code"] == "GHG_EMISSIONS")
    assert ghg["value"] == -2.9 and "30. Mức thay đổi lượng phát thải khí nhà kính: -2,9 % (kỳ 2025: -1,2 %)" in text
    assert "Số giường bệnh trên 1 vạn dân: 37,06 giường/vạn dân" in text
    assert "hoàn thành 40 %" in text and "Hai nhà máy mới đi vào hoạt động trong năm" in text
    assert "Công an tỉnh: còn thiếu 1/1 mục." in text
    appendix = document.tables[-1]
    assert [c.text for c in appendix.rows[1].cells] == [f"({n})" for n in range(1, 9)]
    assert len([r for r in appendix.rows if r.cells[0].text.isdigit()]) == len(statuses)


def test_the_english_report_and_workbook(season: FiledSeason) -> None:
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(render(season, "docx", "en"))).paragraphs)
    assert "I. REPORTING BY THE AGENCIES" in text and "2 of 30 agencies" in text
    sheet = openpyxl.load_workbook(io.BytesIO(render(season, "xlsx", "en"))).worksheets[0]
    assert sheet["A1"].value == "HAI DUONG PROVINCIAL PEOPLE'S COMMITTEE"
    assert sheet["A2"].value == "DEPARTMENT OF PLANNING AND INVESTMENT"
    values = [str(c.value) for row in sheet.iter_rows(min_row=40) for c in row if c.value]
    assert "Hai Duong, ……… ……… 2026" in values and "HEAD OF AGENCY" in values


def test_the_csv_is_rounded_as_the_table_in_both_dialects(season: FiledSeason) -> None:
    plain = render(season, "csv")
    excel = render(season, "csv_vi")
    assert plain.startswith(b"\xef\xbb\xbf") and excel.startswith(b"\xef\xbb\xbf")
    rows = {row[1]: row for row in csv.reader(io.StringIO(plain.decode("utf-8-sig")))}
    assert rows["GRDP bình quân đầu người"][4:7] == ["72.45", "76.42", "38.2"]
    assert rows["Tổng số đô thị"][5] == "21" and rows["Mức thay đổi lượng phát thải khí nhà kính"][5] == "-2.9"
    assert rows["Tỷ lệ đô thị hóa"][5] == "33.0"
    vi = {row[1]: row for row in csv.reader(io.StringIO(excel.decode("utf-8-sig")), delimiter=";")}
    assert vi["GRDP bình quân đầu người"][4:7] == ["72,45", "76,42", "38,2"]
    assert vi["Chỉ tiêu"][3] == "Mục tiêu 2030" and len(vi) == 38
    assert not any("e-" in cell or cell.count(".") > 1 for row in rows.values() for cell in row[4:7])


def test_the_chart_draws_negatives_and_no_data(season: FiledSeason) -> None:
    pixels = imread(io.BytesIO(render(season, "png")), format="png")
    assert pixels.shape[0] > pixels.shape[1] > 1000

    def drawn(colour: str) -> int:
        rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        return int((abs(pixels[:, :, :3] - rgb).max(axis=2) < 0.02).sum())

    assert drawn("#c62828") > 1200  # urbanisation, off track and below zero: a bar (the legend's swatch is ~400)
    assert drawn("#9e9e9e") > 3000  # the grey stubs of the indicators without data, not only the swatch
    from bot.files.table import rows

    shown = rows(season.summary, translator("vi"))
    assert any(row.progress is not None and row.progress < 0 for row in shown)
    assert any(row.value is None for row in shown)
    assert render(season, "png", "en")[:8] == b"\x89PNG\r\n\x1a\n"


def test_decimals_follow_the_unit() -> None:
    assert decimals("đô thị") == 0 and decimals("%") == 1 and decimals("tỷ đồng") == 1
    assert decimals("giường/vạn dân") == 2 and decimals("triệu đồng/người/năm") == 2
    assert place_from("Ủy ban nhân dân thành phố Hải Phòng") == "Hải Phòng"
    assert place_from("Hai Phong City People's Committee") == "Hai Phong" and place_from("Sở Y tế") == ""


def test_the_command_line_writes_the_report_and_the_vietnamese_csv(tmp_path: Path) -> None:
    import asyncio
    import os
    import subprocess
    import sys

    async def build() -> None:
        storage = await open_storage(tmp_path / "cli.db")
        try:
            await filed_season(storage)
        finally:
            await storage.close()

    asyncio.run(build())
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "ADMIN_"))}
    environment |= {"DATABASE_URL": str(tmp_path / "cli.db"), "DEFAULT_LOCALE": "vi"}

    def bot(*args: str) -> subprocess.CompletedProcess[bytes]:
        command = [sys.executable, "-m", "bot", "summary", "--period", "2026", "--programme", "HD-NQ30", *args]
        return subprocess.run(command, capture_output=True, env=environment, cwd=tmp_path, timeout=120)

    assert bot("--format", "docx", "--out", "bao_cao.docx").returncode == 0
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "bao_cao.docx")).paragraphs)
    assert "BÁO CÁO" in text and "II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU" in text
    assert "Sở Tài nguyên và Môi trường giải trình về chỉ tiêu 30" in text
    shown = bot("--format", "csv_vi")
    assert shown.returncode == 0 and shown.stdout.startswith(b"\xef\xbb\xbfSTT;")
    assert bot("--format", "docx").returncode != 0  # a binary file needs --out


def test_every_assessment_status_has_a_style_in_the_files() -> None:
    from bot.domain.progress import Status
    from bot.files.style import STATUSES

    assert set(STATUSES) == set(Status)
    assert STATUSES[Status.NOT_ASSESSABLE].grey and STATUSES[Status.NO_DATA].grey


def test_english_files_and_text_name_the_units_in_english(season: FiledSeason) -> None:
    en = translator("en")
    text = "\n".join(summary_messages(season.summary, en))
    assert "beds per 10,000 people" in text and "million VND/person/year" in text
    assert "giường/vạn dân" not in text and "triệu đồng" not in text
    report = "\n".join(p.text for p in docx.Document(io.BytesIO(render(season, "docx", "en"))).paragraphs)
    assert "37.06 beds per 10,000 people" in report and "vạn dân" not in report
    workbook = openpyxl.load_workbook(io.BytesIO(render(season, "xlsx", "en")))
    units = {str(c.value) for row in workbook.worksheets[0].iter_rows() for c in row if c.value}
    assert "beds per 10,000 people" in units and "giường/vạn dân" not in units
    raw = {row[2] for row in workbook.worksheets[2].iter_rows(min_row=2, values_only=True)}
    assert {"beds", "billion VND", "people"} <= raw and not any("đồng" in str(unit) for unit in raw)
    plain = render(season, "csv", "en").decode("utf-8-sig")
    assert "million VND/person/year" in plain and "triệu đồng" not in plain


def reviewed(season: FiledSeason) -> Summary:
    """The season's summary after the consolidating agency accepted Health's report and returned
    Construction's, with Health's own view of its hospital beds (off track) against the computed 🟢."""
    reports = [
        replace(report, review=Review(period_id=1, agency_code=report.agency.code, state=state))
        if (state := {"SYT": ReviewState.ACCEPTED, "SXD": ReviewState.RETURNED}.get(report.agency.code))
        else report
        for report in season.summary.agencies
    ]
    moment = datetime(2026, 12, 8, tzinfo=UTC)
    indicators = [
        replace(
            item,
            confidence=Confidence(
                period_id=1,
                indicator_code=item.indicator.code,
                agency_code="SYT",
                level=Status.OFF_TRACK,
                reason="Bệnh viện mới chậm bàn giao",
                given_at=moment,
            ),
        )
        if item.indicator.code == "HOSPITAL_BEDS"
        else item
        for item in season.summary.indicators
    ]
    return replace(season.summary, agencies=reports, indicators=indicators)


def test_the_files_show_the_review_and_the_lead_agencys_view(season: FiledSeason) -> None:
    summary = reviewed(season)
    beds = next(item for item in summary.indicators if item.indicator.code == "HOSPITAL_BEDS")
    assert beds.disagreement and beds.assessment.status is Status.ON_TRACK
    vi = translator("vi")
    document = docx.Document(io.BytesIO(summary_file("docx", summary, season.figures, vi, season.inputs)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Cơ quan tổng hợp đã xem xét: 1 báo cáo được chấp nhận, 1 báo cáo bị trả lại." in text
    line = next(p for p in text.splitlines() if "Số giường bệnh trên 1 vạn dân:" in p)
    assert line.endswith("đúng lộ trình. Cơ quan chủ trì (Sở Y tế) đánh giá: chậm so với lộ trình."), line
    doctors = next(p for p in text.splitlines() if "Số bác sĩ trên 1 vạn dân:" in p)
    assert "Cơ quan chủ trì" not in doctors  # no view given: nothing said
    workbook = openpyxl.load_workbook(io.BytesIO(summary_file("xlsx", summary, season.figures, vi, season.inputs)))
    rows = {r[1].value: r for r in workbook.worksheets[0].iter_rows() if isinstance(r[0].value, int)}
    notes = str(rows["Số giường bệnh trên 1 vạn dân"][-1].value)
    assert (
        "Cơ quan chủ trì Sở Y tế đánh giá: chậm so với lộ trình (Bệnh viện mới chậm bàn giao), "
        "khác với kết quả tính toán" in notes
    ), notes
    plain = docx.Document(io.BytesIO(render(season, "docx")))
    assert "Cơ quan tổng hợp đã xem xét" not in "\n".join(p.text for p in plain.paragraphs)  # none decided yet


def test_text_from_users_is_never_a_formula_in_the_workbook(season: FiledSeason) -> None:
    """A focal point's note or Telegram name starting with '=' stays text: Excel would run it as a formula."""
    hostile = '=HYPERLINK("http://example.invalid/x","Bấm vào đây")'
    figures = [season.figures[0]._replace(note=hostile, updated_by=1), *season.figures[1:]]
    inputs = replace(season.inputs, people={**season.inputs.people, 1: "=1+2"})
    data = summary_file("xlsx", season.summary, figures, translator("vi"), inputs)
    cells = [c for row in openpyxl.load_workbook(io.BytesIO(data))["Số liệu gốc"].iter_rows() for c in row]
    assert [c.data_type for c in cells if c.value == hostile] == ["s"]
    assert [c.data_type for c in cells if c.value == "=1+2"] == ["s"]
