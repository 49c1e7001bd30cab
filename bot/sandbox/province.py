"""A province made for sending reminders: N districts, each owing one figure in an open 2030 period and
each with one focal point. The fan-out benchmark and the reminder tests build the same one."""

from __future__ import annotations

from datetime import date, timedelta

from bot import services
from bot.domain.catalogue import AgencySpec, parse_catalogue
from bot.domain.models import AgencyKind, Role
from bot.sandbox.server import BotApiServer
from storage import Storage

PROGRAMME = "FANOUT"
CATALOGUE = f"""\
programme:
  code: {PROGRAMME}
  title_vi: "Thử gửi nhắc"
  title_en: "Fan-out"
  horizon_year: 2030
  reporting: {{report_to: FANOUT-ROOT}}
elements:
  - code: communes_total
    name_vi: "Tổng số xã"
    name_en: "Communes in total"
    type: count
    reporters: ["@district"]
"""


async def reminded_province(
    storage: Storage, districts: int, deadline: date, *, first_user: int = 10_000, server: BotApiServer | None = None
) -> list[int]:
    """Load the province into `storage` with its period due on `deadline`; return the focal points' ids
    (`first_user`, `first_user + 1`, ...), each also given a chat on `server` when there is one."""
    root = AgencySpec(code="FANOUT-ROOT", name_vi="Tỉnh", name_en="Province", kind=AgencyKind.OTHER)
    units = [
        AgencySpec(
            code=f"D{i:05d}", name_vi=f"Huyện {i}", name_en=f"District {i}", kind=AgencyKind.DISTRICT, parent=root.code
        )
        for i in range(districts)
    ]
    await storage.agencies.load((root, *units))
    await services.load_catalogue(storage, parse_catalogue(CATALOGUE, "fanout.yaml"))
    await services.open_period(storage, "2030", programme_code=PROGRAMME, deadline=deadline)
    users = []
    for index, district in enumerate(units):
        invite = await storage.users.create_invite(district.code, Role.FOCAL, timedelta(days=1))
        user_id = first_user + index
        if server is not None:
            server.add_user(user_id, f"Đầu mối {index}")
        await storage.users.redeem_invite(invite.token, user_id, f"Đầu mối {index}", None)
        users.append(user_id)
    return users
