"""`python -m bench [--quick]`: every benchmark, one table of figure, value, baseline, ratio and goal.

--quick uses small sizes (for CI, where it is a smoke test: nothing is asserted about time). The full
sizes are run by hand and recorded in docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
from dataclasses import dataclass
from typing import Any

from bench import process, reminder_fanout, summary_scale, updates


@dataclass(frozen=True)
class Sizes:
    p1: tuple[int, int]  # users, answers each
    p2: tuple[int, float]  # focal points, messages per second
    p3: tuple[int, int, int]  # indicators, agencies, periods


SIZES = {"full": Sizes((12, 15), (2000, 30.0), (100, 1000, 10)), "quick": Sizes((4, 4), (60, 30.0), (10, 50, 2))}


def table(rows: list[tuple[str, str, str, str, str]]) -> str:
    header = ("figure", "value", "baseline", "ratio", "goal")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(5)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in [header, *rows]]
    return "\n".join([lines[0], "  ".join("-" * width for width in widths), *lines[1:]])


def run(quick: bool) -> list[tuple[str, str, str, str, str]]:
    size = SIZES["quick" if quick else "full"]
    p1: dict[str, Any] = asyncio.run(updates.measure(*size.p1))
    p2: dict[str, Any] = asyncio.run(reminder_fanout.measure(*size.p2))
    p3: dict[str, Any] = asyncio.run(summary_scale.measure(*size.p3))
    p4: dict[str, Any] = asyncio.run(process.measure())
    return [
        (
            "P1 updates/s, reporting vs no-op",
            f"{p1['rate']:.0f}/s",
            f"{p1['baseline_rate']:.0f}/s",
            f"{p1['ratio']:.2f}",
            "≥ 0.5",
        ),
        ("P1 time per update p50", f"{p1['p50_ms']:.1f} ms", "", "", ""),
        ("P1 time per update p99", f"{p1['p99_ms']:.1f} ms", "", "", "≤ 10 ms"),
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


main()
