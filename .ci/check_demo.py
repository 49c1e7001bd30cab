"""CI: the demo's files exist, open, and its summary equals the CLI's summary of the demo database."""

import json
import os
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl

out = Path(sys.argv[1])
FILES = ("summary.xlsx", "summary.docx", "summary.csv", "summary_vi.csv", "chart.png", "transcript.txt")
for name in (*FILES, "summary.json", "summary_2024.txt"):
    assert (out / name).stat().st_size > 0, f"{name} is missing or empty"
assert (out / "chart.png").read_bytes().startswith(b"\x89PNG"), "chart.png is not a PNG"
assert (out / "summary.csv").read_bytes().startswith(b"\xef\xbb\xbf"), "summary.csv has no BOM"
assert openpyxl.load_workbook(out / "summary.xlsx").sheetnames[0] == "Tổng hợp"
assert docx.Document(str(out / "summary.docx")).paragraphs, "summary.docx has no text"
# The Vietnamese-Excel variant: semicolons between fields, decimal commas (README's "Summaries").
header = (out / "summary_vi.csv").read_bytes().decode("utf-8-sig").splitlines()[0].split(";")
assert {"Kỳ 2024", "Kỳ 2025"} <= set(header), f"summary_vi.csv does not compare 2025 with 2024: {header}"

# Both seasons, in order, with the reorganisation between them.
transcript = (out / "transcript.txt").read_text(encoding="utf-8")
seasons = [transcript.index(f"kỳ {code}") for code in ("2024", "2025")]
assert seasons[0] < transcript.index("── 01/07/2025") < seasons[1], "the seasons are not around the reorganisation"

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
assert any(indicator["previous"] is not None for indicator in printed["indicators"]), "2025 is not compared with 2024"
print(
    f"demo outputs consistent: {printed['completeness']['submitted']}/{printed['completeness']['expected']} "
    "agencies submitted"
)
