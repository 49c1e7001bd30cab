"""Translations and locale-aware formatting.

Messages are written in English in the code (`_("Deadline: {date}")`) and translated through gettext
catalogues in `locales/`; Vietnamese is the default. The `.po` files are the source of truth: `.mo` files
are compiled from them at start whenever they are missing or older, so they never go stale.
"""

from __future__ import annotations

import gettext
import logging
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.domain.numbers import format_number

logger = logging.getLogger(__name__)

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
SUPPORTED = ("vi", "en")
DEFAULT_LOCALE = "vi"
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


def compile_catalogues(locales_dir: Path = LOCALES_DIR) -> list[Path]:
    """Compile every messages.po whose .mo is missing or older; return the files written."""
    written = []
    for po_path in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        written.append(mo_path)
    return written


def normalize_locale(locale: str | None) -> str:
    """'en-US' -> 'en'; anything unsupported -> the default."""
    if not locale:
        return DEFAULT_LOCALE
    short = locale.replace("-", "_").split("_")[0].lower()
    return short if short in SUPPORTED else DEFAULT_LOCALE


@cache
def _translations(locale: str) -> gettext.NullTranslations:
    compile_catalogues()
    try:
        return gettext.translation(DOMAIN, localedir=LOCALES_DIR, languages=[locale])
    except FileNotFoundError:
        # English msgids are the English text, so a missing catalogue still reads correctly.
        if locale != "en":
            logger.warning("no compiled catalogue for %s; falling back to English", locale)
        return gettext.NullTranslations()


class Translator:
    """Everything a reply needs in one locale: messages, plurals, numbers and dates."""

    def __init__(self, locale: str | None, timezone: str = DEFAULT_TIMEZONE) -> None:
        self.locale = normalize_locale(locale)
        self.zone = ZoneInfo(timezone)
        self._catalogue = _translations(self.locale)

    def gettext(self, message: str) -> str:
        return self._catalogue.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self._catalogue.ngettext(singular, plural, count)

    def number(self, value: float | Decimal | None, digits: int = 2) -> str:
        return format_number(value, self.locale, digits=digits)

    def date(self, value: date) -> str:
        """5 December 2025 as `05/12/2025` in vi and `Dec 5, 2025` in en."""
        pattern = "dd/MM/yyyy" if self.locale == "vi" else "medium"
        return babel_format_date(value, format=pattern, locale=self.locale)

    def datetime(self, value: datetime) -> str:
        pattern = "HH:mm dd/MM/yyyy" if self.locale == "vi" else "medium"
        return babel_format_datetime(value, format=pattern, locale=self.locale, tzinfo=self.zone)


@cache
def translator(locale: str | None, timezone: str = DEFAULT_TIMEZONE) -> Translator:
    return Translator(locale, timezone)
