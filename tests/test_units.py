"""Figures that cannot be mis-scaled, in the pure domain: multiplier words read against the item's unit,
separators that read two ways, the prompts' examples in each locale, the first-period plausible range,
and the shared table of units' English forms."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.domain.catalogue import CatalogueError, parse_catalogue
from bot.domain.models import Comparator, DataElement, ElementType, Indicator, Target
from bot.domain.numbers import parse_number
from bot.domain.rendering import prompt
from bot.domain.units import (
    EXAMPLE_VALUES,
    UnitKind,
    money_scale,
    parse_unit_table,
    shipped_units,
    typing_examples,
    unit_kind,
    unit_label,
)
from bot.domain.validation import Accepted, NeedsConfirmation, Rejected, plausible_range, validate_number
from bot.i18n import translator


def element(kind: ElementType, unit: str, low: float | None = None, code: str = "x") -> DataElement:
    return DataElement(id=1, programme_id=1, code=code, name_vi=code, name_en=code, type=kind, unit=unit, min_value=low)


TY = element(ElementType.NUMBER, "tỷ đồng", 0)
TRIEU = element(ElementType.NUMBER, "triệu đồng", 0)
DONG = element(ElementType.NUMBER, "đồng", 0)
PER_CAPITA = element(ElementType.NUMBER, "triệu đồng/người/năm", 0)
PEOPLE = element(ElementType.COUNT, "người")
BEDS = element(ElementType.NUMBER, "giường/vạn dân", 0)
SHARE = element(ElementType.PERCENT, "%")
GROWTH = element(ElementType.NUMBER, "%/năm", -30, "growth")


def scaled(number: float, typed: str) -> NeedsConfirmation:
    return NeedsConfirmation(number, None, "scaled", typed=typed)


@pytest.mark.parametrize(
    ("item", "typed", "verdict"),
    [
        # tỷ đồng: a word that is the unit's own scale leaves the figure as typed, nothing to echo
        (TY, "1,2 tỷ", Accepted(1.2)),
        (TY, "1,2 tỉ", Accepted(1.2)),
        (TY, "150 nghìn tỷ", scaled(150_000, "150 nghìn tỷ")),
        (TY, "200 triệu", scaled(0.2, "200 triệu")),
        (TY, "1.5 billion", Accepted(1.5)),
        (TY, "145.000", Accepted(145_000)),
        # triệu đồng
        (TRIEU, "1,2 tỷ", scaled(1200, "1,2 tỷ")),
        (TRIEU, "200 triệu", Accepted(200)),
        (TRIEU, "150 nghìn tỷ", scaled(150_000_000, "150 nghìn tỷ")),
        (TRIEU, "500 nghìn", scaled(0.5, "500 nghìn")),
        # đồng
        (DONG, "1,2 tỷ", scaled(1_200_000_000, "1,2 tỷ")),
        # money per person per year: the scale of its first part
        (PER_CAPITA, "1,2 tỷ", scaled(1200, "1,2 tỷ")),
        (PER_CAPITA, "120 triệu", Accepted(120)),
        # things counted: the word multiplies, and the figure is echoed
        (PEOPLE, "1,2 triệu", scaled(1_200_000, "1,2 triệu")),
        (PEOPLE, "1,2 tỷ", scaled(1_200_000_000, "1,2 tỷ")),
        (BEDS, "1,2 tỷ", scaled(1_200_000_000, "1,2 tỷ")),
        # the unit written after the figure, or a money unit's currency
        (TY, "145.000 tỷ đồng", Accepted(145_000)),
        (TRIEU, "1,2 tỷ đồng", scaled(1200, "1,2 tỷ đồng")),
        (TRIEU, "1.200 triệu đồng", Accepted(1200)),
        (TRIEU, "2.5 billion VND", scaled(2500, "2.5 billion VND")),
        (PEOPLE, "50 người", Accepted(50)),
        (BEDS, "40,5 giường/vạn dân", Accepted(40.5)),
        (PEOPLE, "50người", Rejected("not_a_number")),
        (PEOPLE, "50 giường", Rejected("not_a_number")),  # another unit is not this item's
        # shares: a multiplier word means nothing
        (SHARE, "1,2 tỷ", Rejected("multiplier_in_share", {"word": "tỷ"})),
        (GROWTH, "9 triệu", Rejected("multiplier_in_share", {"word": "triệu"})),
    ],
)
def test_a_multiplier_word_is_read_against_the_unit(item: DataElement, typed: str, verdict: object) -> None:
    assert validate_number(item, typed, "vi", None) == verdict


@pytest.mark.parametrize(
    ("unit", "kind", "scale"),
    [
        ("tỷ đồng", UnitKind.MONEY, Decimal(10) ** 9),
        ("nghìn tỷ đồng", UnitKind.MONEY, Decimal(10) ** 12),
        ("triệu đồng/người/năm", UnitKind.MONEY, Decimal(10) ** 6),
        ("đồng", UnitKind.MONEY, Decimal(1)),
        ("triệu USD", UnitKind.MONEY, Decimal(10) ** 6),
        ("%", UnitKind.SHARE, None),
        ("% GRDP", UnitKind.SHARE, None),
        ("người", UnitKind.OTHER, None),
        ("giường/vạn dân", UnitKind.OTHER, None),
    ],
)
def test_unit_kinds_and_scales(unit: str, kind: UnitKind, scale: Decimal | None) -> None:
    assert unit_kind(unit) is kind
    assert money_scale(unit) == scale


@pytest.mark.parametrize(
    ("locale", "typed", "value", "alternative"),
    [
        ("en", "1.234", 1.234, 1234),  # English decimal point, Vietnamese grouping: asked
        ("en", "1,234", 1234, None),  # the English example
        ("en", "9.5", 9.5, None),
        ("en", "9,5", 9.5, None),  # one reading only
        ("en", "1.234.567", 1_234_567, None),
        ("en", "1.200 triệu", 1.2, 1200),  # with a word, in triệu đồng
        ("vi", "1.234", 1234, None),  # the Vietnamese habit stays
        ("vi", "1,234", 1.234, 1234),  # Vietnamese decimal comma, English grouping: asked
        ("vi", "9,5", 9.5, None),
        ("vi", "9.5", 9.5, None),
        ("vi", "12,5", 12.5, None),
    ],
)
def test_a_separator_that_reads_two_ways_is_asked(
    locale: str, typed: str, value: float, alternative: float | None
) -> None:
    verdict = validate_number(TRIEU, typed, locale, None)
    if alternative is None:
        assert verdict == Accepted(value)
    else:
        assert verdict == NeedsConfirmation(value, None, "ambiguous", alternative, typed)


def test_an_ambiguous_separator_in_a_count_offers_the_only_reading_that_fits() -> None:
    assert validate_number(PEOPLE, "1.234", "en", None) == NeedsConfirmation(1234, None, "separator", typed="1.234")
    assert validate_number(PEOPLE, "1,234", "vi", None) == NeedsConfirmation(1234, None, "separator", typed="1,234")
    assert validate_number(SHARE, "1,234", "en", None) == NeedsConfirmation(1.234, None, "separator", typed="1,234")
    assert validate_number(SHARE, "1.234", "en", None) == Accepted(1.234)  # 1234 % cannot be: nothing to ask
    assert validate_number(SHARE, "1,5", "en", None) == Accepted(1.5)  # one reading only


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_the_prompts_examples_parse_to_what_they_show(locale: str) -> None:
    examples = typing_examples(locale)
    for name, shown in examples.items():
        parsed = parse_number(shown, locale)
        assert parsed.value == EXAMPLE_VALUES[name], (locale, shown)
        assert not parsed.ambiguous, (locale, shown)  # read without a question
    t = translator(locale)
    money = prompt(TRIEU, t)
    for name in ("thousands", "decimal", "millions", "billions"):
        assert examples[name] in money
    assert examples["thousands"] in prompt(PEOPLE, t)
    assert examples["decimal"] in prompt(SHARE, t)
    assert examples["millions"] not in prompt(BEDS, t)  # only money reads a word against its unit


def test_the_english_prompts_show_english_numbers() -> None:
    t = translator("en")
    assert prompt(TRIEU, t) == "Type a number, e.g. 1,234 or 9.5 (200 million and 1.2 billion work too)."
    assert prompt(PEOPLE, t) == "Type a whole number, e.g. 1,234."
    assert prompt(SHARE, t) == "Type a percentage from 0 to 100, e.g. 95 or 9.5."
    vi = translator("vi")
    assert prompt(TRIEU, vi) == "Hãy gõ một số, ví dụ 1.234 hoặc 9,5 (có thể viết 200 triệu, 1,2 tỷ)."


def indicator(code: str, unit: str, target: float | None, baseline: float | None = None) -> Indicator:
    return Indicator(
        id=1,
        programme_id=1,
        code="I",
        area="economy",
        name_vi="i",
        name_en="i",
        unit=unit,
        target=Target(comparator=Comparator.GE, value=target, year=2030) if target is not None else None,
        baseline_value=baseline,
        aggregation="sum",
        element=code,
    )


def test_the_plausible_range_comes_from_the_target_then_the_unit() -> None:
    beds = element(ElementType.COUNT, "giường", code="beds")
    assert plausible_range(beds, [indicator("beds", "giường", 8000)]) == (8.0, 80_000.0)
    assert plausible_range(beds, [indicator("beds", "giường", 8000, baseline=10_000)]) == (10.0, 100_000.0)
    assert plausible_range(beds, [indicator("beds", "giường/vạn dân", 40)]) is None  # another unit
    assert plausible_range(beds, [indicator("other", "giường", 40)]) is None  # another element
    assert plausible_range(TY, []) == (0.001, 10_000_000.0)
    assert plausible_range(TRIEU, []) == (1.0, 10_000_000_000.0)
    assert plausible_range(PEOPLE, []) == (0.0, 100_000_000.0)
    assert plausible_range(GROWTH, []) is None


@pytest.mark.parametrize(
    ("typed", "previous", "asks"),
    [
        ("145.000", None, False),
        ("145.000.000.000", None, True),  # in đồng, not tỷ đồng: above Vietnam's GDP
        ("0,0001", None, True),  # 100.000 đồng: below a province's accounts
        ("0", None, False),  # zero is never implausible
        ("145.000.000.000", 100_000.0, True),  # with a previous figure the jump rule asks
    ],
)
def test_a_first_period_figure_out_of_range_asks(typed: str, previous: float | None, asks: bool) -> None:
    verdict = validate_number(TY, typed, "vi", previous, plausible_range(TY, []))
    assert isinstance(verdict, NeedsConfirmation) is asks
    if asks:
        assert verdict.reason == ("implausible" if previous is None else "jump_ratio")


def test_units_show_in_the_readers_language() -> None:
    assert unit_label("tỷ đồng", "en") == "billion VND"
    assert unit_label("tỷ đồng", "vi") == "tỷ đồng"
    assert unit_label("giường/vạn dân", "en") == "beds per 10,000 people"
    assert unit_label("đơn vị đo lạ", "en") == "đơn vị đo lạ"  # stored before the table: shown as written
    assert all(english.strip() for english in shipped_units().values())


def test_the_unit_table_is_validated_with_lines() -> None:
    with pytest.raises(CatalogueError) as caught:
        parse_unit_table('units:\n  "tỷ đồng": "billion VND"\n  "người": ""\n  "tỷ đồng": "x"\n', "units.yaml")
    text = str(caught.value)
    assert "units.yaml:4: units.tỷ đồng: key given twice" in text
    with pytest.raises(CatalogueError) as caught:
        parse_unit_table('units:\n  "người": ""\n', "units.yaml")
    assert str(caught.value).startswith("units.yaml:2: units.người:")
    with pytest.raises(CatalogueError) as caught:
        parse_unit_table("unit:\n  a: b\n", "units.yaml")
    assert "units.yaml:1" in str(caught.value)


def test_a_catalogue_unit_without_an_english_form_is_refused_with_its_line() -> None:
    text = """programme:
  code: T-U
  title_vi: "Thử"
  title_en: "Test"
  horizon_year: 2030
elements:
  - code: water
    name_vi: "Nước sạch"
    name_en: "Clean water"
    type: number
    unit: "m3/ngày đêm"
    reporters: [STC]
"""
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue(text, "t-u.yaml")
    assert str(caught.value) == (
        "t-u.yaml:11: elements[0].unit: unit 'm3/ngày đêm' has no English form: add it to bot/catalogues/units.yaml"
    )
    assert parse_catalogue(text.replace("m3/ngày đêm", "tấn/ngày"), "t-u.yaml").spec.elements[0].unit == "tấn/ngày"
