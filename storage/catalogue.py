"""Programmes, their data elements (tasks included) and indicators, and the assignments of elements to
agencies. Loading a catalogue updates rows in place and marks removed items inactive, so that values
reported against them keep their meaning."""

from __future__ import annotations

import json

import aiosqlite

from bot.domain.catalogue import (
    CatalogueDiff,
    CatalogueSpec,
    ElementSpec,
    IndicatorSpec,
    ProgrammeSpec,
    TaskSpec,
)
from bot.domain.models import (
    Comparator,
    DataElement,
    Indicator,
    Programme,
    Target,
)
from storage.clock import to_text, utcnow
from storage.db import Database, as_model

PROGRAMME_COLUMNS = (
    "id, code, title_vi, title_en, document, issued_on, horizon_year, baseline_year,"
    " report_frequency, report_deadline, report_to"
)
ELEMENT_COLUMNS = (
    "id, programme_id, code, name_vi, name_en, type, unit, min_value, max_value, due_on, lead_agency, position, active"
)
INDICATOR_COLUMNS = (
    "id, programme_id, code, area, name_vi, name_en, unit, comparator, target_value, target_year,"
    " target_text_vi, target_text_en, kind, direction, path, baseline_year, baseline_value,"
    " milestones_json, aggregation, element, numerator, denominator, weight, factor, lead_agency,"
    " position, active, judged, since"
)


def _indicator(row: aiosqlite.Row) -> Indicator:
    target = None
    if row["comparator"] is not None:
        target = Target(comparator=Comparator(row["comparator"]), value=row["target_value"], year=row["target_year"])
    milestones = {int(year): value for year, value in json.loads(row["milestones_json"]).items()}
    return as_model(Indicator, row, target=target, milestones=milestones)


class CatalogueRepository:
    def __init__(self, database: Database) -> None:
        self.db = database

    async def programmes(self) -> list[Programme]:
        rows = await self.db.fetch_all(f"SELECT {PROGRAMME_COLUMNS} FROM programmes ORDER BY id")
        return [as_model(Programme, row) for row in rows]

    async def programme(self, code: str) -> Programme | None:
        row = await self.db.fetch_one(f"SELECT {PROGRAMME_COLUMNS} FROM programmes WHERE code = ?", (code,))
        return as_model(Programme, row) if row else None

    async def programme_by_id(self, programme_id: int) -> Programme | None:
        row = await self.db.fetch_one(f"SELECT {PROGRAMME_COLUMNS} FROM programmes WHERE id = ?", (programme_id,))
        return as_model(Programme, row) if row else None

    async def elements(self, programme_id: int, *, tasks: bool | None = None) -> list[DataElement]:
        """Active data elements in catalogue order; `tasks` filters to (or out) the tasks section."""
        where = "" if tasks is None else f" AND is_task = {int(tasks)}"
        rows = await self.db.fetch_all(
            f"SELECT {ELEMENT_COLUMNS} FROM data_elements WHERE programme_id = ? AND active = 1"
            f"{where} ORDER BY position",
            (programme_id,),
        )
        return [as_model(DataElement, row) for row in rows]

    async def indicators(self, programme_id: int) -> list[Indicator]:
        rows = await self.db.fetch_all(
            f"SELECT {INDICATOR_COLUMNS} FROM indicators WHERE programme_id = ? AND active = 1 ORDER BY position",
            (programme_id,),
        )
        return [_indicator(row) for row in rows]

    async def assigned_elements(self, programme_id: int, agency_code: str) -> list[DataElement]:
        """The active elements an agency owes for a programme, in catalogue order."""
        rows = await self.db.fetch_all(
            f"SELECT {', '.join('e.' + c.strip() for c in ELEMENT_COLUMNS.split(','))}"
            " FROM data_elements e JOIN assignments a ON a.element_id = e.id"
            " WHERE e.programme_id = ? AND e.active = 1 AND a.agency_code = ? ORDER BY e.position",
            (programme_id, agency_code),
        )
        return [as_model(DataElement, row) for row in rows]

    async def reporters(self, programme_id: int) -> dict[str, frozenset[str]]:
        """Element code -> the agencies assigned it, for one programme's active elements. One row per element
        (agency codes cannot contain a comma), so a province of any size costs a hundred rows, not a row per
        assignment."""
        rows = await self.db.fetch_all(
            "SELECT e.code, (SELECT group_concat(a.agency_code) FROM assignments a WHERE a.element_id = e.id)"
            " FROM data_elements e WHERE e.programme_id = ? AND e.active = 1 ORDER BY e.position",
            (programme_id,),
        )
        # Elements with the same reporters (every "@district" element) share one set: less to build and
        # hold, and comparing a set with itself is instant. The list comes in key order, so equal sets give
        # equal text (were it not so, they would only cost more).
        shared: dict[str, frozenset[str]] = {}
        result = {}
        for code, listed in rows:
            if listed not in shared:
                shared[listed] = frozenset(listed.split(",")) if listed else frozenset()
            result[code] = shared[listed]
        return result

    async def assignments(self, programme_id: int) -> dict[str, list[str]]:
        """Agency code -> element codes it reports, for one programme."""
        rows = await self.db.fetch_all(
            "SELECT a.agency_code, e.code FROM assignments a JOIN data_elements e"
            " ON e.id = a.element_id WHERE e.programme_id = ? AND e.active = 1 ORDER BY e.position",
            (programme_id,),
        )
        result: dict[str, list[str]] = {}
        for row in rows:
            result.setdefault(row[0], []).append(row[1])
        return result

    async def spec(self, code: str) -> CatalogueSpec | None:
        """The catalogue as last loaded, rebuilt from the stored specs (for diffs and exports)."""
        programme = await self.db.fetch_one("SELECT id, spec_json FROM programmes WHERE code = ?", (code,))
        if programme is None:
            return None
        elements = await self.db.fetch_all(
            "SELECT is_task, spec_json FROM data_elements WHERE programme_id = ? AND active = 1 ORDER BY position",
            (programme["id"],),
        )
        indicators = await self.db.fetch_all(
            "SELECT spec_json FROM indicators WHERE programme_id = ? AND active = 1 ORDER BY position",
            (programme["id"],),
        )
        return CatalogueSpec.model_validate(
            {
                "programme": json.loads(programme["spec_json"]),
                "elements": [json.loads(r["spec_json"]) for r in elements if not r["is_task"]],
                "tasks": [json.loads(r["spec_json"]) for r in elements if r["is_task"]],
                "indicators": [json.loads(r["spec_json"]) for r in indicators],
            }
        )

    async def apply(
        self,
        spec: CatalogueSpec,
        diff: CatalogueDiff,
        reporters: dict[str, list[str]],
        source: str,
        loaded_by: int | None = None,
    ) -> None:
        """Write a validated catalogue in one transaction. `reporters` maps element codes (tasks
        included) to the agency codes that report them, groups already expanded."""
        now = to_text(utcnow())
        async with self.db.transaction() as connection:
            programme_id = await self._upsert_programme(connection, spec.programme, now)
            await self._replace_items(connection, programme_id, spec)
            await self._replace_assignments(connection, programme_id, reporters)
            await connection.execute(
                "INSERT INTO catalogue_loads (programme_id, source, loaded_at, loaded_by, diff_json)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    programme_id,
                    source,
                    now,
                    loaded_by,
                    json.dumps({"added": diff.added, "changed": diff.changed, "removed": diff.removed}),
                ),
            )

    async def _upsert_programme(self, connection: aiosqlite.Connection, programme: ProgrammeSpec, now: str) -> int:
        """Insert or update the programme row by its code; return its id."""
        await connection.execute(
            "INSERT INTO programmes (code, title_vi, title_en, document, issued_on, horizon_year,"
            " baseline_year, report_frequency, report_deadline, report_to, spec_json, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET"
            " title_vi = excluded.title_vi, title_en = excluded.title_en,"
            " document = excluded.document, issued_on = excluded.issued_on,"
            " horizon_year = excluded.horizon_year, baseline_year = excluded.baseline_year,"
            " report_frequency = excluded.report_frequency,"
            " report_deadline = excluded.report_deadline, report_to = excluded.report_to,"
            " spec_json = excluded.spec_json, updated_at = excluded.updated_at",
            (
                programme.code,
                programme.title_vi,
                programme.title_en,
                programme.document,
                programme.issued_on.isoformat() if programme.issued_on else None,
                programme.horizon_year,
                programme.baseline_year,
                programme.reporting.frequency.value,
                programme.reporting.deadline or "",  # "": the document states no deadline
                programme.reporting.report_to,
                programme.model_dump_json(),
                now,
            ),
        )
        row = await self.db.fetch_one("SELECT id FROM programmes WHERE code = ?", (programme.code,))
        assert row is not None
        return int(row[0])

    async def _replace_items(self, connection: aiosqlite.Connection, programme_id: int, spec: CatalogueSpec) -> None:
        """Mark every element and indicator of the programme inactive, then write those of `spec` (active,
        in its order): an item the catalogue no longer names stays, inactive, for the values given to it."""
        await connection.execute("UPDATE data_elements SET active = 0 WHERE programme_id = ?", (programme_id,))
        await connection.execute("UPDATE indicators SET active = 0 WHERE programme_id = ?", (programme_id,))
        items: list[ElementSpec | TaskSpec] = [*spec.elements, *spec.tasks]
        for position, item in enumerate(items):
            await self._upsert_element(connection, programme_id, position, item)
        for position, indicator in enumerate(spec.indicators):
            await self._upsert_indicator(connection, programme_id, position, indicator)

    @staticmethod
    async def _replace_assignments(
        connection: aiosqlite.Connection, programme_id: int, reporters: dict[str, list[str]]
    ) -> None:
        """The programme's assignments become exactly `reporters` (element code -> agency codes)."""
        await connection.execute(
            "DELETE FROM assignments WHERE element_id IN (SELECT id FROM data_elements WHERE programme_id = ?)",
            (programme_id,),
        )
        for element_code, agency_codes in reporters.items():
            for agency_code in agency_codes:
                await connection.execute(
                    "INSERT OR IGNORE INTO assignments (element_id, agency_code) SELECT id, ?"
                    " FROM data_elements WHERE programme_id = ? AND code = ?",
                    (agency_code, programme_id, element_code),
                )

    @staticmethod
    async def _upsert_element(
        connection: aiosqlite.Connection,
        programme_id: int,
        position: int,
        item: ElementSpec | TaskSpec,
    ) -> None:
        low: float | None
        high: float | None
        if isinstance(item, TaskSpec):  # a task's percentage done is 0-100; neither it nor a milestone has a unit
            is_task, unit, low, high = True, "", 0.0, 100.0
            due_on, lead = (item.due_on.isoformat() if item.due_on else None), item.lead
        else:
            is_task, unit, low, high, due_on, lead = False, item.unit, item.min, item.max, None, None
        await connection.execute(
            "INSERT INTO data_elements (programme_id, code, is_task, name_vi, name_en, type, unit,"
            " min_value, max_value, due_on, lead_agency, position, active, spec_json)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)"
            " ON CONFLICT (programme_id, code) DO UPDATE SET is_task = excluded.is_task,"
            " name_vi = excluded.name_vi, name_en = excluded.name_en, type = excluded.type,"
            " unit = excluded.unit, min_value = excluded.min_value, max_value = excluded.max_value,"
            " due_on = excluded.due_on, lead_agency = excluded.lead_agency,"
            " position = excluded.position, active = 1, spec_json = excluded.spec_json",
            (
                programme_id,
                item.code,
                int(is_task),
                item.name_vi,
                item.name_en,
                item.type.value,
                unit,
                low,
                high,
                due_on,
                lead,
                position,
                item.model_dump_json(),
            ),
        )

    @staticmethod
    async def _upsert_indicator(
        connection: aiosqlite.Connection, programme_id: int, position: int, item: IndicatorSpec
    ) -> None:
        target = item.target
        await connection.execute(
            f"INSERT INTO indicators ({INDICATOR_COLUMNS.replace('id, ', '', 1)}, spec_json)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)"
            " ON CONFLICT (programme_id, code) DO UPDATE SET area = excluded.area,"
            " name_vi = excluded.name_vi, name_en = excluded.name_en, unit = excluded.unit,"
            " comparator = excluded.comparator, target_value = excluded.target_value,"
            " target_year = excluded.target_year, target_text_vi = excluded.target_text_vi,"
            " target_text_en = excluded.target_text_en, kind = excluded.kind,"
            " direction = excluded.direction, path = excluded.path, baseline_year = excluded.baseline_year,"
            " baseline_value = excluded.baseline_value, milestones_json = excluded.milestones_json,"
            " aggregation = excluded.aggregation, element = excluded.element,"
            " numerator = excluded.numerator, denominator = excluded.denominator,"
            " weight = excluded.weight, factor = excluded.factor,"
            " lead_agency = excluded.lead_agency, position = excluded.position, active = 1,"
            " judged = excluded.judged, since = excluded.since, spec_json = excluded.spec_json",
            (
                programme_id,
                item.code,
                item.area,
                item.name_vi,
                item.name_en,
                item.unit,
                target.comparator.value if target else None,
                target.value if target else None,
                target.year if target else None,
                item.target_text_vi,
                item.target_text_en,
                item.kind.value,
                item.direction.value,
                item.path.value,
                item.baseline.year if item.baseline else None,
                item.baseline.value if item.baseline else None,
                json.dumps({str(k): v for k, v in item.milestones.items()}),
                item.aggregation.value,
                item.element,
                item.numerator,
                item.denominator,
                item.weight,
                item.factor,
                item.lead,
                position,
                item.judged.value,
                item.since,
                item.model_dump_json(),
            ),
        )
