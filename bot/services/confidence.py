"""A lead agency's confidence in the indicators it leads, as use cases: which indicators it still has to
speak for in a period, and recording its confidence (on track, at risk, off track) and the sentence why.
The summary shows it next to the computed status and flags where they disagree (bot.domain.review)."""

from __future__ import annotations

from datetime import datetime

from bot.domain.models import Indicator, Period
from bot.domain.progress import Status
from bot.domain.review import CONFIDENCE_LEVELS
from storage import Storage

REASON_LIMIT = 300


async def led_indicators(storage: Storage, period: Period, agency_code: str) -> list[Indicator]:
    """The period's programme's indicators this agency leads."""
    return [i for i in await storage.catalogue.indicators(period.programme_id) if i.lead_agency == agency_code]


async def still_to_say(storage: Storage, period: Period, agency_code: str) -> list[Indicator]:
    """The indicators the agency leads and has not yet given a confidence for in this period."""
    given = await storage.figures.confidences(period.id)
    return [i for i in await led_indicators(storage, period, agency_code) if i.code not in given]


async def give_confidence(
    storage: Storage, period: Period, indicator_code: str, agency_code: str, level: Status, *, by: int, now: datetime
) -> bool:
    """Record the agency's confidence; False (nothing written) unless it leads the indicator."""
    if level not in CONFIDENCE_LEVELS:
        return False
    if indicator_code not in {i.code for i in await led_indicators(storage, period, agency_code)}:
        return False
    await storage.figures.set_confidence(period.id, indicator_code, agency_code, level.value, None, by, now)
    return True


async def give_reason(storage: Storage, period: Period, indicator_code: str, reason: str) -> None:
    """The sentence that goes with the confidence: why, what blocks, what the agency proposes."""
    await storage.figures.set_reason(period.id, indicator_code, reason.strip()[:REASON_LIMIT])
