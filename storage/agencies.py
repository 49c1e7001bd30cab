"""Agencies: a hierarchy with validity dates; merged or retired agencies keep their history."""

from __future__ import annotations

from datetime import date

from bot.domain.agencies import successor_map
from bot.domain.catalogue import AgencySpec
from bot.domain.models import Agency, AgencyStatus
from storage.db import Database, as_model

COLUMNS = "id, code, name_vi, name_en, kind, parent_code, valid_from, valid_to, status, successor_code"


class AgencyError(ValueError):
    """An agency operation that cannot be done (unknown code, merge into itself...)."""


class AgencyRepository:
    def __init__(self, database: Database) -> None:
        self.db = database

    async def load(self, specs: tuple[AgencySpec, ...]) -> tuple[int, int]:
        """Insert new agencies and update changed ones; return (added, updated). Idempotent."""
        added = updated = 0
        async with self.db.transaction() as connection:
            for spec in specs:
                row = await self.db.fetch_one(f"SELECT {COLUMNS} FROM agencies WHERE code = ?", (spec.code,))
                fields = (
                    spec.name_vi,
                    spec.name_en,
                    spec.kind.value,
                    spec.parent,
                    spec.valid_from.isoformat() if spec.valid_from else None,
                    spec.valid_to.isoformat() if spec.valid_to else None,
                )
                if row is None:
                    await connection.execute(
                        "INSERT INTO agencies (code, name_vi, name_en, kind, parent_code, valid_from,"
                        " valid_to) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (spec.code, *fields),
                    )
                    added += 1
                elif (
                    tuple(
                        row[c]
                        for c in (
                            "name_vi",
                            "name_en",
                            "kind",
                            "parent_code",
                            "valid_from",
                            "valid_to",
                        )
                    )
                    != fields
                ):
                    await connection.execute(
                        "UPDATE agencies SET name_vi = ?, name_en = ?, kind = ?, parent_code = ?,"
                        " valid_from = ?, valid_to = ? WHERE code = ?",
                        (*fields, spec.code),
                    )
                    updated += 1
        return added, updated

    async def all(self, *, include_inactive: bool = True) -> list[Agency]:
        where = "" if include_inactive else "WHERE status = 'active'"
        rows = await self.db.fetch_all(f"SELECT {COLUMNS} FROM agencies {where} ORDER BY id")
        return [as_model(Agency, row) for row in rows]

    async def get(self, code: str) -> Agency | None:
        row = await self.db.fetch_one(f"SELECT {COLUMNS} FROM agencies WHERE code = ?", (code,))
        return as_model(Agency, row) if row else None

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
                await connection.execute(
                    "UPDATE agencies SET status = 'merged', successor_code = ?, valid_to = ? WHERE code = ?",
                    (into, on.isoformat(), code),
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
