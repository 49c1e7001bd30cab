"""Translations and locale-aware formatting.

Messages are written in English in the code (`_("Deadline: {date}")`) and translated through gettext
catalogues in `locales/`; Vietnamese is the default. The `.po` files are the source of truth. A built
wheel carries them compiled (`bot/locale/*/LC_MESSAGES/messages.mo`, written by setup.py at build time);
a source checkout reads its `.po` files and compiles them in memory, so they never go stale. Nothing is
ever written at run time: the install tree may be read-only.
"""

from __future__ import annotations

import gettext
import io
import logging
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.domain.numbers import format_number

logger = logging.getLogger(__name__)

SOURCE_LOCALES = Path(__file__).resolve().parent.parent / "locales"  # a source checkout's catalogues
DOMAIN = "messages"
SUPPORTED = ("vi", "en")
DEFAULT_LOCALE = "vi"
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


def compiled_catalogue(locale: str, source: Path = SOURCE_LOCALES) -> bytes | None:
    """The .mo bytes for `locale`: from the checkout's .po (the truth while developing), else the one
    the wheel ships, else None."""
    po_path = source / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if po_path.is_file():
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=locale)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        return buffer.getvalue()
    shipped = resources.files("bot") / "locale" / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
    return shipped.read_bytes() if shipped.is_file() else None


def normalize_locale(locale: str | None) -> str:
    """'en-US' -> 'en'; anything unsupported -> the default."""
    if not locale:
        return DEFAULT_LOCALE
    short = locale.replace("-", "_").split("_")[0].lower()
    return short if short in SUPPORTED else DEFAULT_LOCALE


@cache
def _translations(locale: str) -> gettext.NullTranslations:
    compiled = compiled_catalogue(locale)
    if compiled is None:
        # English msgids are the English text, so a missing catalogue still reads correctly.
        if locale != "en":
            logger.warning("no catalogue for %s (neither locales/ nor a built bot/locale); English it is", locale)
        return gettext.NullTranslations()
    return gettext.GNUTranslations(io.BytesIO(compiled))


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
