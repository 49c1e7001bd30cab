"""The Excel catalogue template: a round trip gives the same catalogue; errors name sheet, row and column."""

from __future__ import annotations

import io

import openpyxl
import pytest

from bot import services
from bot.domain.catalogue import CatalogueError, read_catalogue_file
from bot.files.catalogue_xlsx import catalogue_to_xlsx, read_catalogue_xlsx


@pytest.mark.parametrize("name", services.SHIPPED_CATALOGUES)
def test_round_trip_gives_the_same_catalogue(name: str) -> None:
    spec = read_catalogue_file(services.shipped_catalogue_dir() / name).spec
    again = read_catalogue_xlsx(catalogue_to_xlsx(spec), "again.xlsx").spec
    assert again == spec


def test_empty_template_has_the_sheets_and_headers() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(catalogue_to_xlsx(None)))
    assert workbook.sheetnames == ["Chương trình", "Mục nhập liệu", "Chỉ tiêu", "Nhiệm vụ"]
    assert workbook["Chỉ tiêu"]["F1"].value == "comparator (so sánh)"


def edited(cell: str, value: str) -> bytes:
    spec = read_catalogue_file(services.shipped_catalogue_dir() / "hai_duong_nq30.yaml").spec
    workbook = openpyxl.load_workbook(io.BytesIO(catalogue_to_xlsx(spec)))
    workbook["Chỉ tiêu"][cell] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("cell", "value", "row", "column"),
    [("F3", "≥≥", 3, "Chỉ tiêu!comparator"), ("Q5", "bedz", 5, "Chỉ tiêu!element")],
)
def test_errors_name_sheet_row_and_column(cell: str, value: str, row: int, column: str) -> None:
    with pytest.raises(CatalogueError) as caught:
        read_catalogue_xlsx(edited(cell, value), "sua.xlsx")
    assert [(p.line, p.field) for p in caught.value.problems] == [(row, column)]
    assert str(caught.value).startswith(f"sua.xlsx:{row}: {column}:")


def test_not_a_workbook() -> None:
    with pytest.raises(CatalogueError, match="not an Excel workbook"):
        read_catalogue_xlsx(b"programme: {}", "x.xlsx")
