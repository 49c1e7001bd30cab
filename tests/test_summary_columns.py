"""The summary reads each element's column in bulk from SQL (bot.services.columns.read_snapshots). Whatever
the answers, that must give exactly what rolling up every answer in Python gives: random seasons over a
small province, with a merged and a retired agency, a stray answer, "not applicable", skipped answers,
notes and every status."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from bot import services
from bot.domain.aggregation import aggregate, columns, roll_up
from bot.domain.catalogue import AgencySpec, parse_catalogue
from bot.domain.models import AgencyKind, Answer, Period, ValueStatus
from bot.services.columns import read_columns, read_snapshots
from storage import Storage

DISTRICTS = [f"D{i}" for i in range(1, 9)]
CATALOGUE = """
programme:
  code: MIX
  title_vi: "Thử"
  title_en: "Mix"
  horizon_year: 2030
  reporting: {report_to: ROOT, deadline: "12-05"}
elements:
  - {code: ok, name_vi: "Đạt", name_en: "Met", type: count, reporters: ["@district"]}
  - {code: total, name_vi: "Tổng", name_en: "Total", type: count, reporters: ["@district"]}
  - {code: share, name_vi: "Tỷ lệ", name_en: "Share", type: percent, reporters: ["@district"]}
  - {code: pop, name_vi: "Dân số", name_en: "People", type: count, reporters: ["@district"]}
  - {code: beds, name_vi: "Giường", name_en: "Beds", type: count, reporters: [SYT]}
  - {code: people, name_vi: "Dân", name_en: "Population", type: count, reporters: [CTK]}
  - {code: growth, name_vi: "Tăng", name_en: "Growth", type: percent, reporters: [CTK]}
indicators:
  - {code: SUM_OK, area: economy, name_vi: a, name_en: a, aggregation: sum, element: ok}
  - {code: RATE, area: economy, name_vi: b, name_en: b, aggregation: ratio, numerator: ok, denominator: total,
     factor: 100}
  - {code: BEDS, area: society, name_vi: c, name_en: c, aggregation: ratio, numerator: beds, denominator: people,
     factor: 10000}
  - {code: MEAN, area: society, name_vi: d, name_en: d, aggregation: weighted_mean, element: share, weight: pop}
  - {code: LOW, area: society, name_vi: e, name_en: e, aggregation: min, element: share}
  - {code: HIGH, area: society, name_vi: f, name_en: f, aggregation: max, element: share}
  - {code: LAST, area: society, name_vi: g, name_en: g, aggregation: latest, element: share}
  - {code: GROWTH, area: economy, name_vi: h, name_en: h, aggregation: single, element: growth, lead: CTK}
  - {code: D1_SHARE, area: economy, name_vi: i, name_en: i, aggregation: single, element: share, lead: D1}
"""
T0 = datetime(2030, 11, 1, tzinfo=UTC)


async def _province(storage: Storage) -> None:
    def agency(code: str, kind: AgencyKind, parent: str | None = "ROOT") -> AgencySpec:
        return AgencySpec(code=code, name_vi=code, name_en=code, kind=kind, parent=parent)

    await storage.agencies.load(
        (
            agency("ROOT", AgencyKind.OTHER, None),
            agency("SYT", AgencyKind.DEPARTMENT),
            agency("CTK", AgencyKind.DEPARTMENT),
            *(agency(code, AgencyKind.DISTRICT) for code in DISTRICTS),
        )
    )
    await services.load_catalogue(storage, parse_catalogue(CATALOGUE, "mix.yaml"))


async def _answer_at_random(
    storage: Storage, period: Period, rng: random.Random, elements: dict[str, list[str]]
) -> None:
    for element, agencies in elements.items():
        for agency in agencies:
            roll = rng.random()
            if roll < 0.12:
                continue  # never answered
            answer = Answer.NOT_APPLICABLE if roll < 0.2 else Answer.SKIPPED if roll < 0.26 else Answer.VALUE
            number = float(rng.randint(0, 40)) if answer is Answer.VALUE else None
            await storage.values.save(
                period,
                agency,
                element,
                answer=answer,
                number=number,
                note=rng.choice([None, None, "ước tính"]),
                status=rng.choice(list(ValueStatus)),
                now=T0 + timedelta(minutes=rng.randint(0, 10_000)),
            )


@pytest.mark.parametrize("seed", range(8))
async def test_columns_from_sql_aggregate_like_every_answer_rolled_up(storage: Storage, seed: int) -> None:
    rng = random.Random(seed)
    await _province(storage)
    programme = await storage.catalogue.programme("MIX")
    assert programme is not None
    periods = [
        await services.open_period(storage, year, programme_code="MIX", deadline=None) for year in ("2029", "2030")
    ]
    staying = DISTRICTS[:6]
    for period in periods:
        await _answer_at_random(
            storage,
            period,
            rng,
            {
                "ok": staying,
                "total": staying,
                "share": staying[1:] if period is periods[0] else staying,  # D1 gives no 2029 share
                "pop": staying,
                "beds": ["SYT"],
                "people": ["CTK"],
                "growth": ["CTK"],
            },
        )
    # D7 will merge into D1 and D8 will be retired, with answers to a few elements; SYT strays into one it
    # was never assigned. Those elements are rolled up from their answers, the others read from totals.
    await _answer_at_random(storage, periods[0], rng, {"ok": ["D7"], "pop": ["D8"]})
    # D7 found 2029's share not applicable and D1 said nothing: once merged, D1 no longer owes it.
    await storage.values.save(periods[0], "D7", "share", answer=Answer.NOT_APPLICABLE, now=T0)
    await _answer_at_random(storage, periods[1], rng, {"total": ["D7", "D8"], "pop": ["D7"], "share": ["D7"]})
    await storage.values.save(periods[1], "SYT", "ok", number=99.0, now=T0)
    await storage.agencies.merge(["D7"], "D1", date(2030, 11, 20))
    await storage.agencies.retire("D8", date(2030, 11, 20))
    await storage.values.save(periods[1], "D1", "share", number=rng.randint(0, 40), now=T0 + timedelta(days=9))

    indicators = await storage.catalogue.indicators(programme.id)
    types = {element.code: element.type for element in await storage.catalogue.elements(programme.id)}
    reporters = await storage.catalogue.reporters(programme.id)
    successors = await storage.agencies.successor_map()
    built = await read_columns(storage, [period.id for period in periods], reporters)
    snapshots = await read_snapshots(storage, built, indicators, reporters, successors, types)

    for period in periods:
        everything = roll_up(await storage.values.figures(period.id), successors, types)
        whole = columns(everything, reporters)
        snapshot = snapshots[period.id]
        for indicator in indicators:
            expected = aggregate(indicator, whole, everything)
            read = aggregate(indicator, snapshot.columns, snapshot.rolled)
            assert (read.value is None) == (expected.value is None), (period.code, indicator.code)
            assert read.value == pytest.approx(expected.value), (period.code, indicator.code)
            assert (read.covered, read.missing, read.status) == (expected.covered, expected.missing, expected.status)


async def test_a_period_without_answers_has_every_agency_missing(storage: Storage) -> None:
    await _province(storage)
    programme = await storage.catalogue.programme("MIX")
    assert programme is not None
    period = await services.open_period(storage, "2030", programme_code="MIX", deadline=None)
    indicators = await storage.catalogue.indicators(programme.id)
    reporters = await storage.catalogue.reporters(programme.id)
    built = await read_columns(storage, [period.id], reporters)
    snapshots = await read_snapshots(storage, built, indicators, reporters, {}, {})
    snapshot = snapshots[period.id]
    rate = next(i for i in indicators if i.code == "RATE")
    result = aggregate(rate, snapshot.columns, snapshot.rolled)
    assert result.value is None and result.missing == tuple(sorted(DISTRICTS)) and result.covered == ()
