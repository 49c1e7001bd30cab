"""Days as people type them in a chat or on the command line: `31/12/2025` (the Vietnamese order) or ISO.

Pure parsing, apart from the handlers that read it, so that /pause, /open_period and the command line
understand the same dates.
"""

from __future__ import annotations

import contextlib
from datetime import date

from babel.dates import parse_date


def parse_day(text: str) -> date | None:
    """DD/MM/YYYY (Babel's Vietnamese order) or ISO YYYY-MM-DD."""
    text = text.strip()
    with contextlib.suppress(ValueError):
        return date.fromisoformat(text)
    try:
        return parse_date(text, locale="vi")
    except (ValueError, IndexError):
        return None
