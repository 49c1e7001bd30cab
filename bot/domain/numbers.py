"""Numbers as people type them on a phone, in Vietnamese or English habits.

`9,5` is nine and a half in Vietnamese, `1.234.567` groups thousands, `200 triệu` is 200 million. The
user's own locale is tried first, with Babel's strict parsing (which refuses misplaced group separators),
then the other supported locale, so `9.5` from a Vietnamese user still means nine and a half.

What each locale accepts, and what it asks about:

| typed                  | vi                             | en                             |
|------------------------|--------------------------------|--------------------------------|
| `9,5`                  | 9.5                            | 9.5 (the only reading)         |
| `9.5`                  | 9.5 (the only reading)         | 9.5                            |
| `1.234`                | 1234                           | asked: 1.234 or 1234           |
| `1,234`                | asked: 1.234 or 1234           | 1234                           |
| `1.234.567`, `1.234,5` | 1234567, 1234.5                | the same (the only reading)    |
| `1,234,567`, `1,234.5` | 1234567, 1234.5 (only reading) | the same                       |

A string that both locales read, with different values, is ambiguous only when the user's own locale reads
its separator as the decimal sign: a single `.` (English) or `,` (Vietnamese) followed by exactly three
digits, which is how the other locale groups thousands. Then `ParsedNumber.ambiguous` is set, `alternative`
holds the other reading, and the conversation asks which one was meant instead of saving a value 1,000
times off. The locale's own grouping (`1.234` in Vietnamese, `1,234` in English) is what the prompts show
and is read without a question; its other reading is still kept in `alternative`, offered only when the
first does not fit the item (`1,234` typed in English for a percentage reads 1.234 %, after an echo).
The prompts' examples (`9,5`, `1.234` in Vietnamese; `9.5`, `1,234` in English) are formatted by
`format_number` in the same locale (`bot.domain.units.typing_examples`), and a test checks that they parse
to what they show.

Multiplier words (`triệu`, `1,2 tỷ`, `150 nghìn tỷ`, `2.5 million`) are read here as their factor; what
they mean for an item depends on its unit, which `bot.domain.units` decides.

What a phone or a copy-paste adds is decided here, once:
- fullwidth digits and signs (`９,５`, `１２％`), which a CJK or fullwidth keyboard mode types, mean their
  ASCII selves and are read as such, and so is the minus sign U+2212;
- invisible characters that copying from a web page or a chat brings along (zero-width space, joiners,
  the byte-order mark, left-to-right and right-to-left marks, the soft hyphen) are dropped: they change
  neither the digits nor their order;
- characters that reorder what the user sees (bidi embeddings, overrides and isolates such as U+202E) and
  control characters make the text unreadable as a number: the user cannot see what they sent;
- digits of other scripts (Arabic-Indic `٩`, Devanagari, superscripts) are not read: nobody here types
  them on purpose, and reading them would only hide a wrong keyboard;
- `NaN`, `inf` and `1e5` are not numbers people type; more than MAX_LENGTH characters is not a figure.

`format_number` is total: any float or Decimal renders, including a figure stored before limits existed
(10²⁸ is written in full, beyond FULL_DIGITS_BELOW in scientific form) and infinities; it never shows `-0`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext

from babel.numbers import (
    NumberFormatError,
    format_decimal,
    format_scientific,
    get_decimal_symbol,
    parse_decimal,
)

# Multiplier words, longest first so "nghìn tỷ" wins over "tỷ".
MULTIPLIERS: tuple[tuple[str, Decimal], ...] = (
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
    ("trillion", Decimal(10) ** 12),
    ("tr", Decimal(10) ** 6),
    ("k", Decimal(10) ** 3),
)
_LOCALES = ("vi", "en")
_ASCII_DIGITS = "0123456789"
_SPACE_BETWEEN_DIGITS = re.compile(r"(?<=[0-9])[\s\u00a0\u202f](?=[0-9])")
_SHAPE = re.compile(r"[+-]?[0-9][0-9.,]*")
MAX_LENGTH = 64  # longer than any figure with its unit word ("1.234.567.890.123,45 nghìn tỷ" is 29)

_FULLWIDTH = str.maketrans(
    {chr(0xFF10 + digit): str(digit) for digit in range(10)}
    | {"，": ",", "．": ".", "％": "%", "＋": "+", "－": "-", "\u3000": " ", "\u2212": "-"}
)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"))
_REORDERING = re.compile("[\u202a-\u202e\u2066-\u2069]")
_WHITESPACE_CONTROLS = "\t\n\r"

FULL_DIGITS_BELOW = Decimal(10) ** 18  # from here on a number is shown as 1,23E28: no one reads 19 digits


class NumberParseError(ValueError):
    """The text is not a number in any accepted form."""


@dataclass(frozen=True)
class ParsedNumber:
    value: Decimal  # the figure times its multiplier word's factor
    percent: bool = False  # the user typed a % sign
    multiplier: str | None = None  # the multiplier word typed ("tỷ"), if any
    factor: Decimal = Decimal(1)  # what that word multiplies by
    alternative: Decimal | None = None  # the other locale's reading of a lone separator, times factor
    ambiguous: bool = False  # the user's locale read that separator as its decimal sign: ask which

    @property
    def figure(self) -> Decimal:
        """The digits typed, without the multiplier word."""
        return self.value / self.factor


def parse_number(text: str, locale: str = "vi") -> ParsedNumber:
    """Parse a typed number, or raise NumberParseError (the only exception it raises)."""
    cleaned = " ".join(_normalised(text).lower().split())
    if not cleaned:
        raise NumberParseError("empty")
    percent = cleaned.endswith("%")
    cleaned = cleaned.removesuffix("%").strip()
    word, multiplier = None, Decimal(1)
    for candidate, factor in MULTIPLIERS:
        if cleaned.endswith(candidate) and not percent:
            head = cleaned.removesuffix(candidate).rstrip()
            if head and head[-1] in _ASCII_DIGITS:
                cleaned, word, multiplier = head, candidate, factor
                break
    cleaned = _SPACE_BETWEEN_DIGITS.sub("", cleaned)
    if not _SHAPE.fullmatch(cleaned):
        raise NumberParseError(text)
    value = _parse_decimal_any_locale(cleaned, locale)
    other = _other_reading(cleaned, locale, value)
    return ParsedNumber(
        value=value * multiplier,
        percent=percent,
        multiplier=word,
        factor=multiplier,
        alternative=None if other is None else other * multiplier,
        ambiguous=other is not None and decimal_sign(locale) in cleaned,
    )


def decimal_sign(locale: str) -> str:
    """The locale's decimal sign: `,` in Vietnamese, `.` in English."""
    return get_decimal_symbol(locale)


def _other_reading(text: str, locale: str, value: Decimal) -> Decimal | None:
    """The other locale's reading of a lone separator (`1.234`, `1,234`) when it is a different number;
    else None."""
    if text.count(".") + text.count(",") != 1:
        return None
    for other in _LOCALES:
        if other == locale:
            continue
        try:
            reading = parse_decimal(text, locale=other, strict=True)
        except (NumberFormatError, InvalidOperation):
            continue
        if reading != value:
            return reading
    return None


def _normalised(text: str) -> str:
    """The text with fullwidth forms read as ASCII and invisible characters dropped; NumberParseError if
    it is too long, or holds characters that reorder the display or control characters."""
    if len(text) > MAX_LENGTH:
        raise NumberParseError("too long")
    if _REORDERING.search(text):
        raise NumberParseError("reordering characters")
    text = text.translate(_FULLWIDTH).translate(_INVISIBLE)
    if any(unicodedata.category(char) == "Cc" and char not in _WHITESPACE_CONTROLS for char in text):
        raise NumberParseError("control characters")
    return text


def _parse_decimal_any_locale(text: str, locale: str) -> Decimal:
    order = (locale, *(other for other in _LOCALES if other != locale))
    for candidate in order:
        try:
            return parse_decimal(text, locale=candidate, strict=True)
        except (NumberFormatError, InvalidOperation):
            continue
    raise NumberParseError(text)


def format_number(value: float | Decimal | None, locale: str, *, digits: int = 2) -> str:
    """A number for display in the user's locale, with at most `digits` decimals; '–' for none.

    Total: any float or Decimal renders (an infinity as ∞, NaN as '–'), and a rounded zero never as -0."""
    if value is None:
        return "–"
    number = value if isinstance(value, Decimal) else _decimal(value)
    if number.is_nan():
        return "–"
    if number.is_infinite():
        return "-∞" if number < 0 else "∞"
    if abs(number) >= FULL_DIGITS_BELOW:
        return format_scientific(number, format="0.##E0", locale=locale)
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    # Babel rounds within the current decimal context; 28 digits (the default) cannot hold 10^18 with
    # decimals, and a caller's context must not change what a user reads.
    with localcontext() as context:
        context.prec = 40 + max(digits, 0)
        rounded = number.quantize(Decimal(1).scaleb(-max(digits, 0)))
        if rounded.is_zero():
            rounded = abs(rounded)
        return format_decimal(rounded, format=pattern, locale=locale)


def decimals_needed(value: float, *, at_least: int = 0, at_most: int = 6) -> int:
    """How many decimals show `value` exactly (its shortest repr), within [at_least, at_most]: an echo of
    1.234 must not read 1.23."""
    number = _decimal(value)
    if not number.is_finite():
        return at_least
    exponent = int(number.normalize().as_tuple().exponent)
    return max(at_least, min(at_most, -exponent))


def _decimal(value: float | int) -> Decimal:
    """A float as the Decimal of its shortest repr (0.1 is 0.1, not 0.1000000000000000055…)."""
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(repr(float(value)))
