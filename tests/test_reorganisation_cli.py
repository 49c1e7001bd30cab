"""`agency reorganise`, `agency list --at`, and setup after a merger, as an administrator runs them (issue 17)."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path

from bot import services
from tests.test_cli import run

SHIPPED = services.shipped_catalogue_dir()

CHANGES = """# a test reorganisation
sources:
  T1: "A test decision — https://example.org/decision-1"
reorganisation:
  - date: 2026-01-01
    source: T1
    new:
      - {code: X-TEST, kind: commune, name_vi: "Xã Thử", name_en: "Test Commune", parent: UBND-HP,
         formed_from: ["xã Tứ Kỳ"]}
    rename:
      - {code: SCT, name_vi: "Sở Công Thương mới", name_en: "New Department of Industry and Trade"}
    merge:
      - {from: [X-KIMTHANH], into: X-ANTHANH}
"""


def test_a_merger_followed_by_init_and_catalog_load(tmp_path: Path) -> None:
    assert run(tmp_path, "agency", "load", str(SHIPPED / "agencies_hai_duong.yaml")).returncode == 0
    merged = run(tmp_path, "agency", "merge", "SKHDT", "--into", "STC", "--date", "2025-03-01")
    assert merged.returncode == 0, merged.stderr
    init = run(tmp_path, "init")
    assert init.returncode == 0, init.stderr
    loaded = run(tmp_path, "catalog", "load", str(SHIPPED / "hai_duong_nq30.yaml"))
    assert loaded.returncode == 0 and "unknown agency" not in loaded.stderr, loaded.stderr
    again = run(tmp_path, "catalog", "load", str(SHIPPED / "hai_duong_congress_17.yaml"))
    assert again.returncode == 0, again.stderr
    invite = run(tmp_path, "invite", "SKHDT", BOT_USERNAME="chitieu_bot")
    assert invite.returncode == 0, invite.stderr
    with sqlite3.connect(tmp_path / "cli.db") as database:  # the DPI's invite is the Department of Finance's
        assert database.execute("SELECT agency_code FROM invites").fetchall() == [("STC",)]


def test_init_then_the_structure_before_and_after_1_july_2025(tmp_path: Path) -> None:
    assert run(tmp_path, "init").returncode == 0
    listed = run(tmp_path, "agency", "list", "--json")
    agencies = {agency["code"]: agency for agency in json.loads(listed.stdout)}
    units = [a for a in agencies.values() if a["kind"] in ("commune", "ward", "special_zone")]
    assert len(units) == 64 and {a["status"] for a in units} == {"active"}
    districts = [a for a in agencies.values() if a["kind"] == "district"]
    assert len(districts) == 12
    assert all(a["status"] == "abolished" and a["valid_to"] == "2025-07-01" and a["successors"] for a in districts)
    assert agencies["SKHDT"]["successor_code"] == "STC"
    before = json.loads(run(tmp_path, "agency", "list", "--json", "--at", "2024-12-31").stdout)
    after = json.loads(run(tmp_path, "agency", "list", "--json", "--at", "2025-12-31").stdout)
    kinds_before = Counter(a["kind"] for a in before)
    assert kinds_before["district"] == 12 and not kinds_before["commune"] and not kinds_before["ward"]
    assert Counter(a["kind"] for a in after) == Counter({"commune": 43, "ward": 21, "department": 13, "other": 1})
    dpi = next(a for a in before if a["code"] == "SKHDT")
    assert (dpi["status"], dpi["successor_code"]) == ("active", None)  # as it stood on that day
    old_name = next(a for a in before if a["code"] == "SNNPTNT")["name_vi"]
    assert old_name == "Sở Nông nghiệp và Phát triển nông thôn"


def test_reorganise_dry_run_then_apply_once(tmp_path: Path) -> None:
    assert run(tmp_path, "init").returncode == 0
    changes = tmp_path / "changes.yaml"
    changes.write_text(CHANGES, encoding="utf-8")
    dry = run(tmp_path, "agency", "reorganise", str(changes), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "+ X-TEST (commune)" in dry.stdout and "X-KIMTHANH merged into X-ANTHANH" in dry.stdout
    assert "Dry run: 3 changes would be applied" in dry.stdout
    assert "X-TEST" not in run(tmp_path, "agency", "list").stdout
    applied = run(tmp_path, "agency", "reorganise", str(changes))
    assert applied.returncode == 0 and "3 changes applied." in applied.stdout
    second = run(tmp_path, "agency", "reorganise", str(changes))
    assert second.returncode == 0 and "Nothing to change" in second.stdout
    assert "X-TEST" in run(tmp_path, "agency", "list").stdout
    assert "unchanged" in run(tmp_path, "init").stdout  # init leaves the later changes alone


def test_reorganise_refuses_a_bad_file_with_its_line(tmp_path: Path) -> None:
    assert run(tmp_path, "init").returncode == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(CHANGES.replace("into: X-ANTHANH", "into: X-NOWHERE").replace("kind: commune", "kind: hamlet"))
    result = run(tmp_path, "agency", "reorganise", str(bad))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert f"{bad}:8: reorganisation[0].new[0].kind:" in result.stderr
    fixed = CHANGES.replace("into: X-ANTHANH", "into: X-NOWHERE")
    bad.write_text(fixed)
    result = run(tmp_path, "agency", "reorganise", str(bad))
    assert f"{bad}:13: reorganisation[0].merge[0].into: unknown agency 'X-NOWHERE'" in result.stderr
    assert "X-TEST" not in run(tmp_path, "agency", "list").stdout  # nothing applied
