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
import re
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.domain.numbers import format_number

if TYPE_CHECKING:
    from bot.domain.spec_parsing import CatalogueError

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


def N_(message: str) -> str:
    """Marks a message for extraction where it is translated later (`t.gettext(variable)`)."""
    return message


# The words for stored values (roles, item kinds, states), so that no raw enum value ever reaches a reader.
def role_name(role: str, t: Translator) -> str:
    """'focal' -> 'cán bộ đầu mối' / 'focal point': a role as a noun, in the reader's language."""
    names = {
        "admin": t.gettext("administrator"),
        "focal": t.gettext("focal point"),
        "backup": t.gettext("backup focal point"),
        "viewer": t.gettext("viewer of the summaries"),
    }
    return names.get(str(role), str(role))


def item_kind_name(kind: str, t: Translator) -> str:
    """'task' -> 'nhiệm vụ' / 'task': what a catalogue item is."""
    names = {"indicator": t.gettext("indicator"), "task": t.gettext("task"), "milestone": t.gettext("milestone")}
    return names.get(str(kind), str(kind))


def period_state_name(state: str, t: Translator) -> str:
    """'locked' -> 'đã khóa' / 'locked'."""
    names = {"open": t.gettext("open"), "closed": t.gettext("closed"), "locked": t.gettext("locked")}
    return names.get(str(state), str(state))


def answer_name(answer: str, t: Translator) -> str:
    """'skipped' -> 'bỏ qua': how a stored answer that is not a figure reads."""
    names = {
        "value": t.gettext("value"),
        "skipped": t.gettext("skipped"),
        "not_applicable": t.gettext("not applicable"),
    }
    return names.get(str(answer), str(answer))


# pydantic's English messages, recognised by their wording (pydantic keeps it stable across 2.x), and the
# line a reader gets instead. Anything not recognised is looked up as a message id (our validators' own
# constant messages), so at worst it stays as written.
_FIELD_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (r"Field required", N_("this field is required")),
        (r"Extra inputs are not permitted", N_("this field is not allowed here")),
        (r"Input should be a valid integer.*", N_("must be a whole number")),
        (r"Input should be a valid (number|decimal).*", N_("must be a number")),
        (r"Input should be a valid boolean.*", N_("must be yes or no (true or false)")),
        (r"Input should be a valid (date|datetime).*", N_("must be a date (YYYY-MM-DD)")),
        (r"Input should be a valid string", N_("must be text")),
        (r"Input should be a valid (list|array|tuple)", N_("must be a list")),
        (r"Input should be a valid dictionary.*", N_("must be a mapping (key: value)")),
        (r"Input should be greater than or equal to (?P<limit>\S+)", N_("must be at least {limit}")),
        (r"Input should be greater than (?P<limit>\S+)", N_("must be more than {limit}")),
        (r"Input should be less than or equal to (?P<limit>\S+)", N_("must be at most {limit}")),
        (r"Input should be less than (?P<limit>\S+)", N_("must be less than {limit}")),
        (r"String should have at least (?P<limit>\d+) characters?", N_("must have at least {limit} characters")),
        (r"String should have at most (?P<limit>\d+) characters?", N_("must have at most {limit} characters")),
        (r".*should have at least (?P<limit>\d+) items?.*", N_("must have at least {limit} items")),
        (r".*should have at most (?P<limit>\d+) items?.*", N_("must have at most {limit} items")),
        (r"Input should be (?P<choices>'.+)", N_("must be one of: {choices}")),
        (r"unknown time zone (?P<value>.+)", N_("unknown time zone {value}")),
        (r"(?P<value>.+) is not a Telegram user id", N_("{value} is not a Telegram user id")),
        # the catalogue checks' own (bot/domain/catalogue.py, spec_parsing.py)
        (r"unknown agency (?P<value>.+)", N_("unknown agency {value}")),
        (r"duplicate code (?P<value>.+)", N_("code {value} is used twice")),
        (r"no data element (?P<value>.+)", N_("no data element {value}")),
        (r"(?P<value>.+) is not numeric", N_("{value} is not a numeric item")),
        (r"no agency of kind (?P<value>.+)", N_("no agency of kind {value}")),
    )
)


# The settings', the reminder policy's and the catalogue checks' own refusals (bot/config.py,
# bot/domain/reminders.py, bot/domain/catalogue.py), found by
# their text in field_error; listed so that extraction keeps their translations.
VALIDATOR_MESSAGES = (
    N_("must start with http:// or https://"),
    N_("only sqlite:///PATH (or a plain file path) is supported"),
    N_("names no file"),
    N_("must be positive whole numbers of working days, e.g. 14,7,3,1"),
    N_("must be HH:MM-HH:MM, e.g. 08:00-17:00"),
    N_("the window must open before it closes"),
    N_("is required for --webhook (the public https URL Telegram posts to)"),
    N_("is required for --webhook: 16-256 characters of A-Z a-z 0-9 _ -"),
    N_("is required to talk to Telegram (get one from @BotFather)"),
    N_("the send window must open before it closes"),
    N_("days before the deadline must be at least 1"),
    N_("file not found"),
    N_("key given twice"),
    N_("min is greater than max"),
    N_("expected a mapping at the top level"),
    N_("a task's type is task or milestone"),
    N_("single-source aggregation needs a lead agency"),
)


def field_error(message: str, t: Translator) -> str:
    """One of pydantic's English validation messages as a line in the reader's language."""
    message = message.strip().removeprefix("Value error, ")
    for pattern, english in _FIELD_ERRORS:
        match = pattern.fullmatch(message)
        if match is None:
            continue
        found = match.groupdict()
        if "choices" in found:
            found["choices"] = ", ".join(re.split(r", | or ", found["choices"]))
        return t.gettext(english).format(**found)
    return t.gettext(message)


def catalogue_problems(error: CatalogueError, t: Translator) -> list[str]:
    """A catalogue file's problems, one line each (file:line: field: what), pydantic's wording translated."""
    return [
        f"{error.source}:{problem.line or '?'}: "
        + (f"{problem.field}: " if problem.field else "")
        + field_error(problem.message, t)
        for problem in error.problems
    ]
