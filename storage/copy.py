"""Move a province's whole database from one server to another (`python -m bot db copy`): an SQLite file to
PostgreSQL, when it outgrows one machine. Every table, every row, ids kept, so that history, audit trail,
reminder log and conversations carry on where they were.

The target must be empty and at the same schema version as the source (both migrated by this code). Rows go
in one transaction, tables in the order their foreign keys need; a column that refers to its own table
(an agency's successor) is filled in afterwards, since a successor may come later in the table. Values are
made into the target column's type, because SQLite stores what it was given and PostgreSQL checks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from storage.db import Database, schema_version
from storage.dialect import POSTGRES

BATCH = 50_000
_CASTS: dict[str, Callable[[Any], Any]] = {"bigint": int, "integer": int, "double precision": float, "text": str}
# Tables whose one row a migration writes (0009's structure_version counter): the target's row gives way to
# the source's. The counter moves again as the copy's inserts fire its triggers, which is all it is for.
SEEDED = frozenset({"structure_version"})


class CopyRefused(ValueError):
    """The copy cannot be made as asked (the message says why); nothing was written."""


async def tables_in_order(source: Database) -> list[tuple[str, list[str], list[str]]]:
    """(table, columns, columns referring to the table itself) for each of an SQLite database's tables, a table
    after those it refers to."""
    names = [
        row[0]
        for row in await source.fetch_all(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name <> 'schema_version' ORDER BY name"
        )
    ]
    needs: dict[str, set[str]] = {}
    own: dict[str, list[str]] = {}
    columns: dict[str, list[str]] = {}
    for name in names:
        keys = await source.fetch_all(f'SELECT "table", "from" FROM pragma_foreign_key_list(\'{name}\')')
        needs[name] = {key[0] for key in keys if key[0] != name}
        own[name] = [key[1] for key in keys if key[0] == name]
        columns[name] = [row[0] for row in await source.fetch_all(f"SELECT name FROM pragma_table_info('{name}')")]
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [name for name in names if name not in ordered and needs[name] <= set(ordered)]
        if not ready:
            raise CopyRefused(f"the tables' foreign keys form a circle: {sorted(set(names) - set(ordered))}")
        ordered += ready
    return [(name, columns[name], own[name]) for name in ordered]


async def copy_database(source: Database, target: Database) -> dict[str, int]:
    """Copy every row of an SQLite `source` into an empty PostgreSQL `target`; rows copied per table."""
    if source.dialect == POSTGRES or target.dialect != POSTGRES:
        raise CopyRefused("copies from an SQLite file to PostgreSQL (--from sqlite:///PATH --to postgresql://…)")
    found, wanted = await schema_version(source), await schema_version(target)
    if found != wanted:
        raise CopyRefused(
            f"the source is at schema version {found} and the target at {wanted}; run `db migrate` on both first"
        )
    tables = await tables_in_order(source)
    types = await _column_types(target)
    copied: dict[str, int] = {}
    async with target.transaction() as connection:
        raw = cast(Any, connection).raw  # asyncpg's own connection: COPY is many times faster than INSERTs
        for table, columns, own in tables:
            if table in SEEDED:
                await raw.execute(f'DELETE FROM "{table}"')
            elif await raw.fetchval(f'SELECT EXISTS (SELECT 1 FROM "{table}")'):
                raise CopyRefused(f"the target already holds rows in {table}; copy into an empty database")
            kept = [column for column in columns if column in types.get(table, {})]
            casts = [_CASTS.get(types[table][column], _same) for column in kept]
            copied[table] = await _copy_table(source, raw, table, kept, casts, own)
        await _restart_identities(raw)
    return copied


async def _copy_table(
    source: Database, raw: Any, table: str, columns: list[str], casts: list[Callable[[Any], Any]], own: list[str]
) -> int:
    """One table, in batches in rowid order (the order rows were written); rows copied."""
    later = [columns.index(column) for column in own]
    kept_back: list[tuple[Any, ...]] = []
    last, count = -(2**63), 0
    while True:
        rows = await source.fetch_all(
            f'SELECT rowid, {", ".join(columns)} FROM "{table}" WHERE rowid > ? ORDER BY rowid LIMIT {BATCH}', (last,)
        )
        if not rows:
            break
        last = rows[-1][0]
        records = [
            tuple(None if value is None else make(value) for make, value in zip(casts, tuple(row)[1:], strict=True))
            for row in rows
        ]
        if later:
            kept_back += records
            records = [tuple(None if i in later else v for i, v in enumerate(record)) for record in records]
        await raw.copy_records_to_table(table, records=records, columns=columns)
        count += len(records)
    await _fill_own_references(raw, table, columns, later, kept_back)
    return count


def _same(value: Any) -> Any:
    return value


async def _fill_own_references(raw: Any, table: str, columns: list[str], later: list[int], records: list[Any]) -> None:
    """Set the columns that refer to the table itself, now that every row they may point at is there."""
    if not later:
        return
    key = columns[0]  # the tables with such a column (agencies) have their id first
    for index in later:
        pairs = [(record[index], record[0]) for record in records if record[index] is not None]
        if pairs:
            await raw.executemany(f'UPDATE "{table}" SET {columns[index]} = $1 WHERE {key} = $2', pairs)


async def _column_types(target: Database) -> dict[str, dict[str, str]]:
    rows = await target.fetch_all(
        "SELECT table_name, column_name, data_type, is_identity, is_generated, identity_generation"
        " FROM information_schema.columns WHERE table_schema = current_schema()"
    )
    types: dict[str, dict[str, str]] = {}
    for table, column, data_type, _, _, generation in rows:
        if generation != "ALWAYS":  # a column PostgreSQL numbers itself (reminder_log's rowid)
            types.setdefault(table, {})[column] = data_type
    return types


async def _restart_identities(raw: Any) -> None:
    """Identity columns go on after the highest id copied, so the next row gets a fresh one."""
    rows = await raw.fetch(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND is_identity = 'YES' AND identity_generation = 'BY DEFAULT'"
    )
    for table, column in rows:
        await raw.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'),"
            f' COALESCE((SELECT MAX({column}) FROM "{table}"), 0) + 1, false)'
        )


async def row_counts(database: Database, tables: list[str]) -> dict[str, int]:
    """Rows per table, to check a copy."""
    counts = {}
    for table in tables:
        row = await database.fetch_one(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = int(row[0]) if row else 0
    return counts
