"""A reporting season for the file tests and for looking at the files: the shipped Hải Dương catalogue, a
2025 period with last year's figures and a 2026 period where a few agencies reported (one late), with a
negative figure (greenhouse gases −2,9 %), counts, rates, money, indicators without data, a task, a
milestone, a note, an /ask explanation and people with names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot import services
from bot.domain.aggregation import Figure
from bot.domain.models import Period, PeriodState, Role, ValueStatus
from bot.domain.summary import Summary
from bot.files.style import FileInputs
from bot.services.summary import build_summary, every_answer
from bot.services.summary_files import file_inputs
from storage import Storage

NOW = datetime(2026, 12, 8, 3, 30, tzinfo=UTC)  # 10:30 in Hà Nội, three days after the deadline
BASELINE = [("CTK", "population", 1_900_000), ("CTK", "urban_population", 700_000)]
LAST_YEAR = [
    ("CTK", "grdp_growth", 8.5),
    ("CTK", "population", 1_960_000),
    ("CTK", "grdp_current_prices", 142_000),
    ("SYT", "hospital_beds", 6950),
    ("STNMT", "ghg_emission_change", -1.2),
    ("SXD", "urban_areas_total", 19),
    ("SXD", "urban_areas_class_1", 0),
]
THIS_YEAR = [
    ("CTK", "grdp_growth", 8.2),
    ("CTK", "population", 1_970_000),
    ("CTK", "urban_population", 650_000),
    ("CTK", "grdp_current_prices", 150_539.25),
    ("CTK", "share_agriculture", 7.9),
    ("SYT", "hospital_beds", 7300),
    ("SYT", "doctors", 2100),
    ("STNMT", "ghg_emission_change", -2.9),
    ("STNMT", "hazardous_waste_treated_share", 100),
    ("SXD", "urban_areas_total", 21),
    ("SXD", "urban_areas_class_1", 1),
    ("SXD", "urban_areas_class_4", 7),
]
LAN, MINH = 101, 102


@dataclass(frozen=True)
class FiledSeason:
    summary: Summary
    figures: list[Figure]
    inputs: FileInputs
    period: Period


async def filed_season(storage: Storage) -> FiledSeason:
    """Load the catalogue, enter both years' figures and build the 2026 summary with its file inputs."""
    await services.load_shipped(storage)
    # The programme's baseline year: urbanisation then was higher than in 2026, so its progress is negative.
    baseline = await services.open_period(storage, "2022", programme_code="HD-NQ30", deadline=None)
    for agency, element, number in BASELINE:
        await storage.values.save(baseline, agency, element, number=number, by=1)
    await storage.periods.set_state(baseline, PeriodState.LOCKED)
    previous = await services.open_period(storage, "2025", programme_code="HD-NQ30", deadline=None)
    for agency, element, number in LAST_YEAR:
        await storage.values.save(previous, agency, element, number=number, by=1)
    await storage.periods.set_state(previous, PeriodState.LOCKED)
    current = await services.open_period(storage, "2026", programme_code="HD-NQ30", deadline=date(2026, 12, 5))
    await _people(storage)
    for agency, element, number in THIS_YEAR:
        by = LAN if agency == "SYT" else MINH
        status = ValueStatus.OFFICIAL if agency == "CTK" else ValueStatus.PRELIMINARY
        await storage.values.save(current, agency, element, number=number, by=by, status=status, now=NOW)
    await storage.values.save(current, "SYT", "doctors", number=2100, note="Tính cả bác sĩ hợp đồng", by=LAN, now=NOW)
    await storage.values.save(
        current, "SYT", "electronic_health_records", text="in_progress", number=40, by=LAN, now=NOW
    )
    await storage.values.save(current, "SXD", "kinh_mon_city_class_3", text="yes", by=MINH, now=NOW)
    await storage.values.submit(current, "SYT", LAN, datetime(2026, 12, 1, 2, 15, tzinfo=UTC), on_time=True)
    await storage.values.submit(current, "SXD", MINH, datetime(2026, 12, 7, 9, 0, tzinfo=UTC), on_time=False)
    asked = await storage.explanations.ask(current.id, "STNMT", "GHG_EMISSIONS", "Vì sao chỉ giảm 2,9%?", 1)
    await storage.explanations.answer(asked, "Hai nhà máy mới đi vào hoạt động trong năm", MINH)
    summary = await build_summary(storage, current, NOW)
    figures = await every_answer(storage, current)
    return FiledSeason(summary, figures, await file_inputs(storage, summary, figures), current)


async def _people(storage: Storage) -> None:
    for telegram_id, name, agency in ((LAN, "Nguyễn Thị Lan", "SYT"), (MINH, "Trần Văn Minh", "SXD")):
        invite = await storage.users.create_invite(agency, Role.FOCAL, timedelta(days=7))
        await storage.users.redeem_invite(invite.token, telegram_id, name, None)
