"""Conversation positions, one row per user, saved at every step of a flow."""

from __future__ import annotations

import json
import time
from typing import Any

from pydantic import BaseModel, Field

from storage.clock import to_text, utcnow
from storage.db import Database, as_model


def fresh_serial() -> int:
    """Where a new conversation's serials start: the clock in milliseconds. A conversation asks at most a
    few questions a second, and one user's updates are handled one after the other, so a new one always
    starts above every serial an earlier one handed out, and a button left on screen by an earlier /report
    can never match a question of this one. (13 digits keep every callback data far under 64 bytes.)"""
    return time.time_ns() // 1_000_000


class Conversation(BaseModel):
    user_id: int
    flow: str
    state: str
    period_id: int | None = None
    agency_code: str | None = None
    element_code: str | None = None
    serial: int = Field(default_factory=fresh_serial)  # +1 per question; buttons carry it: stale presses show
    data: dict[str, Any] = {}


class ConversationRepository:
    def __init__(self, database: Database) -> None:
        self.db = database

    async def get(self, user_id: int) -> Conversation | None:
        row = await self.db.fetch_one(
            "SELECT user_id, flow, state, period_id, agency_code, element_code, serial, data_json"
            " FROM conversations WHERE user_id = ?",
            (user_id,),
        )
        return as_model(Conversation, row, data=json.loads(row["data_json"])) if row else None

    async def save(self, conversation: Conversation) -> None:
        async with self.db.transaction() as connection:
            await connection.execute(
                "INSERT INTO conversations (user_id, flow, state, period_id, agency_code,"
                " element_code, serial, data_json, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (user_id) DO UPDATE SET flow = excluded.flow, state = excluded.state,"
                " period_id = excluded.period_id, agency_code = excluded.agency_code,"
                " element_code = excluded.element_code, serial = excluded.serial,"
                " data_json = excluded.data_json, updated_at = excluded.updated_at",
                (
                    conversation.user_id,
                    conversation.flow,
                    conversation.state,
                    conversation.period_id,
                    conversation.agency_code,
                    conversation.element_code,
                    conversation.serial,
                    json.dumps(conversation.data, ensure_ascii=False),
                    to_text(utcnow()),
                ),
            )

    async def delete(self, user_id: int) -> None:
        async with self.db.transaction() as connection:
            await connection.execute("DELETE FROM conversations WHERE user_id = ?", (user_id,))
