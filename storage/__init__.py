"""Storage: one SQLite database, one repository per aggregate. SQL lives only in this package."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from storage.agencies import AgencyError, AgencyRepository
from storage.catalogue import CatalogueRepository
from storage.conversations import Conversation, ConversationRepository
from storage.db import Database, DatabaseTooNew, DatabaseUnusable, migrate
from storage.explanations import ExplanationRepository
from storage.figures import FigureRepository
from storage.heartbeat import HeartbeatRepository
from storage.periods import PeriodError, PeriodRepository
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


async def open_storage(path: Path, *, run_migrations: bool = True) -> Storage:
    """Open the database (creating its folder) and bring its schema up to date; DatabaseTooNew when a newer
    version of the bot wrote it."""
    database = await Database.open(path)
    if run_migrations:
        try:
            await migrate(database)
        except sqlite3.Error as error:  # e.g. a read-only file: the first write fails
            await database.close()
            raise DatabaseUnusable(f"cannot bring the database {path} up to date: {error}") from None
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
