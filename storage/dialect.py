"""One SQL text for both databases: the repositories write SQLite's dialect, and this module rewrites a
statement for PostgreSQL, once per distinct text (the texts are constants, so the cache stays small).

As mautrix's async_db does, the parameters are what differs most: SQLite's `?` become asyncpg's `$1, $2…`,
outside string literals and quoted names. The few SQLite-only constructs the repositories use are mapped
here, in one place, rather than forked into two copies of each query:

- `INSERT OR IGNORE INTO … ` becomes `INSERT INTO … ON CONFLICT DO NOTHING`;
- `group_concat(x)` becomes `string_agg(x, ',')`;
- `SUM(column = 'text')` (SQLite counts a true comparison as 1) becomes `COUNT(*) FILTER (WHERE …)`.

A statement that needs more than this belongs beside its dialect (a migration in storage/migrations/postgres,
or a branch on `Database.dialect`), not in a growing set of rewrites.
"""

from __future__ import annotations

import re
from functools import lru_cache

SQLITE = "sqlite"
POSTGRES = "postgres"

# A string literal, a quoted name, or a placeholder: literals and names are copied as they are.
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\?")
_INSERT_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_GROUP_CONCAT = re.compile(r"\bgroup_concat\(([^(),]+)\)", re.IGNORECASE)
_SUM_OF_TEST = re.compile(r"\bSUM\((\w+ = '[^']*')\)", re.IGNORECASE)


class DialectError(ValueError):
    """A statement uses SQLite syntax that has no rewrite here."""


def numbered(sql: str) -> str:
    """`?` placeholders as `$1, $2…`, leaving string literals and quoted names alone."""
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        if match[0] != "?":
            return match[0]
        count += 1
        return f"${count}"

    return _TOKEN.sub(replace, sql)


@lru_cache(maxsize=1024)
def to_postgres(sql: str) -> str:
    """The statement in PostgreSQL's dialect."""
    text = sql
    if _INSERT_OR_IGNORE.match(text):
        text = _INSERT_OR_IGNORE.sub("INSERT INTO", text, count=1).rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    text = _GROUP_CONCAT.sub(r"string_agg(\1, ',')", text)
    text = _SUM_OF_TEST.sub(r"COUNT(*) FILTER (WHERE \1)", text)
    if re.search(r"\bINSERT\s+OR\s+(REPLACE|ABORT|FAIL|ROLLBACK)\b", text, re.IGNORECASE):
        raise DialectError(f"no PostgreSQL form for: {sql[:80]} (write INSERT … ON CONFLICT (…) DO UPDATE SET …)")
    return numbered(text)


def returns_rows(sql: str) -> bool:
    """Whether a (PostgreSQL) statement yields rows: a query, or a write with RETURNING."""
    head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    return head in ("SELECT", "WITH", "VALUES", "SHOW") or re.search(r"\bRETURNING\b", sql, re.IGNORECASE) is not None
