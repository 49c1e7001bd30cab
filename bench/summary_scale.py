"""P3, summary scale: the provincial summary over 100 indicators × 1,000 agencies × 10 periods (1M values).

Prints, against a baseline run side by side on the same database — one hand-written SQL `GROUP BY` over
the same rows (the period's and the previous period's answers, which the summary reads):
- the summary time ÷ the baseline (goal ≤ 2): the median over nine side-by-side pairs, and their range;
- the xlsx export time ÷ the baseline;
- the peak RSS of the process.

    python -m bench.summary_scale [--indicators 100] [--agencies 1000] [--periods 10] [--postgres URL|auto]

With --postgres the same runs on a fresh database on that PostgreSQL server (`auto`: a throw-away one),
the baseline being the same GROUP BY on the same server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import resource
import statistics
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from bench.pg_server import fresh_database, throwaway_server
from bot import services
from bot.domain.catalogue import AgencySpec, parse_catalogue
from bot.domain.models import AgencyKind
from bot.files.exports import summary_xlsx
from bot.i18n import translator
from bot.services.summary import build_summary
from storage import Storage, open_storage
from storage.dialect import POSTGRES

REPEATS = 9  # summary and baseline pairs: this machine's timings vary by a third from run to run
EXPORTS = 3  # the export takes seconds, and its figure has no goal


def catalogue(indicators: int) -> str:
    """`indicators` elements reported by every district, and one indicator per element: sums, ratios of two
    elements (paired, both from the districts) and maxima, like the shipped catalogue's mix."""
    lines = [
        "programme:",
        "  code: SCALE",
        '  title_vi: "Đo quy mô"',
        '  title_en: "Scale"',
        "  horizon_year: 2030",
        '  reporting: {report_to: SCALE-ROOT, deadline: "12-05"}',
        "elements:",
    ]
    for i in range(indicators):
        lines += [
            f"  - code: e{i:03d}",
            f'    name_vi: "Mục {i}"',
            f'    name_en: "Item {i}"',
            "    type: count",
            '    reporters: ["@district"]',
        ]
    lines.append("indicators:")
    for i in range(indicators):
        lines += [
            f"  - code: I{i:03d}",
            "    area: economy",
            f'    name_vi: "Chỉ tiêu {i}"',
            f'    name_en: "Indicator {i}"',
            "    target: {comparator: '>=', value: 50, year: 2030}",
        ]
        if i % 10 < 6:
            lines += ["    aggregation: sum", f"    element: e{i:03d}"]
        elif i % 10 < 9:
            lines += [
                "    aggregation: ratio",
                f"    numerator: e{i:03d}",
                f"    denominator: e{(i + 1) % indicators:03d}",
                "    factor: 100",
            ]
        else:
            lines += ["    aggregation: max", f"    element: e{i:03d}"]
    return "\n".join(lines) + "\n"


async def populate(storage: Storage, indicators: int, agencies: int, periods: int) -> list[Any]:
    root = AgencySpec(code="SCALE-ROOT", name_vi="Tỉnh", name_en="Province", kind=AgencyKind.OTHER)
    districts = [
        AgencySpec(
            code=f"A{i:05d}", name_vi=f"Đơn vị {i}", name_en=f"Unit {i}", kind=AgencyKind.DISTRICT, parent="SCALE-ROOT"
        )
        for i in range(agencies)
    ]
    await storage.agencies.load((root, *districts))
    await services.load_catalogue(storage, parse_catalogue(catalogue(indicators), "scale.yaml"))
    opened = []
    for year in range(2030 - periods + 1, 2031):
        period = await services.open_period(storage, str(year), programme_code="SCALE", deadline=None)
        # Every agency answers every element except a few gaps, so coverage has something to report.
        rows = [
            (d.code, f"e{e:03d}", float((a * 7 + e * 13 + year) % 997 + 1))
            for a, d in enumerate(districts)
            for e in range(indicators)
            if (a + e + year) % 97
        ]
        await storage.values.import_numbers(period, rows)
        opened.append(period)
    return opened


async def baseline(storage: Storage, period_ids: tuple[int, int]) -> float:
    """One hand-written GROUP BY over the rows the summary reads; seconds."""
    started = time.perf_counter()
    await storage.db.fetch_all(
        'SELECT period_id, element_id, SUM(number), COUNT(*), MAX(number) FROM "values"'
        " WHERE period_id IN (?, ?) GROUP BY period_id, element_id",
        period_ids,
    )
    return time.perf_counter() - started


@contextlib.asynccontextmanager
async def _database(folder: str, server: str | None) -> AsyncIterator[Path | str]:
    if server is None:
        yield Path(folder) / "scale.db"
    else:
        async with fresh_database(server, "scale") as url:
            yield url


async def measure(indicators: int, agencies: int, periods: int, server: str | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        async with _database(folder, server) as database:
            return await _measure(database, indicators, agencies, periods)


async def _measure(database: Path | str, indicators: int, agencies: int, periods: int) -> dict[str, Any]:
    storage = await open_storage(database)
    try:
        started = time.perf_counter()
        opened = await populate(storage, indicators, agencies, periods)
        load_seconds = time.perf_counter() - started
        if storage.db.dialect == POSTGRES:
            # What autovacuum does soon after a bulk load; until then the planner has no statistics on the new
            # million rows. A province's database, loaded over a season, always has them.
            async with storage.db.transaction() as connection:
                await connection.execute("ANALYZE")
        last, previous = opened[-1], opened[-2]
        t = translator("vi")
        base, summary_times, export_times = [], [], []
        for _ in range(REPEATS):  # interleaved, so both see the same cache and machine load
            base.append(await baseline(storage, (last.id, previous.id)))
            started = time.perf_counter()
            summary = await build_summary(storage, last)
            summary_times.append(time.perf_counter() - started)
        for _ in range(EXPORTS):
            started = time.perf_counter()
            summary_xlsx(summary, await storage.values.figures(last.id), t)
            export_times.append(time.perf_counter() - started)
        values = await storage.db.fetch_one('SELECT COUNT(*) FROM "values"')
    finally:
        await storage.close()
    baseline_time = statistics.median(base)
    ratios = [summary / base for summary, base in zip(summary_times, base, strict=True)]
    return {
        "values": values[0] if values else 0,
        "load_seconds": load_seconds,
        "baseline": baseline_time,
        "summary": statistics.median(summary_times),
        "export": statistics.median(export_times),
        # The median of the side-by-side pairs' ratios, with their range: a pair shares the machine's mood.
        "summary_ratio": statistics.median(ratios),
        "summary_ratio_range": (min(ratios), max(ratios)),
        "export_ratio": statistics.median(export_times) / baseline_time,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicators", type=int, default=100)
    parser.add_argument("--agencies", type=int, default=1000)
    parser.add_argument("--periods", type=int, default=10)
    parser.add_argument(
        "--postgres", metavar="URL", help="run on PostgreSQL: a server's URL, or auto for a throw-away one"
    )
    arguments = parser.parse_args(argv)
    throwaway = throwaway_server() if arguments.postgres == "auto" else None
    server = throwaway.url() if throwaway else arguments.postgres
    try:
        result = asyncio.run(measure(arguments.indicators, arguments.agencies, arguments.periods, server))
    finally:
        if throwaway is not None:
            throwaway.stop()
    where = "PostgreSQL" if server else "SQLite"
    print(f"P3 summary scale on {where}: {result['values']:,} values (loaded in {result['load_seconds']:.0f} s)")
    print(f"  baseline SQL GROUP BY: {result['baseline'] * 1000:.1f} ms")
    low, high = result["summary_ratio_range"]
    print(
        f"  summary: {result['summary'] * 1000:.1f} ms = {result['summary_ratio']:.2f} × baseline"
        f" (pairs {low:.2f}-{high:.2f}; goal ≤ 2)"
    )
    print(f"  xlsx export: {result['export'] * 1000:.1f} ms = {result['export_ratio']:.2f} × baseline")
    print(f"  peak RSS: {result['peak_rss_mb']:.0f} MB")
    return result


if __name__ == "__main__":
    main()
