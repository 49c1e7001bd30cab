"""Numbers as people type them on a phone, in Vietnamese or English habits.

`9,5` is nine and a half in Vietnamese, `1.234.567` groups thousands, `200 triệu` is 200 million. The
user's own locale is tried first, with Babel's strict parsing (which refuses misplaced group separators),
then the other supported locale, so `9.5` from a Vietnamese user still means nine and a half. Only a string
that is valid in both and means different things (`1.234`) depends on the locale, and the user's wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from babel.numbers import NumberFormatError, format_decimal, parse_decimal

# Multiplier words, longest first so "nghìn tỷ" wins over "tỷ".
_MULTIPLIERS: tuple[tuple[str, Decimal], ...] = (
    ("nghìn tỷ", Decimal(10) ** 12),
    ("ngàn tỷ", Decimal(10) ** 12),
    ("nghìn", Decimal(10) ** 3),
    ("ngàn", Decimal(10) ** 3),
    ("triệu", Decimal(10) ** 6),
    ("tỷ", Decimal(10) ** 9),
    ("tỉ", Decimal(10) ** 9),
    ("thousand", Decimal(10) ** 3),
    ("million", Decimal(10) ** 6),
    ("billion", Decimal(10) ** 9),
    ("tr", Decimal(10) ** 6),
    ("k", Decimal(10) ** 3),
)
_LOCALES = ("vi", "en")
_SPACE_BETWEEN_DIGITS = re.compile(r"(?<=\d)[\s\u00a0\u202f](?=\d)")
_SHAPE = re.compile(r"[+-]?\d[\d.,]*")


class NumberParseError(ValueError):
    """The text is not a number in any accepted form."""


@dataclass(frozen=True)
class ParsedNumber:
    value: Decimal
    percent: bool = False  # the user typed a % sign


def parse_number(text: str, locale: str = "vi") -> ParsedNumber:
    """Parse a typed number, or raise NumberParseError."""
    cleaned = " ".join(text.strip().lower().split())
    if not cleaned:
        raise NumberParseError("empty")
    percent = cleaned.endswith("%")
    cleaned = cleaned.removesuffix("%").strip()
    multiplier = Decimal(1)
    for word, factor in _MULTIPLIERS:
        if cleaned.endswith(word) and not percent:
            head = cleaned.removesuffix(word).rstrip()
            if head and head[-1].isdigit():
                cleaned, multiplier = head, factor
                break
    cleaned = _SPACE_BETWEEN_DIGITS.sub("", cleaned)
    if not _SHAPE.fullmatch(cleaned):
        raise NumberParseError(text)
    value = _parse_decimal_any_locale(cleaned, locale)
    return ParsedNumber(value=value * multiplier, percent=percent)


def _parse_decimal_any_locale(text: str, locale: str) -> Decimal:
    order = (locale, *(other for other in _LOCALES if other != locale))
    for candidate in order:
        try:
            return parse_decimal(text, locale=candidate, strict=True)
        except (NumberFormatError, InvalidOperation):
            continue
    raise NumberParseError(text)


def format_number(value: float | Decimal | None, locale: str, *, digits: int = 2) -> str:
    """A number for display in the user's locale, with at most `digits` decimals; '–' for none."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=locale)
