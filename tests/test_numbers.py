from decimal import Decimal

import pytest

from bot.domain.numbers import NumberParseError, format_number, parse_number


@pytest.mark.parametrize(
    ("text", "locale", "expected", "percent"),
    [
        ("9,5", "vi", "9.5", False),
        ("9.5", "vi", "9.5", False),
        ("9,5", "en", "9.5", False),
        ("9.5", "en", "9.5", False),
        ("1.234.567", "vi", "1234567", False),
        ("1,234,567", "vi", "1234567", False),
        ("1.234.567", "en", "1234567", False),
        ("1,234,567", "en", "1234567", False),
        ("1.234", "vi", "1234", False),  # ambiguous: Vietnamese groups thousands with a dot
        ("1.234", "en", "1.234", False),  # ... English writes decimals with one
        ("1,234", "vi", "1.234", False),
        ("1,234", "en", "1234", False),
        ("95%", "vi", "95", True),
        ("95 %", "en", "95", True),
        ("0,5%", "vi", "0.5", True),
        ("200 triệu", "vi", "200000000", False),
        ("1,2 tỷ", "vi", "1200000000", False),
        ("1,2 tỉ", "vi", "1200000000", False),
        ("3 nghìn", "vi", "3000", False),
        ("2.5 million", "en", "2500000", False),
        ("1 234 567", "vi", "1234567", False),
        ("-5", "vi", "-5", False),
        ("  42  ", "vi", "42", False),
    ],
)
def test_parses_vietnamese_and_english_forms(text: str, locale: str, expected: str, percent: bool) -> None:
    parsed = parse_number(text, locale)
    assert parsed.value == Decimal(expected)
    assert parsed.percent is percent


@pytest.mark.parametrize("text", ["12abc", "", "   ", "--5", "1,2,3", "1.2.3", "abc", "5-", "%", "triệu"])
@pytest.mark.parametrize("locale", ["vi", "en"])
def test_rejects_what_is_not_a_number(text: str, locale: str) -> None:
    with pytest.raises(NumberParseError):
        parse_number(text, locale)


def test_formats_per_locale() -> None:
    assert format_number(1234567.5, "vi") == "1.234.567,5"
    assert format_number(1234567.5, "en") == "1,234,567.5"
    assert format_number(None, "vi") == "–"
