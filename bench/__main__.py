"""`python -m bench [--quick]`: every benchmark, one table of figure, value, baseline, ratio and goal.

--quick uses small sizes (for CI, where it is a smoke test: nothing is asserted about time). The full
sizes are run by hand and recorded in docs/BENCHMARKS.md. With PostgreSQL installed, P3 also runs on a
throw-away PostgreSQL server, and F (the failover drill) runs there too; without it they are left out.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
from dataclasses import dataclass
from typing import Any

from bench import failover, process, reminder_fanout, responsiveness, summary_scale
from bench.pg_server import throwaway_server
from storage.postgres import find_program


@dataclass(frozen=True)
class Sizes:
    r: responsiveness.Load
    p2: tuple[int, float]  # focal points, messages per second
    p3: tuple[int, int, int]  # indicators, agencies, periods
    f: tuple[int, int]  # focal points typing, fan-out recipients


SIZES = {
    "full": Sizes(responsiveness.FULL, (2000, 30.0), (100, 1000, 10), (20, 600)),
    "quick": Sizes(responsiveness.QUICK, (60, 30.0), (10, 50, 2), (3, 60)),
}


def table(rows: list[tuple[str, str, str, str, str]]) -> str:
    header = ("figure", "value", "baseline", "ratio", "goal")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(5)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in [header, *rows]]
    return "\n".join([lines[0], "  ".join("-" * width for width in widths), *lines[1:]])


def run(quick: bool) -> list[tuple[str, str, str, str, str]]:
    size = SIZES["quick" if quick else "full"]
    r: dict[str, Any] = asyncio.run(responsiveness.measure(size.r))
    p2: dict[str, Any] = asyncio.run(reminder_fanout.measure(*size.p2))
    p3: dict[str, Any] = asyncio.run(summary_scale.measure(*size.p3))
    p4: dict[str, Any] = asyncio.run(process.measure())
    return [*responsiveness_rows(size.r, r), *rows(p2, p3, p4), *postgres_rows(size)]


def postgres_rows(size: Sizes) -> list[tuple[str, str, str, str, str]]:
    """P3 and F on a throw-away PostgreSQL server, when PostgreSQL is installed."""
    if find_program("initdb") is None:
        return [("P3/F on PostgreSQL", "not installed", "", "", "")]
    server = throwaway_server()
    try:
        p3: dict[str, Any] = asyncio.run(summary_scale.measure(*size.p3, server.url()))
        f: dict[str, Any] = asyncio.run(failover.measure(*size.f, server.url()))
    finally:
        server.stop()
    return [
        (
            "P3 on PostgreSQL: summary vs SQL GROUP BY",
            f"{p3['summary'] * 1000:.0f} ms",
            f"{p3['baseline'] * 1000:.1f} ms",
            f"{p3['summary_ratio']:.1f}",
            "≤ 2",
        ),
        ("F takeover: kill → standby polling", f"{f['polling_after']:.2f} s", "", "", "seconds"),
        ("F takeover: kill → figure acknowledged", f"{f['answered_after']:.2f} s", "", "", ""),
        ("F reminders twice", str(f["duplicates"]), "", "", "0"),
        ("F acknowledged figures lost", f"{f['lost']} of {f['acknowledged']}", "", "", "0"),
    ]


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f}"


def responsiveness_rows(load: responsiveness.Load, r: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """R: typed figure → next question, ours against the floor (a bot answering with one sendMessage)."""
    ms, stats = responsiveness.ms, r["stats"]
    ours, floor, alone, alone_floor = stats["ours"], stats["floor"], stats["ours alone"], stats["floor alone"]
    who = f"{load.users} focal points, {ms(load.latency)} a call"
    return [
        (f"R next question p95, {who}, vs floor", ms(ours["p95"]), ms(floor["p95"]), f"{r['ratio']:.2f}", "≤ 1.5"),
        ("R next question p50, vs floor", ms(ours["p50"]), ms(floor["p50"]), ratio(ours["p50"], floor["p50"]), ""),
        ("R next question max, vs floor", ms(ours["max"]), ms(floor["max"]), ratio(ours["max"], floor["max"]), ""),
        (
            f"R p95 with exports every {load.export_every:g} s, vs without",
            ms(stats["exports"]["p95"]),
            ms(ours["p95"]),
            f"{r['export_ratio']:.2f}",
            "≤ 1.2",
        ),
        (
            f"R p95 during a {load.fanout:,}-reminder fan-out, vs floor",
            ms(stats["fanout"]["p95"]),
            ms(floor["p95"]),
            f"{r['fanout_ratio']:.2f}",
            "≤ 2",
        ),
        ("R one user alone p95, vs floor", ms(alone["p95"]), ms(alone_floor["p95"]), f"{r['alone_ratio']:.2f}", ""),
        ("R Bot API calls per typed figure", f"{r['calls_per_figure']:.2f}", "1 (floor)", "", ""),
    ]


def rows(p2: dict[str, Any], p3: dict[str, Any], p4: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """P2 to P4, as they were."""
    return [
        (
            "P2 reminder rate ÷ limit",
            f"{p2['rate']:.1f}/s",
            f"{p2['limit']:.0f}/s",
            f"{p2['rate_ratio']:.3f}",
            "≥ 0.95",
        ),
        ("P2 429s from the server", str(p2["retry_after_sent"]), "", "", "0"),
        ("P2 most messages to one chat in 1 s", str(p2["max_per_chat_per_second"]), "", "", "1"),
        (
            "P3 summary vs SQL GROUP BY",
            f"{p3['summary'] * 1000:.0f} ms",
            f"{p3['baseline'] * 1000:.1f} ms",
            f"{p3['summary_ratio']:.1f}",
            "≤ 2",
        ),
        (
            "P3 xlsx export vs SQL GROUP BY",
            f"{p3['export'] * 1000:.0f} ms",
            f"{p3['baseline'] * 1000:.1f} ms",
            f"{p3['export_ratio']:.1f}",
            "",
        ),
        ("P3 peak RSS", f"{p3['peak_rss_mb']:.0f} MB", "", "", ""),
        (
            "P4 first answer",
            f"{p4['first_answer']:.2f} s",
            f"{p4['baseline_first_answer']:.2f} s",
            f"{p4['first_answer'] / p4['baseline_first_answer']:.1f}",
            "≤ 1.5 s",
        ),
        (
            "P4 idle RSS",
            f"{p4['rss_mb']:.0f} MB",
            f"{p4['baseline_rss_mb']:.0f} MB",
            f"{p4['rss_mb'] / p4['baseline_rss_mb']:.1f}",
            "≤ 80 MB",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for CI")
    arguments = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.machine()}, {'quick' if arguments.quick else 'full'}")
    print(table(run(arguments.quick)))


if __name__ == "__main__":
    main()
