"""Catalogue validation: every problem names the file, the line and the field."""

from __future__ import annotations

import pytest

from bot.domain.catalogue import CatalogueError, parse_catalogue
from bot.domain.catalogue_diff import diff_catalogue

VALID = """\
programme:
  code: TEST
  title_vi: "Thử"
  title_en: "Test"
  horizon_year: 2030
elements:
  - code: beds
    name_vi: "Giường"
    name_en: "Beds"
    type: count
    reporters: [SYT]
  - code: population
    name_vi: "Dân số"
    name_en: "Population"
    type: count
    reporters: [CTK]
indicators:
  - code: BEDS
    area: society
    name_vi: "Giường bệnh/vạn dân"
    name_en: "Beds per 10,000"
    target: {comparator: ">=", value: 40.5, year: 2030}
    aggregation: ratio
    numerator: beds
    denominator: population
    factor: 10000
"""


def problems(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue(text, "test.yaml")
    return [(p.line, p.field, p.message) for p in caught.value.problems]


def test_valid_catalogue_parses() -> None:
    spec = parse_catalogue(VALID, "test.yaml").spec
    assert spec.indicators[0].target is not None
    assert spec.indicators[0].target.value == 40.5


def test_bad_comparator_names_its_line_and_field() -> None:
    found = problems(VALID.replace('comparator: ">="', 'comparator: "=>"'))
    assert found[0][0] == 22
    assert found[0][1] == "indicators[0].target.comparator"


def test_yaml_syntax_error_names_its_line() -> None:
    broken = VALID.replace("    type: count\n    reporters: [CTK]", "    type: count\n  reporters: [CTK")
    (line, _, message), *_ = problems(broken)
    assert line is not None and line >= 15
    assert "YAML" in message


def test_unknown_element_reference_names_its_line() -> None:
    found = problems(VALID.replace("numerator: beds", "numerator: bedz"))
    assert found == [(24, "indicators[0].numerator", "no data element 'bedz'")]


def test_missing_field_and_wrong_type_are_all_reported() -> None:
    broken = VALID.replace('    name_en: "Beds"\n', "").replace(
        "type: count\n    reporters: [CTK]", "type: counts\n    reporters: [CTK]"
    )
    fields = {field for _, field, _ in problems(broken)}
    assert {"elements[0].name_en", "elements[1].type"} <= fields


def test_ratio_without_denominator_is_refused() -> None:
    found = problems(VALID.replace("    denominator: population\n", ""))
    assert found[0][1] == "indicators[0]"
    assert "denominator" in found[0][2]


def test_error_text_reads_file_line_field() -> None:
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue(VALID.replace("area: society", "area: sport"), "x.yaml")
    assert str(caught.value).startswith("x.yaml:19: indicators[0].area: area must be one of")


def test_diff_by_item() -> None:
    before = parse_catalogue(VALID, "a").spec
    after = parse_catalogue(VALID.replace("value: 40.5", "value: 41"), "b").spec
    diff = diff_catalogue(before, after)
    assert diff.changed == ("indicator:BEDS",) and not diff.added and not diff.removed
    assert diff_catalogue(before, before).empty
