"""Units of measure: the English form a reader of English is shown, and what a multiplier word means in
a unit.

Catalogues write units in Vietnamese ("tỷ đồng", "người", "%/năm"). One shared table,
`bot/catalogues/units.yaml`, gives each its English form; it is validated like a catalogue (file:line for
every problem), and a catalogue naming a unit the table lacks is refused with the item's line, so that an
English reader is never shown a Vietnamese unit. A unit missing all the same (a row stored before the
table) is shown as written.

A money unit says its own scale: the words before the currency ("đồng", "VND", "USD") are a multiplier
word, so "tỷ đồng" is 10⁹ đồng and "triệu đồng/người/năm" 10⁶ đồng per person per year. A figure typed
with a multiplier word is read against that scale (`in_unit`): `1,2 tỷ` in a *tỷ đồng* field is 1,2, in a
*triệu đồng* field 1.200, and `150 nghìn tỷ` in *tỷ đồng* is 150.000. In a share (% units) a multiplier word
means nothing and is refused; in any other unit (người, giường, hộ) it multiplies (`1,2 triệu` people is
1.200.000 people), and the figure is echoed before it is saved, as every figure that differs from what was
typed is.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Annotated

from pydantic import Field

from bot.domain.numbers import MULTIPLIERS, format_number
from bot.domain.spec_parsing import Spec, dotted_field, load_yaml, validate_spec

UNIT_TABLE = "units.yaml"  # in the bot.catalogues package
CURRENCIES = ("đồng", "vnđ", "vnd", "usd")


class UnitKind(StrEnum):
    MONEY = "money"  # an amount of a currency at some scale
    SHARE = "share"  # a percentage ("%", "%/năm", "% GRDP")
    OTHER = "other"  # things counted or measured: people, beds, tonnes per day


class UnitTableSpec(Spec):
    """The shared table: Vietnamese unit → its English form."""

    units: dict[Annotated[str, Field(min_length=1)], Annotated[str, Field(min_length=1)]]


def parse_unit_table(text: str, source: str) -> dict[str, str]:
    """The table's vi → en mapping; CatalogueError with a line for every problem."""
    data, line_of = load_yaml(text, source)
    return dict(validate_spec(data, source, UnitTableSpec, line_of, dotted_field).spec.units)


@cache
def shipped_units() -> Mapping[str, str]:
    """The shipped table, read once."""
    source = resources.files("bot.catalogues").joinpath(UNIT_TABLE)
    return parse_unit_table(source.read_text(encoding="utf-8"), f"bot/catalogues/{UNIT_TABLE}")


def has_english_form(unit: str) -> bool:
    """Whether the shared table gives the unit an English form (no unit needs none)."""
    return not unit.strip() or unit.strip() in shipped_units()


def unit_label(unit: str, locale: str) -> str:
    """The unit as a reader of `locale` is shown it (not escaped)."""
    if locale != "en":
        return unit
    return shipped_units().get(unit.strip(), unit)


def _words(unit: str) -> list[str]:
    """The words of the unit's first part ("triệu đồng" of "triệu đồng/người/năm"), lower case."""
    return unit.split("/", 1)[0].lower().split()


def unit_kind(unit: str) -> UnitKind:
    """Whether the unit is money, a share or anything else."""
    if unit.strip().startswith("%"):
        return UnitKind.SHARE
    words = _words(unit)
    return UnitKind.MONEY if words and words[-1] in CURRENCIES else UnitKind.OTHER


def money_scale(unit: str) -> Decimal | None:
    """How many units of currency one unit is (10⁹ for "tỷ đồng", 1 for "đồng"); None if not money, or if
    the words before the currency are no multiplier this module knows."""
    if unit_kind(unit) is not UnitKind.MONEY:
        return None
    prefix = " ".join(_words(unit)[:-1])
    if not prefix:
        return Decimal(1)
    return next((factor for word, factor in MULTIPLIERS if word == prefix), None)


def without_unit(text: str, unit: str) -> str:
    """The typed text without the item's unit written after the figure (`145.000 tỷ đồng`, `50 người`,
    `12 beds`), or without a money unit's currency (`1,2 tỷ đồng` in *triệu đồng*); a share's `%` stays,
    it is the parser's."""
    if unit_kind(unit) is UnitKind.SHARE:
        return text
    stripped = text.strip()
    lowered = stripped.lower()
    endings = [form.lower() for form in (unit.strip(), unit_label(unit, "en").strip()) if form]
    if unit_kind(unit) is UnitKind.MONEY:
        endings += [_words(unit)[-1], *CURRENCIES]
    for ending in sorted(set(endings), key=len, reverse=True):
        head = lowered.removesuffix(ending)
        if head != lowered and head[-1:].isspace():
            return stripped[: len(head)].rstrip()
    return text


def in_unit(figure: Decimal, factor: Decimal | None, unit: str) -> Decimal:
    """A typed figure with its multiplier word's factor (None: no word, the figure is in the unit already),
    expressed in `unit`: money is divided by the unit's own scale, anything else multiplied."""
    if factor is None:
        return figure
    scale = money_scale(unit)
    return figure * factor / scale if scale else figure * factor


# The examples the prompts show, by name, with the value each must parse to in every locale.
EXAMPLE_VALUES: Mapping[str, Decimal] = {
    "whole": Decimal(95),
    "thousands": Decimal(1234),
    "decimal": Decimal("9.5"),
    "millions": Decimal(200) * 10**6,
    "billions": Decimal("1.2") * 10**9,
}
_SCALE_WORDS = {"vi": ("triệu", "tỷ"), "en": ("million", "billion")}


def typing_examples(locale: str) -> dict[str, str]:
    """The prompts' examples as the locale writes them (`9,5` and `1.234` in Vietnamese, `9.5` and `1,234`
    in English); each parses back to EXAMPLE_VALUES in that locale, without a question."""
    million, billion = _SCALE_WORDS.get(locale, _SCALE_WORDS["vi"])
    return {
        "whole": format_number(EXAMPLE_VALUES["whole"], locale, digits=0),
        "thousands": format_number(EXAMPLE_VALUES["thousands"], locale, digits=0),
        "decimal": format_number(EXAMPLE_VALUES["decimal"], locale),
        "millions": f"{format_number(Decimal(200), locale, digits=0)} {million}",
        "billions": f"{format_number(Decimal('1.2'), locale)} {billion}",
    }
