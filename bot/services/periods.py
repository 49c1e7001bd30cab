"""Opening a reporting period for a programme: the use case the CLI and /open_period share."""

from __future__ import annotations

from datetime import date

from bot.domain.models import Period
from bot.domain.periods import default_deadline, parse_period
from storage import Storage


class UnknownProgramme(LookupError):
    """No programme with this code."""


async def open_period(
    storage: Storage,
    code: str,
    *,
    programme_code: str | None,
    deadline: date | None,
    by: int | None = None,
) -> Period:
    """Open a period for one programme (the only one, or the one named)."""
    span = parse_period(code)
    programmes = await storage.catalogue.programmes()
    if programme_code:
        chosen = [p for p in programmes if p.code == programme_code]
    else:
        chosen = programmes[:1] if len(programmes) == 1 else []
    if not chosen:
        raise UnknownProgramme(programme_code or "")
    programme = chosen[0]
    deadline = deadline or default_deadline(span, programme.report_deadline)
    return await storage.periods.open(programme.id, span, deadline, by)
