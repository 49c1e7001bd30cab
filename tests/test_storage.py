"""Repositories on a real SQLite file."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot import services
from bot.domain.aggregation import roll_up
from bot.domain.catalogue import CatalogueError, parse_catalogue
from bot.domain.models import Answer, PeriodState, Role, ValueStatus
from storage import AgencyError, InviteRefused, PeriodLocked, Storage, ValueConflict, open_storage
from storage.db import available_migrations, migrate, schema_version


async def test_migrations_from_empty_and_again(tmp_path: Path) -> None:
    storage = await open_storage(tmp_path / "fresh.db", run_migrations=False)
    try:
        assert await schema_version(storage.db) == 0
        applied = await migrate(storage.db)
        assert applied == [name for _, name, _ in available_migrations()]
        assert await schema_version(storage.db) == available_migrations()[-1][0]
        assert await migrate(storage.db) == []
        tables = {row[0] for row in await storage.db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"programmes", "values", "value_changes", "reminder_log", "invites"} <= tables
        mode = await storage.db.fetch_one("PRAGMA journal_mode")
        assert mode is not None and mode[0] == "wal"
    finally:
        await storage.close()


async def _snapshot(storage: Storage) -> list[tuple[object, ...]]:
    rows = []
    for table in ("programmes", "data_elements", "indicators", "assignments", "catalogue_loads"):
        rows += [tuple(row) for row in await storage.db.fetch_all(f"SELECT * FROM {table}")]
    return rows


async def test_catalogue_reload_is_idempotent(loaded: Storage) -> None:
    before = await _snapshot(loaded)
    loads = await services.load_shipped(loaded)
    assert all(load.diff.empty for load in loads)
    assert await _snapshot(loaded) == before


async def test_changed_catalogue_updates_in_place_and_keeps_history(loaded: Storage) -> None:
    programme = await loaded.catalogue.programme("HD-NQ30")
    assert programme is not None
    period = await services.open_period(loaded, "2025", programme_code="HD-NQ30", deadline=None)
    await loaded.values.save(period, "CTK", "tfp_contribution", number=40, by=1)
    text = (services.shipped_catalogue_dir() / "hai_duong_nq30.yaml").read_text(encoding="utf-8")
    changed = text.replace("value: 40.5, year: 2030", "value: 41, year: 2030")
    changed = changed.replace("  - code: TFP_CONTRIBUTION", "  - code: TFP_REMOVED_TEST", 1)
    load = await services.load_catalogue(loaded, parse_catalogue(changed, "edited.yaml"))
    assert "indicator:HOSPITAL_BEDS" in load.diff.changed
    assert load.diff.added == ("indicator:TFP_REMOVED_TEST",)
    assert load.diff.removed == ("indicator:TFP_CONTRIBUTION",)
    codes = {i.code: i for i in await loaded.catalogue.indicators(programme.id)}
    assert codes["HOSPITAL_BEDS"].target is not None and codes["HOSPITAL_BEDS"].target.value == 41
    assert "TFP_CONTRIBUTION" not in codes
    # The value reported against the element is still there.
    assert (await loaded.values.for_agency(period.id, "CTK"))["tfp_contribution"].number == 40
    history = await loaded.db.fetch_all("SELECT source FROM catalogue_loads ORDER BY id")
    assert history[-1][0] == "edited.yaml"


async def test_malformed_catalogue_changes_nothing(loaded: Storage) -> None:
    before = await _snapshot(loaded)
    text = (services.shipped_catalogue_dir() / "hai_duong_nq30.yaml").read_text(encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        await services.load_catalogue(
            loaded,
            parse_catalogue(text.replace("reporters: [SYT]", "reporters: [SYTX]"), "bad.yaml"),
        )
    problem = caught.value.problems[0]
    assert problem.message == "unknown agency 'SYTX'"
    assert problem.line is not None
    assert text.splitlines()[problem.line - 1].strip() == "reporters: [SYT]"
    assert await _snapshot(loaded) == before


async def _open_2025(storage: Storage):  # type: ignore[no-untyped-def]
    return await services.open_period(storage, "2025", programme_code="HD-NQ30", deadline=None)


async def test_value_history_is_kept_across_edits(loaded: Storage) -> None:
    period = await _open_2025(loaded)
    first = await loaded.values.save(period, "SYT", "hospital_beds", number=7000, by=11, expected_version=0)
    second = await loaded.values.save(
        period,
        "SYT",
        "hospital_beds",
        number=7100,
        note="sửa",
        by=12,
        expected_version=first.version,
    )
    same = await loaded.values.save(
        period,
        "SYT",
        "hospital_beds",
        number=7100,
        note="sửa",
        by=12,
        expected_version=second.version,
    )
    assert (first.version, second.version, same.version) == (1, 2, 2)
    history = await loaded.values.history(period_id=period.id, agency_code="SYT")
    assert [(c.old_number, c.new_number, c.changed_by) for c in history] == [
        (None, 7000, 11),
        (7000, 7100, 12),
    ]
    with pytest.raises(Exception, match="append-only"):
        async with loaded.db.transaction() as connection:
            await connection.execute("DELETE FROM value_changes")


async def test_each_write_stores_every_column_and_its_history(loaded: Storage) -> None:
    period = await _open_2025(loaded)
    moment = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
    waived = await loaded.values.save(
        period, "SYT", "doctors", answer=Answer.NOT_APPLICABLE, text="không có", note="n1", by=3, now=moment
    )
    given = await loaded.values.save(
        period,
        "SYT",
        "doctors",
        number=1800,
        note="n2",
        status=ValueStatus.OFFICIAL,
        by=4,
        expected_version=waived.version,
        now=moment + timedelta(hours=1),
    )
    assert (waived.answer, waived.text, waived.note, waived.version, waived.updated_by) == (
        Answer.NOT_APPLICABLE,
        "không có",
        "n1",
        1,
        3,
    )
    assert (given.answer, given.number, given.text, given.note, given.status, given.version) == (
        Answer.VALUE,
        1800,
        None,
        "n2",
        ValueStatus.OFFICIAL,
        2,
    )
    assert given.updated_at == moment + timedelta(hours=1)
    history = await loaded.values.history(period_id=period.id, element_code="doctors")
    assert [
        (c.version, c.old_answer, c.old_number, c.old_text, c.new_answer, c.new_number, c.new_text, c.note, c.status)
        for c in history
    ] == [
        (1, None, None, None, Answer.NOT_APPLICABLE, None, "không có", "n1", ValueStatus.PRELIMINARY),
        (2, Answer.NOT_APPLICABLE, None, "không có", Answer.VALUE, 1800, None, "n2", ValueStatus.OFFICIAL),
    ]
    assert [(c.changed_by, c.changed_at) for c in history] == [(3, moment), (4, moment + timedelta(hours=1))]


async def test_an_unknown_element_is_refused_and_nothing_is_written(loaded: Storage) -> None:
    period = await _open_2025(loaded)
    with pytest.raises(KeyError):
        await loaded.values.save(period, "SYT", "no_such_element", number=1, by=1)
    assert await loaded.values.for_period(period.id) == []
    assert await loaded.values.history(period_id=period.id) == []


async def test_stale_writer_gets_a_conflict_not_an_overwrite(loaded: Storage) -> None:
    period = await _open_2025(loaded)
    await loaded.values.save(period, "SYT", "doctors", number=1800, by=1, expected_version=0)
    with pytest.raises(ValueConflict) as caught:
        await loaded.values.save(period, "SYT", "doctors", number=1900, by=2, expected_version=0)
    assert caught.value.current.number == 1800
    assert (await loaded.values.for_agency(period.id, "SYT"))["doctors"].number == 1800


async def test_locked_period_refuses_writes(loaded: Storage) -> None:
    period = await _open_2025(loaded)
    await loaded.values.save(period, "SYT", "doctors", number=1800, by=1)
    locked = await loaded.periods.set_state(period, PeriodState.LOCKED, by=99)
    with pytest.raises(PeriodLocked):
        await loaded.values.save(locked, "SYT", "doctors", number=1, by=1)
    with pytest.raises(PeriodLocked):
        await loaded.values.submit(locked, "SYT", 1, datetime.now(UTC), on_time=True)
    assert (await loaded.values.for_agency(period.id, "SYT"))["doctors"].number == 1800
    events = await loaded.db.fetch_all("SELECT new_state, changed_by FROM period_events")
    assert [tuple(e) for e in events] == [("open", None), ("locked", 99)]


async def test_agency_merge_keeps_history(loaded: Storage) -> None:
    period = await _open_2025(loaded)
    await loaded.values.save(period, "H-NAMSACH", "communes_total", number=13, by=5)
    await loaded.agencies.merge(["H-NAMSACH"], "TP-HAIDUONG", date(2025, 7, 1))
    merged = await loaded.agencies.get("H-NAMSACH")
    assert merged is not None
    assert (merged.status.value, merged.successor_code) == ("merged", "TP-HAIDUONG")
    assert (await loaded.values.for_agency(period.id, "H-NAMSACH"))["communes_total"].number == 13
    assert len(await loaded.values.history(agency_code="H-NAMSACH")) == 1
    programme = await loaded.catalogue.programme("HD-NQ30")
    assert programme is not None
    assignments = await loaded.catalogue.assignments(programme.id)
    assert "H-NAMSACH" not in assignments and "communes_total" in assignments["TP-HAIDUONG"]
    successors = await loaded.agencies.successor_map()
    assert successors["H-NAMSACH"] == "TP-HAIDUONG"
    # Counted once, under the successor: Nam Sách's 13 communes are added to Hải Dương city's.
    await loaded.values.save(period, "TP-HAIDUONG", "communes_total", number=4, by=6)
    types = {e.code: e.type for e in await loaded.catalogue.elements(programme.id)}
    rolled = roll_up(await loaded.values.for_period(period.id), successors, types)
    assert rolled.get("TP-HAIDUONG", "communes_total") == 17
    assert rolled.get("H-NAMSACH", "communes_total") is None


async def test_invites_are_single_use_and_expire(loaded: Storage) -> None:
    invite = await loaded.users.create_invite("SYT", Role.FOCAL, timedelta(days=7))
    redeemed = await loaded.users.redeem_invite(invite.token, 500, "Nguyễn Văn A", None)
    assert redeemed.agency_code == "SYT"
    memberships = await loaded.users.memberships(500)
    assert [(m.agency_code, m.primary) for m in memberships] == [("SYT", True)]
    with pytest.raises(InviteRefused) as used:
        await loaded.users.redeem_invite(invite.token, 501, "B", None)
    assert used.value.reason == "used"
    old = await loaded.users.create_invite("SYT", Role.BACKUP, timedelta(days=1))
    with pytest.raises(InviteRefused) as expired:
        await loaded.users.redeem_invite(old.token, 502, "C", None, now=datetime.now(UTC) + timedelta(days=2))
    assert expired.value.reason == "expired"
    with pytest.raises(InviteRefused) as unknown:
        await loaded.users.redeem_invite("nope", 503, "D", None)
    assert unknown.value.reason == "unknown"
    assert await loaded.users.get(502) is None and await loaded.users.get(501) is None
    user = await loaded.users.get(500)
    assert user is not None and user.role is Role.FOCAL
    assert await loaded.values.for_agency(1, "SYT") == {}
    assert Answer.VALUE.value == "value"


async def test_group_reporters_stay_within_the_programmes_province(loaded: Storage) -> None:
    programme = await loaded.catalogue.programme("HD-NQ30")
    assert programme is not None
    assignments = await loaded.catalogue.assignments(programme.id)
    plans = {agency for agency, codes in assignments.items() if "agency_detailed_plans" in codes}
    assert "SYT" in plans and "H-TUKY" in plans and len(plans) == 30
    assert not any(code.startswith(("HP-", "HN-", "UBND-")) for code in plans)


async def test_a_retired_agency_keeps_its_history_and_owes_nothing(loaded: Storage) -> None:
    period = await _open_2025(loaded)
    await loaded.values.save(period, "H-TUKY", "communes_total", number=26, by=5)
    await loaded.agencies.retire("H-TUKY", date(2025, 7, 1))
    retired = await loaded.agencies.get("H-TUKY")
    assert retired is not None and retired.status.value == "retired"
    programme = await loaded.catalogue.programme("HD-NQ30")
    assert programme is not None
    assert "H-TUKY" not in await loaded.catalogue.assignments(programme.id)
    assert (await loaded.values.for_agency(period.id, "H-TUKY"))["communes_total"].number == 26
    assert len(await loaded.values.history(agency_code="H-TUKY")) == 1
    with pytest.raises(AgencyError):
        await loaded.agencies.retire("H-TUKY", date(2025, 7, 2))


async def test_reviews_keep_the_latest_change_seen_and_their_events_for_good(loaded: Storage) -> None:
    """Both databases: "changes since the last look" only moves forward, and the review history is append-only."""
    period, moment = await _open_2025(loaded), datetime(2025, 12, 1, 9, tzinfo=UTC)
    await loaded.values.save(period, "SYT", "hospital_beds", number=7000, by=11)
    await loaded.values.submit(period, "SYT", 11, moment, on_time=True)
    await loaded.reviews.give_back(period, "SYT", "thiếu số liệu", 900, moment)
    for seen in (7, 3):
        await loaded.reviews.mark_seen(period.id, "SYT", seen, moment)
    review = await loaded.reviews.get(period.id, "SYT")
    assert review is not None and (review.state.value, review.seen_change) == ("returned", 7)
    assert [event[:2] for event in await loaded.reviews.events(period.id, "SYT")] == [("returned", "thiếu số liệu")]
    with pytest.raises(Exception, match="append-only"):
        async with loaded.db.transaction() as connection:
            await connection.execute("UPDATE review_events SET reason = 'xoá'")


async def test_the_structure_version_moves_with_a_merger(loaded: Storage) -> None:
    """Both databases: what is kept per process while the counter stands still is rebuilt after a change."""
    before = await loaded.agencies.structure_version()
    assert before == await loaded.agencies.structure_version()
    await loaded.agencies.merge(["SKHDT"], "STC", date(2025, 3, 1))
    merged = await loaded.agencies.structure_version()
    assert merged > before
    assert (await loaded.agencies.get("SKHDT")).successor_code == "STC"  # type: ignore[union-attr]
