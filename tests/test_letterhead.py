"""The files' letterhead names the consolidating agency as it stood on the period's day, and the place
follows it: the DPI under Hải Dương's People's Committee for 2024, the Department of Finance (the DPI
merged into it on 1 March 2025) under Hải Phòng city's (Hải Dương merged into it on 1 July 2025) for 2025."""

from __future__ import annotations

import io

import docx
import openpyxl

from bot import services
from bot.files.exports import summary_file
from bot.i18n import translator
from bot.services.reorganisation import init_shipped
from bot.services.summary import build_summary, every_answer
from bot.services.summary_files import file_inputs
from storage import Storage


async def test_the_letterhead_and_place_follow_the_reorganisation(storage: Storage) -> None:
    await init_shipped(storage)
    before = await services.open_period(storage, "2024", programme_code="HD-NQ30", deadline=None)
    after = await services.open_period(storage, "2025", programme_code="HD-NQ30", deadline=None)
    heads = {}
    for period in (before, after):
        summary = await build_summary(storage, period)
        figures = await every_answer(storage, period)
        inputs = await file_inputs(storage, summary, figures)
        heads[period.code] = inputs.letterhead
        if period is after:
            sheet = openpyxl.load_workbook(io.BytesIO(summary_file("xlsx", summary, figures, translator("vi"), inputs)))
            first = sheet.worksheets[0]
            assert (first["A1"].value, first["A2"].value) == ("UBND THÀNH PHỐ HẢI PHÒNG", "SỞ TÀI CHÍNH")
            cells = [str(c.value) for row in first.iter_rows() for c in row if c.value]
            assert any(c.startswith("Hải Phòng, ngày") for c in cells)
            assert any("của Sở Tài chính)" in c for c in cells)
            english = docx.Document(io.BytesIO(summary_file("docx", summary, figures, translator("en"), inputs)))
            header = english.tables[0].rows[0].cells
            assert "DEPARTMENT OF FINANCE" in header[0].text and "Hai Phong, " in header[1].text
    old, new = heads["2024"], heads["2025"]
    assert (old.agency("vi"), old.parent("vi"), old.place("vi")) == (
        "Sở Kế hoạch và Đầu tư",
        "Ủy ban nhân dân tỉnh Hải Dương",
        "Hải Dương",
    )
    assert (new.agency("vi"), new.place("vi"), new.place("en")) == ("Sở Tài chính", "Hải Phòng", "Hai Phong")
