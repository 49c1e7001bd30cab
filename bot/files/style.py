"""What every summary file shares, so that the workbook, the Word report, the chart and the CSV agree: who
issues the report (the letterhead), how many decimals a figure shows, how each status is coloured, and the
presentation rules of Decree 30/2020/NĐ-CP that apply to them.

Decree 30/2020/NĐ-CP on clerical work (công tác văn thư), Appendix I, as summarised by e.g.
https://giaoan.link/2020/04/dinh-dang-dung-chuan-trong-van-ban-hanh-chinh/ and
https://amvietnam.com/faqs/standard-margin-and-line-spacing-regulations-in-administrative-documents-of-vietnam :
A4 paper, portrait, except that tables may be laid out landscape; margins top and bottom 20-25 mm, left
30-35 mm, right 15-20 mm; Times New Roman (Unicode, TCVN 6909:2001), black; the national motto
(Quốc hiệu) in capitals, 12-13 pt bold, the motto line (Tiêu ngữ) 13-14 pt bold; the agency's name in
capitals 12-13 pt (the parent regular, the issuing agency bold); place and date 13-14 pt italic; body text
13-14 pt; the signatory's title in capitals, bold. An appendix table follows the same font; its cells are
set at 12 pt here, so that a province's table stays legible on one page width.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal

from bot.domain.models import ElementType, Indicator
from bot.domain.progress import Status

FONT = "Times New Roman"
MOTTO_SIZE = 13  # Quốc hiệu, Tiêu ngữ, the agency's name: 12-13 pt
BODY_SIZE = 13  # body text and the place-and-date line: 13-14 pt
TABLE_SIZE = 12  # the appendix table's cells
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}  # the Decree's minimums: a wide table needs room
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
FORM_NUMBER = "01"  # the indicators; the reporting status is form 02
STATUS_FORM_NUMBER = "02"
PLACEHOLDER = "…"


@dataclass(frozen=True)
class Letterhead:
    """Who issues the report: the consolidating agency (the programme's `report_to`), its parent (the
    People's Committee) and the place written before the date. Empty fields print as dotted placeholders
    the officer fills in; nothing is guessed."""

    parent_vi: str = ""
    parent_en: str = ""
    agency_vi: str = ""
    agency_en: str = ""

    def parent(self, locale: str) -> str:
        return (self.parent_en if locale == "en" else self.parent_vi) or self.parent_vi

    def parent_heading(self, locale: str) -> str:
        """The parent as the letterhead prints it: in capitals, "Ủy ban nhân dân" shortened to "UBND" as the
        Decree allows for a parent body's name, so that it fits its half of the page."""
        return _COMMITTEE.sub("UBND", self.parent(locale)).upper()

    def agency(self, locale: str) -> str:
        return (self.agency_en if locale == "en" else self.agency_vi) or self.agency_vi

    def place(self, locale: str) -> str:
        """The place before the date, from the parent's name: "Ủy ban nhân dân thành phố Hải Phòng" gives
        "Hải Phòng", "Hai Phong City People's Committee" gives "Hai Phong"."""
        return place_from(self.parent(locale))


_COMMITTEE = re.compile(r"^(ủy|uỷ) ban nhân dân", re.IGNORECASE)
_PLACE_VI = re.compile(r"^(ủy|uỷ) ban nhân dân\s+(tỉnh|thành phố|huyện|quận|thị xã|xã|phường)?\s*", re.IGNORECASE)
_PLACE_EN = re.compile(r"\s+(city|provincial|province|district|town)?\s*people's committee$", re.IGNORECASE)


def place_from(name: str) -> str:
    """The place a People's Committee's name names ("" when the name is not one)."""
    stripped = _PLACE_VI.sub("", name.strip())
    stripped = _PLACE_EN.sub("", stripped)
    return "" if stripped == name.strip() else stripped.strip()


@dataclass(frozen=True)
class FileInputs:
    """What the files need besides the summary and the answers: the letterhead and the names of the people
    who entered the answers (Telegram id -> name). Built by `bot.services.summary.file_inputs`."""

    letterhead: Letterhead = field(default_factory=Letterhead)
    people: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StatusStyle:
    fill: str  # the workbook cell's background
    colour: str  # the chart's bar
    grey: bool  # "nothing to measure yet": drawn as a grey stub, not as progress


# One line per status (every member of bot.domain.progress.Status; a test checks none is missing). A status
# with nothing to measure yet is drawn as a grey stub.
STATUSES: dict[str, StatusStyle] = {
    Status.ACHIEVED: StatusStyle("C6EFCE", "#2e7d32", grey=False),
    Status.ON_TRACK: StatusStyle("DDEBF7", "#1565c0", grey=False),
    Status.AT_RISK: StatusStyle("FFEB9C", "#f9a825", grey=False),
    Status.OFF_TRACK: StatusStyle("FFC7CE", "#c62828", grey=False),
    Status.NOT_ASSESSABLE: StatusStyle("D9D9D9", "#bdbdbd", grey=True),
    Status.NO_DATA: StatusStyle("F2F2F2", "#9e9e9e", grey=True),
}
UNKNOWN_STATUS = StatusStyle("EDEDED", "#9e9e9e", grey=True)


def status_style(status: str) -> StatusStyle:
    return STATUSES.get(str(status), UNKNOWN_STATUS)


# Units of things counted one by one: shown whole, as the document writes them ("24 đô thị").
_MONEY = ("đồng", "usd", "đô la")


def decimals(unit: str, element_type: ElementType | None = None) -> int:
    """How many decimals a figure in `unit` shows: 0 for counts ("7 đô thị", "1.970.000 người"), 1 for
    percentages and amounts of money ("-2,9 %", "1.234,5 tỷ đồng"), 2 for rates per something
    ("37,06 giường/vạn dân", "76,42 triệu đồng/người/năm")."""
    if element_type in (ElementType.COUNT, ElementType.TASK):  # a task's figure is its whole percent done
        return 0
    text = unit.strip().lower()
    if text.startswith("%"):
        return 1
    if "/" in text:
        return 2
    if not text or any(word in text for word in _MONEY):
        return 1 if text else 2
    return 0


def indicator_decimals(indicator: Indicator, types: Mapping[str, ElementType]) -> int:
    """The decimals of an indicator's figures: whole when it adds up or picks counts."""
    source = indicator.element if indicator.numerator is None else None
    return decimals(indicator.unit, types.get(source) if source else None)


def excel_format(digits: int) -> str:
    """The Excel number format of `digits` decimals; Excel shows it with the reader's own separators."""
    return "#,##0" if digits <= 0 else "#,##0." + "0" * digits


def fixed(value: float | int | None, digits: int, locale: str) -> str:
    """A figure with exactly `digits` decimals in the reader's habits ("33,0", "1.970.000"), as a table
    prints it; "–" for none."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(Decimal(str(round(value, max(digits, 0)))), format=pattern, locale=locale)


def rounded(value: float | None, digits: int) -> float | int | None:
    """A figure rounded as the table shows it (an int when whole, so that no "1,00 đô thị" can appear)."""
    if value is None:
        return None
    result = round(value, digits)
    if digits <= 0:
        return int(result)
    return 0.0 if result == 0 else result


HOME_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def local_time(moment: Any, t: Any) -> datetime | None:
    """A stored moment (a datetime, or ISO text from the database) as the reader's wall-clock time, without
    a zone: Excel has no zones, and a cell holding 14:00 must mean 14:00 where the report is read."""
    if moment is None or moment == "":
        return None
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    zone = getattr(t, "zone", None) or HOME_ZONE  # a Translator carries the bot's zone
    if value.tzinfo is None:
        return value
    return value.astimezone(zone).replace(tzinfo=None)


ROMAN = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def roman(number: int) -> str:
    """1 -> I, 4 -> IV: the numbering of a report's areas."""
    text = ""
    for value, letters in ROMAN:
        while number >= value:
            text += letters
            number -= value
    return text
