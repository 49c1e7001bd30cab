"""Agencies: a hierarchy with validity dates; merged, abolished or retired agencies keep their history.

Who took over from whom is kept in `agency_successions` and former names in `agency_names`, so that the
structure on any date can be rebuilt (`bot.domain.agencies.Structure`); nothing is ever deleted."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

import aiosqlite

from bot.domain.agencies import successor_map
from bot.domain.catalogue import AgencySpec
from bot.domain.models import Agency, AgencyStatus, FormerName
from bot.domain.reorganisation import Change
from storage.clock import to_text, utcnow
from storage.db import Database, as_model

COLUMNS = (
    "id, code, name_vi, name_en, kind, parent_code, valid_from, valid_to, status, successor_code, province,"
    " formed_from_json"
)
FIELDS = ("name_vi", "name_en", "kind", "parent_code", "valid_from", "valid_to", "province", "formed_from_json")


def _fields(spec: AgencySpec) -> tuple[object, ...]:
    """A spec as the stored columns FIELDS."""
    return (
        spec.name_vi,
        spec.name_en,
        spec.kind.value,
        spec.parent,
        spec.valid_from.isoformat() if spec.valid_from else None,
        spec.valid_to.isoformat() if spec.valid_to else None,
        spec.province,
        json.dumps(list(spec.formed_from), ensure_ascii=False),
    )


class AgencyError(ValueError):
    """An agency operation that cannot be done (unknown code, merge into itself...)."""


class AgencyRepository:
    def __init__(self, database: Database) -> None:
        self.db = database
        # What services derived from the structure, kept while `structure_version` stands still.
        self.memo: dict[object, tuple[int, object]] = {}

    async def structure_version(self) -> int:
        """A counter that every change to the agencies or a catalogue bumps, in any process."""
        row = await self.db.fetch_one("SELECT version FROM structure_version WHERE id = 1")
        return int(row[0]) if row else 0

    async def load(self, specs: tuple[AgencySpec, ...]) -> tuple[int, int]:
        """Insert new agencies and update changed ones; return (added, updated). Idempotent."""
        added = updated = 0
        async with self.db.transaction() as connection:
            for spec in specs:
                row = await self.db.fetch_one(f"SELECT {COLUMNS} FROM agencies WHERE code = ?", (spec.code,))
                fields = _fields(spec) if row is None else await self._keep_reorganised(row, spec)
                if row is None:
                    await connection.execute(
                        f"INSERT INTO agencies (code, {', '.join(FIELDS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (spec.code, *fields),
                    )
                    added += 1
                elif tuple(row[c] for c in FIELDS) != fields:
                    await connection.execute(
                        f"UPDATE agencies SET {', '.join(f + ' = ?' for f in FIELDS)} WHERE code = ?",
                        (*fields, spec.code),
                    )
                    updated += 1
        return added, updated

    async def _keep_reorganised(self, row: aiosqlite.Row, spec: AgencySpec) -> tuple[object, ...]:
        """A list's fields for a known agency, less what a reorganisation changed since: a list written
        before a rename or a merger does not undo them when it is loaded again (so `init` stays idempotent)."""
        fields = list(_fields(spec))
        former = await self.db.fetch_all("SELECT name_vi, name_en FROM agency_names WHERE code = ?", (row["code"],))
        if (spec.name_vi, spec.name_en) in {(r[0], r[1]) for r in former}:
            fields[0], fields[1] = row["name_vi"], row["name_en"]
        if row["status"] != "active" and spec.valid_to is None:
            fields[5] = row["valid_to"]
        if spec.province is None:
            fields[6] = row["province"]
        return tuple(fields)

    async def all(self, *, include_inactive: bool = True) -> list[Agency]:
        """Every agency (or the active ones), in loading order, with its successors and former names."""
        where = "" if include_inactive else "WHERE status = 'active'"
        rows = await self.db.fetch_all(f"SELECT {COLUMNS} FROM agencies {where} ORDER BY id")
        return await self._models(rows, None)

    async def get(self, code: str) -> Agency | None:
        row = await self.db.fetch_one(f"SELECT {COLUMNS} FROM agencies WHERE code = ?", (code,))
        return (await self._models([row], code))[0] if row else None

    async def current(self, code: str) -> Agency | None:
        """The active agency that answers for `code` now: itself, or its successor after a merger or a
        rename (an abolished or retired one has none)."""
        agency, seen = await self.get(code), set()
        while agency is not None and agency.status is AgencyStatus.MERGED and agency.code not in seen:
            seen.add(agency.code)
            agency = await self.get(agency.successor_code or "")
        return agency if agency is not None and agency.status is AgencyStatus.ACTIVE else None

    async def _models(self, rows: Sequence[aiosqlite.Row], code: str | None) -> list[Agency]:
        """Rows as agencies, with the successions and former names of their codes."""
        where, arguments = ("WHERE {} = ?", (code,)) if code else ("", ())
        heirs: dict[str, list[str]] = {}
        for row in await self.db.fetch_all(
            "SELECT predecessor, successor FROM agency_successions " + where.format("predecessor") + " ORDER BY rowid",
            arguments,
        ):
            heirs.setdefault(row[0], []).append(row[1])
        names: dict[str, list[FormerName]] = {}
        for row in await self.db.fetch_all(
            "SELECT code, until, name_vi, name_en FROM agency_names " + where.format("code"), arguments
        ):
            names.setdefault(row[0], []).append(FormerName(until=row[1], name_vi=row[2], name_en=row[3]))
        return [
            as_model(
                Agency,
                row,
                formed_from=tuple(json.loads(row["formed_from_json"])),
                successors=tuple(heirs.get(row["code"], ())) if row["status"] == "abolished" else (),
                former_names=tuple(names.get(row["code"], ())),
            )
            for row in rows
        ]

    async def merge(self, old_codes: list[str], into: str, on: date) -> None:
        """Merge agencies into a successor: they stop reporting, their values and history stay, their
        assignments and focal points move to the successor. Checked inside the write transaction, so a
        rival change (another merge, a retirement) cannot slip between the check and the merge."""
        async with self.db.transaction() as connection:
            successor = await self.get(into)
            if successor is None or successor.status is not AgencyStatus.ACTIVE:
                raise AgencyError(f"{into}: no active agency with this code")
            for code in old_codes:
                agency = await self.get(code)
                if agency is None:
                    raise AgencyError(f"{code}: no agency with this code")
                if code == into:
                    raise AgencyError(f"{code}: cannot merge an agency into itself")
                if agency.status is not AgencyStatus.ACTIVE:
                    raise AgencyError(f"{code}: already {agency.status.value}")
            for code in old_codes:
                await self._merge(connection, code, into, on)

    @staticmethod
    async def _merge(connection: aiosqlite.Connection, code: str, into: str, on: date) -> None:
        """Merge one agency: it ends on `on`; its assignments and focal points move to the successor."""
        await connection.execute(
            "UPDATE agencies SET status = 'merged', successor_code = ?, valid_to = ? WHERE code = ?",
            (into, on.isoformat(), code),
        )
        await connection.execute(
            "INSERT INTO agency_successions (predecessor, successor, on_date, event) VALUES (?, ?, ?, 'merge')"
            " ON CONFLICT (predecessor, successor) DO UPDATE SET on_date = excluded.on_date, event = excluded.event",
            (code, into, on.isoformat()),
        )
        await connection.execute(
            "INSERT OR IGNORE INTO assignments (element_id, agency_code)"
            " SELECT element_id, ? FROM assignments WHERE agency_code = ?",
            (into, code),
        )
        await connection.execute("DELETE FROM assignments WHERE agency_code = ?", (code,))
        await connection.execute(
            "INSERT OR IGNORE INTO memberships (user_id, agency_code, is_primary, since)"
            " SELECT user_id, ?, 0, since FROM memberships WHERE agency_code = ?",
            (into, code),
        )
        await connection.execute("DELETE FROM memberships WHERE agency_code = ?", (code,))

    async def reorganise(self, changes: list[Change], source: str) -> None:
        """Apply a planned reorganisation in one transaction, and log it. Values, history and focal-point
        records of the units it ends all stay; a merged unit's focal points become its successor's backups."""
        async with self.db.transaction() as connection:
            for change in changes:
                await self._apply(connection, change)
            await connection.execute(
                "INSERT INTO reorganisation_loads (source, loaded_at, changes_json) VALUES (?, ?, ?)",
                (source, to_text(utcnow()), json.dumps([c.describe() for c in changes], ensure_ascii=False)),
            )

    async def _apply(self, connection: aiosqlite.Connection, change: Change) -> None:
        """One change of a reorganisation."""
        on = change.on.isoformat()
        if change.unit is not None:
            fields = _fields(change.unit)
            await connection.execute(
                f"INSERT INTO agencies (code, {', '.join(FIELDS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                f" ON CONFLICT (code) DO UPDATE SET {', '.join(f'{f} = excluded.{f}' for f in FIELDS)}",
                (change.code, *fields),
            )
        elif change.action == "merge":
            await self._merge(connection, change.code, change.into or "", change.on)
        elif change.action == "abolish":
            await connection.execute(
                "UPDATE agencies SET status = 'abolished', valid_to = ? WHERE code = ?", (on, change.code)
            )
            for successor in change.successors:
                await connection.execute(
                    "INSERT INTO agency_successions (predecessor, successor, on_date, event)"
                    " VALUES (?, ?, ?, 'abolish') ON CONFLICT (predecessor, successor)"
                    " DO UPDATE SET on_date = excluded.on_date, event = excluded.event",
                    (change.code, successor, on),
                )
            await connection.execute("DELETE FROM assignments WHERE agency_code = ?", (change.code,))
        elif change.action == "rename":
            await connection.execute(
                "INSERT INTO agency_names (code, until, name_vi, name_en)"
                " SELECT code, ?, name_vi, name_en FROM agencies WHERE code = ?"
                " ON CONFLICT (code, until) DO UPDATE SET name_vi = excluded.name_vi, name_en = excluded.name_en",
                (on, change.code),
            )
            await connection.execute(
                "UPDATE agencies SET name_vi = ?, name_en = ? WHERE code = ?",
                (change.name_vi, change.name_en, change.code),
            )
        else:  # transfer
            await connection.execute(
                "UPDATE agencies SET parent_code = ?, province = ? WHERE code = ?",
                (change.parent, change.province, change.code),
            )

    async def retire(self, code: str, on: date) -> None:
        """An agency that stops existing without a successor: it no longer owes anything; its values,
        history and focal-point records stay. Checked inside the write transaction."""
        async with self.db.transaction() as connection:
            agency = await self.get(code)
            if agency is None:
                raise AgencyError(f"{code}: no agency with this code")
            if agency.status is not AgencyStatus.ACTIVE:
                raise AgencyError(f"{code}: already {agency.status.value}")
            await connection.execute(
                "UPDATE agencies SET status = 'retired', valid_to = ? WHERE code = ?",
                (on.isoformat(), code),
            )
            await connection.execute("DELETE FROM assignments WHERE agency_code = ?", (code,))

    async def successor_map(self) -> dict[str, str]:
        """Every agency code -> the active agency that now answers for it (itself if active)."""
        return successor_map(await self.all())
