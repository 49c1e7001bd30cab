"""Storage: one database (an SQLite file, or PostgreSQL for several machines), one repository per aggregate.
SQL lives only in this package."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from storage.agencies import AgencyError, AgencyRepository
from storage.catalogue import CatalogueRepository
from storage.conversations import Conversation, ConversationRepository
from storage.db import Database, DatabaseTooNew, DatabaseUnusable, migrate
from storage.explanations import ExplanationRepository
from storage.figures import FigureRepository
from storage.heartbeat import HeartbeatRepository
from storage.periods import PeriodError, PeriodRepository
from storage.postgres import PostgresDatabase, redacted
from storage.reminders import ReminderLogRepository
from storage.reviews import ReviewRepository
from storage.updates import UpdateLog
from storage.users import InviteRefused, UserRepository
from storage.values import PeriodLocked, ValueConflict, ValueRepository

__all__ = [
    "AgencyError",
    "Conversation",
    "Database",
    "DatabaseTooNew",
    "DatabaseUnusable",
    "InviteRefused",
    "PeriodError",
    "PeriodLocked",
    "Storage",
    "ValueConflict",
    "is_postgres",
    "open_database",
    "open_storage",
]


@dataclass
class Storage:
    db: Database
    catalogue: CatalogueRepository
    agencies: AgencyRepository
    periods: PeriodRepository
    users: UserRepository
    values: ValueRepository
    conversations: ConversationRepository
    reminders: ReminderLogRepository
    updates: UpdateLog
    explanations: ExplanationRepository
    heartbeat: HeartbeatRepository
    reviews: ReviewRepository
    figures: FigureRepository

    async def close(self) -> None:
        await self.db.close()


def is_postgres(target: Path | str) -> bool:
    """Whether a DATABASE_URL names a PostgreSQL server rather than an SQLite file."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://", "postgresql+asyncpg://"))


async def open_database(target: Path | str) -> Database:
    """The database `target` names: a PostgreSQL URL, `sqlite:///PATH`, or a path."""
    if is_postgres(target):
        return await PostgresDatabase.connect(str(target))
    return await Database.open(Path(str(target).removeprefix("sqlite:///")) if isinstance(target, str) else target)


async def open_storage(target: Path | str, *, run_migrations: bool = True) -> Storage:
    """Open the database (creating an SQLite file's folder) and bring its schema up to date; DatabaseTooNew
    when a newer version of the bot wrote it."""
    database = await open_database(target)
    if run_migrations:
        try:
            await migrate(database)
        except (sqlite3.Error, asyncpg.PostgresError) as error:  # e.g. a read-only file: the first write fails
            await database.close()
            name = redacted(str(target)) if is_postgres(target) else target
            raise DatabaseUnusable(f"cannot bring the database {name} up to date: {error}") from None
        except BaseException:
            await database.close()  # a refused database leaves no connection (nor its thread) behind
            raise
    return Storage(
        db=database,
        catalogue=CatalogueRepository(database),
        agencies=AgencyRepository(database),
        periods=PeriodRepository(database),
        users=UserRepository(database),
        values=ValueRepository(database),
        conversations=ConversationRepository(database),
        reminders=ReminderLogRepository(database),
        updates=UpdateLog(database),
        explanations=ExplanationRepository(database),
        heartbeat=HeartbeatRepository(database),
        reviews=ReviewRepository(database),
        figures=FigureRepository(database),
    )
