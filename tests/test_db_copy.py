"""`python -m bot db copy`: a season's SQLite database moved to PostgreSQL keeps every row and gives the same
summary JSON; the copy refuses a target that already holds data."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot import services
from bot.domain.models import AgencyKind
from bot.files.exports import summary_json
from bot.services.summary import build_summary
from storage import open_storage
from storage.copy import tables_in_order

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def _season(path: Path) -> None:
    """Two periods of figures, a merger (a successor that refers to its own table), a submission, reminders,
    an explanation request and a conversation in progress."""
    storage = await open_storage(path)
    try:
        await services.load_shipped(storage)
        districts = [a.code for a in await storage.agencies.all() if a.kind is AgencyKind.DISTRICT]
        previous = await services.open_period(storage, "2025", programme_code="HD-NQ30", deadline=None)
        current = await services.open_period(storage, "2026", programme_code="HD-NQ30", deadline=None)
        for number, agency in enumerate(districts):
            for period in (previous, current):
                await storage.values.save(period, agency, "communes_total", number=20 + number, by=1)
                await storage.values.save(period, agency, "communes_ntm_advanced", number=5 + number % 7, by=1)
        await storage.values.save(current, "SYT", "hospital_beds", number=7000, note="ước tính", by=2)
        await storage.values.save(current, "SYT", "hospital_beds", number=7100, by=2, expected_version=1)
        await storage.values.submit(current, "SYT", 2, NOW, on_time=True)
        await storage.agencies.merge(districts[-2:], districts[0], date(2026, 7, 1))
        await storage.users.ensure_admins([900])
        await storage.reminders.claim(current.id, 900, "before-7", "before", timedelta(minutes=2))
        await storage.explanations.ask(current.id, "SYT", "hospital_beds_per_10k", "Vì sao tăng?", 900)
        await storage.updates.first_time(41)
    finally:
        await storage.close()


async def _summaries(url: str) -> list[str]:
    storage = await open_storage(url)
    try:
        return [
            json.dumps(summary_json(await build_summary(storage, period, NOW)), sort_keys=True, ensure_ascii=False)
            for period in await storage.periods.all()
        ]
    finally:
        await storage.close()


async def _copy(source: Path, target: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "db", "copy", "--from", f"sqlite:///{source}", "--to", target,
        env=dict(os.environ, LOG_LEVEL="WARNING"), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), 120)
    return process.returncode or 0, output.decode()


async def test_a_season_moved_to_postgres_gives_the_same_summaries(tmp_path: Path, postgres_url: str) -> None:
    source = tmp_path / "season.db"
    await _season(source)
    code, output = await _copy(source, postgres_url)
    assert code == 0, output
    before, after = await _summaries(f"sqlite:///{source}"), await _summaries(postgres_url)
    assert len(before) == 2 and before == after
    sqlite, postgres = await open_storage(source), await open_storage(postgres_url)
    try:
        for table, _, _ in await tables_in_order(sqlite.db):
            query = f'SELECT COUNT(*) FROM "{table}"'
            assert (await sqlite.db.fetch_one(query))[0] == (await postgres.db.fetch_one(query))[0], table  # type: ignore[index]
        history = await postgres.values.history(agency_code="SYT")
        assert [(change.version, change.new_number) for change in history] == [(1, 7000), (2, 7100)]
        # The identities go on after the copied ids: a new row gets a fresh one.
        asked = await postgres.explanations.ask(1, "SYT", "hospital_beds_per_10k", "Còn gì?", 900)
        assert asked == 2
    finally:
        await sqlite.close()
        await postgres.close()
    code, output = await _copy(source, postgres_url)
    assert code == 1 and "empty database" in output


async def test_an_unreachable_target_is_one_line_without_the_password(tmp_path: Path) -> None:
    source = tmp_path / "empty.db"
    await (await open_storage(source)).close()
    code, output = await _copy(source, "postgresql://bot:s3cret@127.0.0.1:1/chitieu")
    assert code == 2 and len(output.strip().splitlines()) == 1 and "s3cret" not in output, output
    assert "postgresql://bot:***@127.0.0.1:1/chitieu" in output and "Traceback" not in output
