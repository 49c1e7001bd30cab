"""The wheel as a deployer installs it: built, installed (not editable) into a fresh virtual environment,
and run from a directory that is not the checkout, it answers in Vietnamese; as a non-root user from a
read-only install it works and writes nothing into the install tree."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VIETNAMESE = "Đã bật lại nhắc nhở."  # the vi catalogue's "Reminders are on again."


def run(*command: str | Path, cwd: Path, user: str | None = None, env: dict[str, str] | None = None) -> str:
    prefix = ["runuser", "-u", user, "--"] if user else []
    done = subprocess.run(
        [*prefix, *map(str, command)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "HOME": str(cwd), **(env or {})} if user else {**os.environ, **(env or {})},
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def base_python() -> str:
    """An interpreter every user may run (a pyenv build under /root is not): Debian's, where it is 3.11+."""
    system = Path("/usr/bin/python3")
    if (
        system.exists()
        and subprocess.run([system, "-c", "import sys, venv; assert sys.version_info >= (3, 11)"]).returncode == 0
    ):
        return str(system)
    return sys.executable


@pytest.fixture(scope="module")
def installed() -> Iterator[Path]:
    """A fresh venv with the built wheel installed, in a folder any user can read."""
    folder = Path(tempfile.mkdtemp(prefix="chitieu-wheel-"))
    folder.chmod(0o755)
    try:
        run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", folder / "dist", ROOT, cwd=folder)
        wheels = list((folder / "dist").glob("chitieu_bot-*.whl"))
        assert len(wheels) == 1
        run(base_python(), "-m", "venv", folder / "venv", cwd=folder)
        run(folder / "venv/bin/python", "-m", "pip", "install", "--quiet", wheels[0], cwd=folder)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_the_wheel_ships_compiled_catalogues_and_no_source_po(installed: Path) -> None:
    site = next((installed / "venv/lib").glob("python3*/site-packages"))
    assert (site / "bot/locale/vi/LC_MESSAGES/messages.mo").is_file()
    assert (site / "bot/locale/en/LC_MESSAGES/messages.mo").is_file()
    assert not (site / "locales").exists()
    # Every package of the checkout is in the wheel (a folder without __init__.py would be left out).
    for package in ("bot", "handlers", "storage"):
        for folder in (ROOT / package).rglob("*"):
            if folder.is_dir() and folder.name != "__pycache__" and any(folder.glob("*.py")):
                assert (site / folder.relative_to(ROOT) / "__init__.py").is_file(), folder


def test_an_installed_wheel_speaks_vietnamese(installed: Path) -> None:
    script = "from bot.i18n import translator; print(translator('vi').gettext('Reminders are on again.'))"
    assert run(installed / "venv/bin/python", "-c", script, cwd=installed).strip() == VIETNAMESE


@pytest.mark.skipif(os.geteuid() != 0, reason="switching to another user needs root")
def test_a_non_root_user_runs_the_cli_from_a_read_only_install(installed: Path) -> None:
    data = installed / "data"
    data.mkdir()
    shutil.chown(data, "nobody")
    subprocess.run(["chmod", "-R", "a-w", str(installed / "venv")], check=True)
    before = sorted(path for path in (installed / "venv").rglob("*"))
    env = {"DATABASE_URL": f"sqlite:///{data}/chitieu.db"}
    out = run(installed / "venv/bin/chitieu-bot", "init", cwd=data, user="nobody", env=env)
    assert "HD-NQ30" in out
    listing = run(installed / "venv/bin/chitieu-bot", "period", "list", cwd=data, user="nobody", env=env)
    assert listing.strip()
    assert sorted(path for path in (installed / "venv").rglob("*")) == before  # nothing written into the install
    assert (data / "chitieu.db").is_file()
