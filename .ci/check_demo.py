"""CI: the demo's files exist, open, and its summary equals the CLI's summary of the demo database."""

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl

out = Path(sys.argv[1])
for name in ("summary.xlsx", "summary.csv", "chart.png", "transcript.txt", "summary.json"):
    assert (out / name).stat().st_size > 0, f"{name} is missing or empty"
assert (out / "chart.png").read_bytes().startswith(b"\x89PNG"), "chart.png is not a PNG"
assert (out / "summary.csv").read_bytes().startswith(b"\xef\xbb\xbf"), "summary.csv has no BOM"
assert openpyxl.load_workbook(out / "summary.xlsx").sheetnames[0] == "Tổng hợp"

environment = dict(os.environ, DATABASE_URL=str(out / "demo.db"))
cli = subprocess.run(
    [sys.executable, "-m", "bot", "summary", "--period", "2025", "--programme", "HD-NQ30", "--format", "json"],
    capture_output=True,
    text=True,
    env=environment,
    check=True,
)
printed = json.loads((out / "summary.json").read_text(encoding="utf-8"))
computed = json.loads(cli.stdout)
for summary in (printed, computed):
    summary.pop("generated_at")
assert printed == computed, "the demo's summary differs from `python -m bot summary --format json`"
print(
    f"demo outputs consistent: {printed['completeness']['submitted']}/{printed['completeness']['expected']} "
    "agencies submitted"
)
