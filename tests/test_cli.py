"""The command line as an administrator uses it, in a subprocess with its own environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import build_parser


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "ADMIN_"))}
    environment |= {"DATABASE_URL": str(tmp_path / "cli.db"), "DEFAULT_LOCALE": "en"} | env
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=120,
    )


def all_commands() -> list[tuple[str, ...]]:
    """Every command path of the parser, e.g. ('period', 'open')."""
    import argparse

    found: list[tuple[str, ...]] = []

    def walk(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subparsers:
            found.append(path)
        for action in subparsers:
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, child in action.choices.items():
                assert helps.get(name), f"`{' '.join((*path, name))}` has no help text"
                walk(child, (*path, name))

    walk(build_parser(), ())
    return found


def test_every_command_is_documented() -> None:
    commands = all_commands()
    assert ("period", "open") in commands and ("invite",) in commands
    for path in commands:
        parser = build_parser()
        with pytest.raises(SystemExit) as done:
            parser.parse_args([*path, "--help"])
        assert done.value.code == 0


def test_init_then_catalog_list_has_the_programme_targets(tmp_path: Path) -> None:
    assert run(tmp_path, "init").returncode == 0
    again = run(tmp_path, "init")
    assert again.returncode == 0 and "unchanged" in again.stdout
    listing = run(tmp_path, "catalog", "list", "--json")
    assert listing.returncode == 0, listing.stderr
    programmes = {p["code"]: p for p in json.loads(listing.stdout)}
    # Hải Dương's programmes; the other provinces' catalogues are examples that `init` leaves out (issue 17)
    assert set(programmes) == {"HD-NQ30", "HD-DH17", "HD-TN2050"}
    main = programmes["HD-NQ30"]
    targets = {i["code"]: (i["target"]["comparator"], i["target"]["value"]) for i in main["indicators"] if i["target"]}
    assert len(targets) >= 25
    assert targets["GRDP_GROWTH"] == (">", 9)
    assert targets["GRDP_PER_CAPITA"] == (">=", 200)
    assert targets["LABOUR_PRODUCTIVITY_GROWTH"] == (">=", 8.5)
    assert [
        targets[f"STRUCTURE_{s}"][1] for s in ("AGRICULTURE", "INDUSTRY_CONSTRUCTION", "SERVICES", "PRODUCT_TAXES")
    ] == [4.8, 58.4, 31.2, 5.6]
    assert targets["DIGITAL_ECONOMY"] == ("~", 35) and targets["URBANISATION"] == (">", 60)
    assert [targets[f"SCHOOLS_{s}"] for s in ("KINDERGARTEN", "PRIMARY", "LOWER_SECONDARY", "UPPER_SECONDARY")] == [
        (">", 90),
        ("=", 100),
        (">", 95),
        (">", 90),
    ]
    assert targets["TRAINED_LABOUR"] == (">=", 48) and targets["UNEMPLOYMENT"] == ("<", 3)
    assert targets["HEALTH_INSURANCE"] == (">", 99)
    assert targets["HOSPITAL_BEDS"] == (">=", 40.5) and targets["DOCTORS"] == (">=", 11)
    assert targets["CLEAN_WATER"] == ("=", 100) and targets["GHG_EMISSIONS"] == ("<=", -9)
    assert targets["SCIENCE_TECHNOLOGY_SPENDING"] == (">=", 2)
    assert targets["URBAN_AREAS_TOTAL"] == ("~", 24) and targets["URBAN_AREAS_CLASS_4"] == ("=", 7)
    tasks = {t["code"]: t for t in main["tasks"]}
    assert tasks["dpi_action_plan_2023_2025"]["due_on"] == "2023-03-20"
    urban = {t["code"] for t in programmes["HD-DH17"]["tasks"]}
    assert {"binh_giang_urban_class_4", "nam_sach_urban_class_4"} <= urban
    assert len(programmes["HD-TN2050"]["tasks"]) == 5


def test_period_and_invite_commands(tmp_path: Path) -> None:
    assert run(tmp_path, "init").returncode == 0
    opened = run(tmp_path, "period", "open", "2025", "--programme", "HD-NQ30")
    assert opened.returncode == 0 and "Dec 5, 2025" in opened.stdout
    # The congress resolution states no deadline: none is assumed, the admin gives one.
    refused = run(tmp_path, "period", "open", "2025", "--programme", "HD-DH17")
    assert refused.returncode != 0 and "states no reporting deadline" in refused.stderr + refused.stdout
    given = run(tmp_path, "period", "open", "2025", "--programme", "HD-DH17", "--deadline", "20/12/2025")
    assert given.returncode == 0 and "Dec 20, 2025" in given.stdout
    invite = run(tmp_path, "invite", "SYT")
    token, link = invite.stdout.split()
    assert link == f"https://t.me/your_bot?start={token}"
    assert run(tmp_path, "period", "lock", "2025", "--programme", "HD-NQ30").returncode == 0
    assert "locked" in run(tmp_path, "period", "list").stdout
    backup = run(tmp_path, "db", "backup", str(tmp_path / "copy.db"))
    assert backup.returncode == 0 and (tmp_path / "copy.db").stat().st_size > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("invite", "NOPE"), "No active agency NOPE"),
        (("period", "open", "2025-Q5", "--programme", "HD-NQ30"), "2025-Q5 is not a period"),
        (("period", "open", "2025"), "Several programmes are loaded"),
        (("period", "lock", "2031", "--programme", "HD-NQ30"), "No period 2031"),
        (("agency", "merge", "H-TUKY", "--into", "NOPE"), "No active agency NOPE. See `python -m bot agency list`."),
        (("agency", "retire", "NOPE"), "No agency with code NOPE. See `python -m bot agency list`."),
        (("catalog", "load", "missing.yaml"), "missing.yaml:?: no such file or directory"),
        (("reminders", "policy", "2031", "--programme", "HD-NQ30"), "No period 2031"),
    ],
)
def test_bad_input_is_a_clear_message_not_a_traceback(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    assert run(tmp_path, "init").returncode == 0
    result = run(tmp_path, *args)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_catalogue_file_names_line(tmp_path: Path) -> None:
    assert run(tmp_path, "init").returncode == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "programme:\n  code: X\n  title_vi: a\n  title_en: b\n  horizon_year: soon\n",
        encoding="utf-8",
    )
    result = run(tmp_path, "catalog", "load", str(bad))
    assert result.returncode == 1
    assert f"{bad}:5: programme.horizon_year:" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ADMIN_IDS", "12,abc"),
        ("TIMEZONE", "Mars/Base"),
        ("DEFAULT_LOCALE", "fr"),
        ("BOT_API_URL", "ftp://x"),
        ("DATABASE_URL", "postgres://db"),
        ("DATABASE_URL", "mysql://host/db"),
    ],
)
def test_bad_configuration_exits_2_naming_the_variable(tmp_path: Path, variable: str, value: str) -> None:
    result = run(tmp_path, "period", "list", **{variable: value})
    assert result.returncode == 2
    # An unusable DEFAULT_LOCALE leaves the operator with the default language, Vietnamese.
    frame = "Lỗi cấu hình" if variable == "DEFAULT_LOCALE" else "Configuration error"
    assert result.stderr.startswith(f"{frame}: {variable}:")
    assert len(result.stderr.strip().splitlines()) == 1


def test_run_without_token_explains(tmp_path: Path) -> None:
    result = run(tmp_path, "run")
    assert result.returncode == 2 and "BOT_TOKEN" in result.stderr


def test_reminder_plan_and_policy(tmp_path: Path) -> None:
    assert run(tmp_path, "init").returncode == 0
    assert run(tmp_path, "period", "open", "2025", "--programme", "HD-NQ30").returncode == 0
    plan = run(tmp_path, "reminders", "plan", "--at", "2025-12-02T09:00")
    assert plan.returncode == 0, plan.stderr
    # Due before 5 December: the last day on time, 4 December, is what the reminders count from.
    assert "deadline before Dec 5, 2025" in plan.stdout
    assert "Nov 14, 2025 08:00-17:00  before-14" in plan.stdout
    assert "Dec 4, 2025 08:00-17:00  due" in plan.stdout
    assert "Dec 9, 2025 08:00-17:00  escalate" in plan.stdout
    # Since the 2025 reorganisation `init` loads: Hải Dương's 13 departments after the March mergers and the
    # 64 communes and wards of the former Hải Dương (its 12 districts were abolished on 1 July 2025)
    assert "77 agencies still owe" in plan.stdout
    changed = run(tmp_path, "reminders", "policy", "2025", "--programme", "HD-NQ30", "--before", "10,5,1")
    assert changed.returncode == 0 and '"before":[10,5,1]' in changed.stdout
    replanned = run(tmp_path, "reminders", "plan")
    assert "before-10" in replanned.stdout and "before-14" not in replanned.stdout
    bad = run(tmp_path, "reminders", "policy", "2025", "--programme", "HD-NQ30", "--window", "18:00-08:00")
    assert bad.returncode == 1 and "the send window must open before it closes" in bad.stderr
    no_token = run(tmp_path, "reminders", "run-once")
    assert no_token.returncode == 2 and "BOT_TOKEN" in no_token.stderr and "Traceback" not in no_token.stderr


def test_excel_template_round_trip_through_the_cli(tmp_path: Path) -> None:
    assert run(tmp_path, "init").returncode == 0
    filled = run(tmp_path, "catalog", "template", "--programme", "HD-NQ30", "--out", str(tmp_path / "hd.xlsx"))
    assert filled.returncode == 0, filled.stderr
    reload = run(tmp_path, "catalog", "load", str(tmp_path / "hd.xlsx"))
    assert reload.returncode == 0 and "HD-NQ30: unchanged" in reload.stdout
    empty = run(tmp_path, "catalog", "template", "--out", str(tmp_path / "blank.xlsx"))
    assert empty.returncode == 0 and (tmp_path / "blank.xlsx").stat().st_size > 0
    wrong = tmp_path / "catalog.txt"
    wrong.write_text("x", encoding="utf-8")
    refused = run(tmp_path, "catalog", "load", str(wrong))
    assert refused.returncode == 1 and "send a .yaml, .yml or .xlsx catalogue file" in refused.stderr
