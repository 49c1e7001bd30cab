"""Assessment and deadlines on a real SQLite file: the grey status in a first period, a period-average
target over several years of periods, and the on-time boundary of "trước ngày 05 tháng 12"."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot import services
from bot.domain.models import ElementType
from bot.domain.progress import Status
from bot.domain.summary_text import indicator_line, numbered, summary_messages
from bot.i18n import translator
from bot.services.report import Locked, load_sheet, submit_report
from bot.services.summary import build_summary
from storage import Storage

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
VI, EN = translator("vi"), translator("en")


async def test_a_first_period_says_cannot_be_assessed_instead_of_at_risk(loaded: Storage) -> None:
    period = await services.open_period(loaded, "2025", programme_code="HD-NQ30", deadline=None)
    reporters = await loaded.catalogue.reporters(period.programme_id)
    for element in await loaded.catalogue.elements(period.programme_id):
        if element.type in (ElementType.TASK, ElementType.MILESTONE):
            continue
        low, high = element.min_value or 0, element.max_value or 1000
        number = min(max(low + 1, 5.0), high)  # within range; what it is does not matter here
        for agency in reporters[element.code]:
            await loaded.values.save(period, agency, element.code, number=number, by=1)
    summary = await build_summary(loaded, period)
    statuses = [item.assessment.status for item in summary.indicators]
    assert len(statuses) == 37
    # Nothing is "at risk" only for lack of history: a level target not met, without a path or a previous
    # value, cannot be assessed yet (before: 🟡 at risk).
    assert Status.AT_RISK not in statuses
    grey = [item for item in summary.indicators if item.assessment.status is Status.NOT_ASSESSABLE]
    assert len(grey) >= 10
    assert all(item.baseline is None and item.previous is None and item.value is not None for item in grey)
    text = "\n".join(summary_messages(summary, VI))
    assert f"⚪ chưa đủ cơ sở đánh giá {len(grey)}" in text
    assert "(hạn nộp trước ngày 05/12/2025, nộp đến hết ngày 04/12/2025 là đúng hạn)" in text


async def test_average_growth_is_judged_on_the_years_since_2021(loaded: Storage) -> None:
    """2021 and 2022 were never run in the bot: they are named as missing, never invented; a strong 2025
    (9,8 %) does not make "bình quân trên 9%/năm" achieved when 2023 and 2024 were 8 and 8,5 %."""
    for year, growth in (("2023", 8.0), ("2024", 8.5), ("2025", 9.8)):
        period = await services.open_period(loaded, year, programme_code="HD-NQ30", deadline=None)
        await loaded.values.save(period, "CTK", "grdp_growth", number=growth, by=1)
    summary = await build_summary(loaded, period)
    numbers = {item.indicator.code: (number, item) for number, item in numbered(summary)}
    number, growth_item = numbers["GRDP_GROWTH"]
    assessment = growth_item.assessment
    assert growth_item.value == 9.8
    assert assessment.status is Status.AT_RISK
    assert assessment.average is not None
    assert assessment.average.years == (2023, 2024, 2025) and assessment.average.missing == (2021, 2022)
    assert round(assessment.average.value or 0, 2) == 8.76  # (1,08 × 1,085 × 1,098)^(1/3) − 1
    line = indicator_line(number, growth_item, VI)
    assert line.startswith("🟡") and "bình quân 2021–2025: 8,76 %/năm (chưa có số liệu năm 2021, 2022)" in line
    assert "average 2021–2025: 8.76 %/year (no figures for 2021, 2022)" in indicator_line(number, growth_item, EN)
    # Labour productivity has no figure in any year: no data, with every year named.
    productivity = numbers["LABOUR_PRODUCTIVITY_GROWTH"][1].assessment
    assert productivity.status is Status.NO_DATA
    assert productivity.average is not None and productivity.average.missing == (2021, 2022, 2023, 2024, 2025)


async def test_on_time_means_before_5_december_in_vietnam(loaded: Storage) -> None:
    period = await services.open_period(loaded, "2026", programme_code="HD-NQ30", deadline=None)
    assert period.deadline.isoformat() == "2026-12-04"  # the last day on time
    on_time, late = await load_sheet(loaded, period, "SYT"), await load_sheet(loaded, period, "CTK")
    assert on_time is not None and late is not None
    just_in = datetime(2026, 12, 4, 23, 59, tzinfo=ZONE)
    just_late = datetime(2026, 12, 5, 0, 1, tzinfo=ZONE)
    first = await submit_report(loaded, on_time, by=1, now=just_in, zone=ZONE)
    second = await submit_report(loaded, late, by=1, now=just_late, zone=ZONE)
    assert not isinstance(first, Locked) and first.submission.on_time
    assert not isinstance(second, Locked) and not second.submission.on_time
