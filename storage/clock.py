"""Timestamps as stored: ISO 8601 in UTC, so that text order is time order."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def from_text(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def date_from_text(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
