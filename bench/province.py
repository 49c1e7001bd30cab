"""The responsiveness benchmark's own database: a province on deadline day.

The shipped agencies and catalogues, with HD-NQ30's period 2025 open. Each simulated focal point belongs
to a different reporting unit: Hải Dương ships 12 district-level units, and since the 2025 reorganisation
a province has 100–170 reporting units, so when more focal points are asked for, more units are added to
the province's district group in this database only (before the catalogues are loaded, so that the
catalogue's `@district` items reach them). Each unit then owes 15 typed figures and one task.

For the fan-out, a separate programme (P2's, `bot.sandbox.province`) in a province of its
own, with one focal point per unit, owes a figure due on FANOUT_DAY: the reminder job's code run at
FANOUT_TIME sends each of them the "due today" reminder, and nothing to the focal points reporting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from bot import services
from bot.domain.catalogue import AgencySpec
from bot.domain.models import AgencyKind, Role
from bot.sandbox.province import reminded_province
from storage import Storage, open_storage

PROGRAMME = "HD-NQ30"
PERIOD = "2025"
PROVINCE = "UBND-HD"
FIGURES_PER_UNIT = 15  # a district-level unit's numeric items in HD-NQ30, asked before its task
ADMIN_ID = 900
FOCAL_BASE = 60_000
FANOUT_BASE = 200_000
FANOUT_DAY = date(2030, 12, 5)  # a Thursday, a working day
FANOUT_TIME = datetime.combine(FANOUT_DAY, time(9, 0))  # local time, inside the reminder window
# Far enough from FANOUT_DAY that no reminder is due for the reporting period then.
DEADLINE = FANOUT_DAY + timedelta(days=365)


@dataclass(frozen=True)
class Province:
    """Who is in the database: the focal points (each of another unit) and the fan-out's recipients."""

    focal_points: list[int]
    units: list[str]
    fanout: list[int]


def extra_units(count: int) -> tuple[AgencySpec, ...]:
    """`count` more district-level reporting units under the province, for this database only."""
    return tuple(
        AgencySpec(
            code=f"DVBC-{number:03d}",
            name_vi=f"Đơn vị báo cáo {number}",
            name_en=f"Reporting unit {number}",
            kind=AgencyKind.DISTRICT,
            parent=PROVINCE,
        )
        for number in range(1, count + 1)
    )


async def _district_units(storage: Storage) -> list[str]:
    return [
        agency.code
        for agency in await storage.agencies.all(include_inactive=False)
        if agency.kind is AgencyKind.DISTRICT and agency.parent_code == PROVINCE
    ]


async def _load_agencies(storage: Storage, focal_points: int) -> list[str]:
    """The shipped agency lists, plus the units the focal points need; their codes, shipped ones first."""
    for path in sorted(services.shipped_catalogue_dir().glob("agencies_*.yaml")):
        await services.load_agency_text(storage, path.read_text(encoding="utf-8"), path.name)
    shipped = await _district_units(storage)
    await storage.agencies.load(extra_units(max(0, focal_points - len(shipped))))
    return await _district_units(storage)


async def _focal_point(storage: Storage, agency: str, user_id: int) -> None:
    invite = await storage.users.create_invite(agency, Role.FOCAL, timedelta(days=1))
    await storage.users.redeem_invite(invite.token, user_id, f"Đầu mối {user_id}", None)


async def _fanout_province(storage: Storage, recipients: int) -> list[int]:
    return await reminded_province(storage, recipients, FANOUT_DAY, first_user=FANOUT_BASE)


async def seed(path: Path | str, focal_points: int, fanout: int = 0) -> Province:
    """Write the database at `path` (or PostgreSQL URL) for `focal_points` reporting (and `fanout` to be reminded)."""
    storage = await open_storage(path)
    try:
        units = (await _load_agencies(storage, focal_points))[:focal_points]
        await services.load_shipped(storage)
        await services.open_period(storage, PERIOD, programme_code=PROGRAMME, deadline=DEADLINE)
        users = [FOCAL_BASE + index for index in range(focal_points)]
        for unit, user_id in zip(units, users, strict=True):
            await _focal_point(storage, unit, user_id)
        recipients = await _fanout_province(storage, fanout) if fanout else []
    finally:
        await storage.close()
    return Province(users, units, recipients)
