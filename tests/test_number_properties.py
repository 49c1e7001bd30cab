"""Generated input against the number parser, the value checks and the screens that show a value.

The properties: any text gets a verdict and nothing else (no exception but NumberParseError from the
parser, none at all from validation); an accepted figure is finite, within the item's range and ±LIMIT, and
never -0; any float or Decimal renders in vi and en (figures stored before the limits included); and a
figure shown to the user reads back as the figure stored, to the digits shown. The odd inputs the issue
names are pinned in a table with the decision taken for each.

Examples are derandomized (the same on every run, so CI never flakes on a new draw) and no example
database is written; raise `max_examples` locally to search further.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.domain.models import Answer, DataElement, ElementType, Value
from bot.domain.numbers import FULL_DIGITS_BELOW, NumberParseError, format_number, parse_number
from bot.domain.rendering import format_number_with_unit, format_value, rejection_text
from bot.domain.validation import (
    LIMIT,
    Accepted,
    NeedsConfirmation,
    Rejected,
    validate_number,
    validate_task_percent,
)
from bot.i18n import translator

PROPERTIES = settings(max_examples=400, deadline=None, database=None, derandomize=True)
LOCALES = st.sampled_from(["vi", "en"])

# Pieces people (and fuzzers) put in a figure: digits of several scripts, separators, signs, spaces,
# multiplier words, and the invisible or reordering characters a copy-paste brings.
PIECES = [
    *"0123456789",
    *".,,..",
    *"+-%",
    " ",
    "\u00a0",
    "０",
    "９",
    "，",
    "．",
    "％",
    "\u2212",
    "٩",
    "٫",
    "²",
    "\u200b",
    "\ufeff",
    "\u202e",
    "\x00",
    "\x1f",
    "e",
    "E",
    "inf",
    "NaN",
    "triệu",
    " tỷ",
    "k",
    "nghìn tỷ",
    "0000000000",
    "9999999999",
]
NUMBERISH = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
ANY_TEXT = st.one_of(st.text(max_size=200), NUMBERISH, st.text(alphabet="0123456789.,", min_size=1, max_size=80))

BOUNDS = st.one_of(
    st.none(), st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, 100.0, -30.0, 50.0])
)


@st.composite
def elements(draw: st.DrawFn) -> DataElement:
    """A numeric data element with any bounds, even ones a database from before might hold."""
    low, high = draw(BOUNDS), draw(BOUNDS)
    return DataElement(
        id=1,
        programme_id=1,
        code="x",
        name_vi="Mục",
        name_en="Item",
        type=draw(st.sampled_from([ElementType.NUMBER, ElementType.COUNT, ElementType.PERCENT])),
        unit=draw(st.sampled_from(["", "%", "xã", "tỷ đồng", "<b>&"])),
        min_value=low,
        max_value=high,
    )


def stored(number: float | None, answer: Answer = Answer.VALUE) -> Value:
    return Value(
        period_id=1,
        agency_code="SYT",
        element_code="x",
        answer=answer,
        number=number,
        updated_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


@PROPERTIES
@given(ANY_TEXT, LOCALES)
@example("1" * 4096, "vi")
@example("1" + "0" * 28, "vi")
@example("1e309", "en")
def test_the_parser_raises_nothing_but_its_own_error(text: str, locale: str) -> None:
    try:
        parsed = parse_number(text, locale)
    except NumberParseError:
        return
    assert parsed.value.is_finite()


@PROPERTIES
@given(elements(), ANY_TEXT, LOCALES, st.one_of(st.none(), st.floats()))
@example(
    DataElement(id=1, programme_id=1, code="x", name_vi="x", name_en="x", type=ElementType.COUNT),
    "1" + "0" * 28,
    "vi",
    None,
)
def test_any_text_gets_a_verdict_and_an_accepted_figure_is_storable(
    element: DataElement, text: str, locale: str, previous: float | None
) -> None:
    verdict = validate_number(element, text, locale, previous)
    assert isinstance(verdict, Accepted | Rejected | NeedsConfirmation)
    if isinstance(verdict, Rejected):
        return
    number = verdict.number
    assert math.isfinite(number) and abs(number) <= LIMIT
    assert math.copysign(1.0, number) == 1.0 or number != 0  # never -0
    if element.min_value is not None and math.isfinite(element.min_value):
        assert number >= element.min_value
    if element.max_value is not None and math.isfinite(element.max_value):
        assert number <= element.max_value
    if element.type is ElementType.COUNT:
        assert number >= 0 and number == int(number)
    if element.type is ElementType.PERCENT and element.min_value is None and element.max_value is None:
        assert 0 <= number <= 100


@PROPERTIES
@given(elements(), ANY_TEXT, LOCALES, st.one_of(st.none(), st.floats()))
def test_every_verdict_renders_in_both_languages(
    element: DataElement, text: str, locale: str, previous: float | None
) -> None:
    verdict = validate_number(element, text, locale, previous)
    for language in ("vi", "en"):
        t = translator(language)
        if isinstance(verdict, Rejected):
            assert rejection_text(verdict.reason, verdict.params, element, t).startswith("⚠️")
        else:
            shown = format_value(element, stored(verdict.number), t)
            figure = shown.split()[0]
            assert not figure.startswith("-") or any(char in "123456789" for char in figure)  # never -0
        if isinstance(verdict, NeedsConfirmation):
            assert format_number_with_unit(element, verdict.previous, t)


@PROPERTIES
@given(
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.decimals(allow_nan=True, allow_infinity=True),
        st.integers(min_value=-(10**400), max_value=10**400),
        st.none(),
    ),
    LOCALES,
    st.integers(min_value=0, max_value=6),
)
@example(1e28, "vi", 2)
@example(-0.0, "en", 0)
@example(Decimal("-0.004"), "vi", 2)
def test_any_stored_number_renders(value: float | Decimal | None, locale: str, digits: int) -> None:
    shown = format_number(value, locale, digits=digits)  # type: ignore[arg-type]  # ints too
    assert shown
    if shown.startswith("-") and not shown.startswith("-∞"):
        assert any(char in "123456789" for char in shown)  # no -0, -0,00


@PROPERTIES
@given(st.floats(min_value=-LIMIT, max_value=LIMIT), LOCALES, st.sampled_from([0, 2]))
@example(0.1, "vi", 2)
@example(1234.5, "vi", 0)
@example(LIMIT, "en", 2)
def test_a_shown_figure_reads_back_as_the_stored_one(number: float, locale: str, digits: int) -> None:
    shown = format_number(number, locale, digits=digits)
    expected = Decimal(repr(number)).quantize(Decimal(1).scaleb(-digits))
    assert parse_number(shown, locale).value == expected


@PROPERTIES
@given(st.decimals(min_value=-LIMIT + 1, max_value=LIMIT - 1, places=2), LOCALES)
def test_a_figure_typed_as_the_bot_shows_figures_is_accepted_as_it_is(figure: Decimal, locale: str) -> None:
    item = DataElement(id=1, programme_id=1, code="x", name_vi="x", name_en="x", type=ElementType.NUMBER)
    typed = format_number(figure, locale, digits=2)
    verdict = validate_number(item, typed, locale, None)
    assert isinstance(verdict, Accepted) and verdict.number == float(figure)


@PROPERTIES
@given(ANY_TEXT, LOCALES)
def test_a_task_percent_is_a_verdict_within_0_to_100(text: str, locale: str) -> None:
    verdict = validate_task_percent(text, locale)
    if isinstance(verdict, Accepted):
        assert 0 <= verdict.number <= 100 and math.copysign(1.0, verdict.number) == 1.0


COUNT = DataElement(id=1, programme_id=1, code="x", name_vi="x", name_en="x", type=ElementType.COUNT, unit="xã")
NUMBER = DataElement(id=1, programme_id=1, code="x", name_vi="x", name_en="x", type=ElementType.NUMBER)


@pytest.mark.parametrize(
    ("typed", "verdict"),
    [
        ("1" + "0" * 28, Rejected("above_max", {"max": LIMIT})),  # 10^28: the wedge of the issue
        ("1.000.000.000.000.001", Rejected("above_max", {"max": LIMIT})),  # just over a quadrillion
        ("1.000.000.000.000.000", Accepted(LIMIT)),
        ("1e309", Rejected("not_a_number")),  # no exponents: nobody types one, and 1e309 is infinite
        ("NaN", Rejected("not_a_number")),
        ("inf", Rejected("not_a_number")),
        ("-0", Accepted(0.0)),
        ("９,５", Rejected("count_not_whole")),  # fullwidth: read as 9,5
        ("１２３", Accepted(123.0)),
        ("１２％", Rejected("count_not_percent")),
        ("٩", Rejected("not_a_number")),  # Arabic-Indic digits: refused
        ("٩٫٥", Rejected("not_a_number")),
        ("10²⁸", Rejected("not_a_number")),  # superscripts are not digits
        ("1" * 4096, Rejected("not_a_number")),  # over MAX_LENGTH
        ("1\u200b2", Accepted(12.0)),  # a zero-width space from a copy-paste is dropped
        ("\ufeff12", Accepted(12.0)),  # so is a byte-order mark
        ("\u202e12", Rejected("not_a_number")),  # a right-to-left override would show 21: refused
        ("1\x002", Rejected("not_a_number")),  # control characters
        ("1\x1f2", Rejected("not_a_number")),
        ("\u22125", Rejected("below_min", {"min": 0.0})),  # the minus sign U+2212 is a minus
    ],
)
def test_the_odd_inputs_of_the_issue(typed: str, verdict: object) -> None:
    assert validate_number(COUNT, typed, "vi", None) == verdict


def test_negative_zero_is_stored_as_zero() -> None:
    verdict = validate_number(NUMBER, "-0,00", "vi", None)
    assert isinstance(verdict, Accepted) and math.copysign(1.0, verdict.number) == 1.0


@pytest.mark.parametrize(
    ("value", "vi", "en"),
    [
        (1e28, "1E28", "1E28"),  # stored before the limits: shown, not a crash
        (1e27, "1E27", "1E27"),
        (float(FULL_DIGITS_BELOW) / 10, "100.000.000.000.000.000", "100,000,000,000,000,000"),
        (float("inf"), "∞", "∞"),
        (float("nan"), "–", "–"),
        (-0.0, "0", "0"),
        (-0.004, "0", "0"),
    ],
)
def test_figures_stored_before_the_limits_render(value: float, vi: str, en: str) -> None:
    assert (format_number(value, "vi"), format_number(value, "en")) == (vi, en)
    assert format_value(COUNT, stored(value), translator("vi")).endswith(" xã")
