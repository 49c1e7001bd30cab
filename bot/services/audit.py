"""The audit trail an admin reads with /audit: every recorded change to the figures of one agency, or of
one indicator across the programmes that have it, optionally in one period, with who made each change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.domain.models import ValueChange
from bot.services.catalogue import indicators_with_code
from storage.agencies import AgencyRepository
from storage.catalogue import CatalogueRepository
from storage.periods import PeriodRepository
from storage.users import UserRepository
from storage.values import ValueRepository


class AuditStorage(Protocol):
    """The repositories the trail is gathered from."""

    agencies: AgencyRepository
    catalogue: CatalogueRepository
    periods: PeriodRepository
    users: UserRepository
    values: ValueRepository


@dataclass(frozen=True)
class AuditTrail:
    """The latest changes, oldest first, and the names of the people with a role, by Telegram id."""

    changes: list[ValueChange]
    names: dict[int, str]


async def audit_trail(storage: AuditStorage, code: str, period_code: str | None, limit: int) -> AuditTrail:
    """The latest `limit` changes to agency `code`'s figures or, if no agency has that code, to indicator
    `code`'s elements; in the periods with `period_code` if given (none if no period has it)."""
    period_ids: list[int | None] = (
        [p.id for p in await storage.periods.find(period_code.upper())] if period_code is not None else [None]
    )
    changes: list[ValueChange] = []
    agency = await storage.agencies.get(code.upper())
    for period_id in period_ids:
        if agency is not None:
            changes += await storage.values.history(period_id=period_id, agency_code=agency.code)
            continue
        for indicator in await indicators_with_code(storage, code):
            for element in indicator.element_codes:
                changes += await storage.values.history(period_id=period_id, element_code=element)
    if not changes:
        return AuditTrail([], {})
    changes.sort(key=lambda change: change.changed_at)
    names = {user.telegram_id: user.full_name for user in await storage.users.with_role()}
    return AuditTrail(changes[-limit:], names)
