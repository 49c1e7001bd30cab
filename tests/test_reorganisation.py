"""The 2025 reorganisation as data (issue 17): groups resolved on each period's day, a province's
indicator carried from districts (2024) to communes (2025), and the history of abolished units kept."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot import services
from bot.domain.agencies import Structure, unit_label
from bot.domain.catalogue import CatalogueError
from bot.domain.models import AgencyKind, AgencyStatus, Period
from bot.i18n import translator
from bot.services import obligations
from bot.services.catalogue import INIT_AGENCIES, load_shipped_catalogue
from bot.services.reorganisation import init_shipped, reorganise_text
from bot.services.summary import build_summary
from storage import Storage

SHIPPED = services.shipped_catalogue_dir()
REORGANISATION = "reorganisation_hai_phong_2025.yaml"
COMMUNE_LEVEL = {AgencyKind.COMMUNE, AgencyKind.WARD, AgencyKind.SPECIAL_ZONE}


async def _periods(storage: Storage) -> tuple[Period, Period]:
    first = await services.open_period(storage, "2024", programme_code="HD-NQ30", deadline=None)
    second = await services.open_period(storage, "2025", programme_code="HD-NQ30", deadline=None)
    return first, second


async def _before_the_reorganisation(storage: Storage) -> None:
    """Hải Dương as it stood in 2023: its agencies, Hải Phòng's People's Committee and the main catalogue."""
    for name in INIT_AGENCIES:
        await services.load_agency_text(storage, (SHIPPED / name).read_text(encoding="utf-8"), name)
    await load_shipped_catalogue(storage, "hai_duong_nq30.yaml")


async def test_init_ships_the_64_units_and_abolishes_the_12_districts(storage: Storage) -> None:
    setup = await init_shipped(storage)
    agencies = await storage.agencies.all()
    units = [a for a in agencies if a.kind in COMMUNE_LEVEL]
    assert len(units) == 64 and all(a.status is AgencyStatus.ACTIVE for a in units)
    assert sum(a.kind is AgencyKind.WARD for a in units) == 21 and all(a.valid_from == date(2025, 7, 1) for a in units)
    assert all(a.formed_from for a in units) and {a.province for a in units} == {"HAI-PHONG"}
    districts = [a for a in agencies if a.kind is AgencyKind.DISTRICT]
    assert len(districts) == 12
    assert all(a.status is AgencyStatus.ABOLISHED and a.valid_to == date(2025, 7, 1) for a in districts)
    assert all(a.successors and set(a.successors) <= {u.code for u in units} for a in districts)
    dpi = next(a for a in agencies if a.code == "SKHDT")
    assert (dpi.status, dpi.successor_code, dpi.valid_to) == (AgencyStatus.MERGED, "STC", date(2025, 3, 1))
    assert not {a.code for a in agencies if a.code.startswith(("HP-", "HN-"))}  # other provinces' stay out
    assert setup.reorganisations[0].applied
    again = await init_shipped(storage)
    assert not again.reorganisations[0].changes and (again.added, again.updated) == (0, 0)
    assert all(load.diff.empty for load in again.catalogues)


async def test_local_is_the_districts_in_2024_and_the_communes_in_2025(storage: Storage) -> None:
    await init_shipped(storage)
    first, second = await _periods(storage)
    owed_2024, owed_2025 = await obligations.reporters(storage, first), await obligations.reporters(storage, second)
    kinds = {agency.code: agency.kind for agency in await storage.agencies.all()}
    assert {kinds[code] for code in owed_2024["communes_total"]} == {AgencyKind.DISTRICT}
    assert len(owed_2024["communes_total"]) == 12
    assert {kinds[code] for code in owed_2025["communes_total"]} == {AgencyKind.COMMUNE, AgencyKind.WARD}
    assert len(owed_2025["communes_total"]) == 64
    # The DPI's tasks: its own in 2024, the Department of Finance's after the merger of 1 March 2025.
    dpi_tasks = (await obligations.owing(storage, first))["SKHDT"]
    assert dpi_tasks and "SKHDT" not in await obligations.owing(storage, second)
    assert set(dpi_tasks) <= set((await obligations.owing(storage, second))["STC"])
    t = translator("vi", "Asia/Ho_Chi_Minh")
    assert await obligations.period_consolidator(storage, t, first) == "Sở Kế hoạch và Đầu tư"
    assert await obligations.period_consolidator(storage, t, second) == "Sở Tài chính"
    english = translator("en", "Asia/Ho_Chi_Minh")
    assert await obligations.period_consolidator(storage, english, second) == "the Department of Finance"


async def test_an_agency_added_after_init_owes_what_its_group_owes_without_a_reload(storage: Storage) -> None:
    await init_shipped(storage)
    _, second = await _periods(storage)
    assert not await obligations.owed_elements(storage, second, "X-NEW")  # what is owed is now kept...
    text = (
        "province: HAI-DUONG\nagencies:\n  - {code: X-NEW, name_vi: Xã Mới, name_en: New Commune, kind: commune,"
        " parent: UBND-HP, valid_from: 2025-07-01}\n  - {code: HN-X, name_vi: Xã Hà Nam, name_en: Ha Nam Commune,"
        " kind: commune, province: HA-NAM}\n"
    )
    await services.load_agency_text(storage, text, "more.yaml")
    owed = await obligations.owed_elements(storage, second, "X-NEW")  # ...until the structure changes
    assert "communes_total" in {element.code for element in owed}
    assert not await obligations.owed_elements(storage, second, "HN-X")  # another province's commune


async def test_a_ratio_indicator_from_district_counts_in_2024_and_commune_answers_in_2025(storage: Storage) -> None:
    await init_shipped(storage)
    first, second = await _periods(storage)
    districts = sorted((await obligations.reporters(storage, first))["communes_total"])
    for index, code in enumerate(districts):  # 12 districts: 20 communes each, 10 + index meet the standard
        await storage.values.save(first, code, "communes_total", number=20, by=1)
        await storage.values.save(first, code, "communes_ntm_advanced", number=10 + index, by=1)
    communes = sorted((await obligations.reporters(storage, second))["communes_total"])
    silent = communes[-1]
    for index, code in enumerate(communes[:-1]):  # each commune: itself, meeting the standard or not
        await storage.values.save(second, code, "communes_total", number=1, by=2)
        await storage.values.save(second, code, "communes_ntm_advanced", number=int(index % 3 != 0), by=2)

    earlier = await build_summary(storage, first)
    old = next(item for item in earlier.indicators if item.indicator.code == "NTM_ADVANCED")
    assert old.value == pytest.approx(100 * sum(10 + i for i in range(12)) / 240)
    assert set(old.aggregate.covered) == set(districts) and not old.aggregate.missing

    later = await build_summary(storage, second)
    new = next(item for item in later.indicators if item.indicator.code == "NTM_ADVANCED")
    meeting = sum(index % 3 != 0 for index in range(63))
    assert new.value is None or new.aggregate.partial
    assert new.aggregate.missing == (silent,) and len(new.aggregate.covered) == 63
    assert new.previous == pytest.approx(old.value)  # the same indicator, compared across the reorganisation
    assert later.previous_code == "2024"
    # Completeness counts the units of each period: the districts in 2024, the communes in 2025.
    reported_2024 = {report.agency.code for report in earlier.agencies}
    reported_2025 = {report.agency.code for report in later.agencies}
    assert set(districts) <= reported_2024 and not reported_2024 & set(communes)
    assert set(communes) <= reported_2025 and not reported_2025 & set(districts)
    await storage.values.save(second, silent, "communes_total", number=1, by=2)
    await storage.values.save(second, silent, "communes_ntm_advanced", number=1, by=2)
    complete = next(i for i in (await build_summary(storage, second)).indicators if i.indicator.code == "NTM_ADVANCED")
    assert complete.value == pytest.approx(100 * (meeting + 1) / 64) and not complete.aggregate.missing


async def test_an_abolished_districts_history_stays(storage: Storage) -> None:
    await _before_the_reorganisation(storage)
    first, _ = await _periods(storage)
    await storage.values.save(first, "H-TUKY", "communes_total", number=26, by=5)
    await storage.values.save(first, "H-TUKY", "communes_total", number=27, by=5)
    await storage.values.save(first, "H-TUKY", "communes_ntm_advanced", number=20, by=5)
    await storage.values.save(first, "SKHDT", "grdp_growth", number=8.2, by=6)
    done = await reorganise_text(storage, (SHIPPED / REORGANISATION).read_text(encoding="utf-8"), REORGANISATION)
    assert done.applied
    tuky = await storage.agencies.get("H-TUKY")
    assert tuky is not None and tuky.status is AgencyStatus.ABOLISHED and "X-TUKY" in tuky.successors
    assert (await storage.values.for_agency(first.id, "H-TUKY"))["communes_total"].number == 27
    assert len(await storage.values.history(agency_code="H-TUKY")) == 3  # the audit trail, both changes
    assert (await storage.values.for_agency(first.id, "SKHDT"))["grdp_growth"].number == 8.2
    # 2024's summary still reads Tứ Kỳ's figure under Tứ Kỳ, and the DPI's under the DPI (it existed then).
    summary = await build_summary(storage, first)
    share = next(item for item in summary.indicators if item.indicator.code == "NTM_ADVANCED")
    assert share.aggregate.covered == ("H-TUKY",) and len(share.aggregate.missing) == 11
    assert "SKHDT" in {report.agency.code for report in summary.agencies}
    # A commune's detail line says which former units it stands for.
    commune = await storage.agencies.get("X-TUKY")
    assert commune is not None
    label = unit_label(commune, translator("vi", "Asia/Ho_Chi_Minh"), date(2025, 12, 31))
    assert label.startswith("Xã Tứ Kỳ (hình thành từ thị trấn Tứ Kỳ, xã Minh Đức")


async def test_the_structure_on_a_date(storage: Storage) -> None:
    await init_shipped(storage)
    structure = Structure.of(await storage.agencies.all())
    before = {a.code for a in structure.on(date(2025, 6, 30))}
    after = {a.code for a in structure.on(date(2025, 7, 1))}
    assert "H-TUKY" in before and "X-TUKY" not in before and "SKHDT" not in before and "STC" in before
    assert "H-TUKY" not in after and "X-TUKY" in after
    assert structure.follow("SKHDT", date(2025, 2, 28)) == ("SKHDT",)
    assert structure.follow("SKHDT", date(2025, 3, 1)) == ("STC",)
    assert structure.follow("H-TUKY", date(2025, 7, 1)) == ()  # split between six units: only groups reach them
    renamed = structure.agencies["SNNPTNT"]
    assert renamed.name_on("vi", date(2025, 2, 28)) == "Sở Nông nghiệp và Phát triển nông thôn"
    assert renamed.name_on("vi", date(2025, 3, 1)) == "Sở Nông nghiệp và Môi trường"


BAD = """sources:
  S1: "A decision without an address"
reorganisation:
  - date: 2025-07-01
    source: S2
    merge:
      - {from: [NOPE], into: STC}
"""


async def test_a_bad_reorganisation_file_is_refused_with_lines(storage: Storage) -> None:
    await init_shipped(storage)
    with pytest.raises(CatalogueError) as malformed:
        await reorganise_text(storage, BAD, "bad.yaml")
    assert "bad.yaml:2: sources: " in str(malformed.value) and "gives no address" in str(malformed.value)
    fixed = BAD.replace("without an address", "— https://example.org/decision")
    with pytest.raises(CatalogueError) as unsourced:
        await reorganise_text(storage, fixed, "bad.yaml")
    assert "bad.yaml:5: reorganisation[0].source: no source 'S2' in sources" in str(unsourced.value)
    with pytest.raises(CatalogueError) as unknown:
        await reorganise_text(storage, fixed.replace("S2", "S1"), "bad.yaml")
    assert "bad.yaml:7: reorganisation[0].merge[0].from[0]: unknown agency 'NOPE'" in str(unknown.value)
    before = await storage.agencies.all()
    contradiction = fixed.replace("S2", "S1").replace("NOPE", "H-TUKY")  # abolished already: not merged again
    with pytest.raises(CatalogueError) as refused:
        await reorganise_text(storage, contradiction, "bad.yaml")
    assert "bad.yaml:7:" in str(refused.value) and "already abolished" in str(refused.value)
    assert await storage.agencies.all() == before


def test_the_shipped_file_names_a_source_address_for_every_event() -> None:
    from bot.domain.reorganisation import read_reorganisation_file

    parsed = read_reorganisation_file(Path(SHIPPED / REORGANISATION))
    assert all("https://" in parsed.spec.sources[event.source] for event in parsed.spec.reorganisation)
    new = [unit for event in parsed.spec.reorganisation for unit in event.new]
    assert len(new) == 64 and len({unit.code for unit in new}) == 64
