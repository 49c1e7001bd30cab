"""Telegram handlers: one module per conversation or audience. `register` adds them all."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add every handler to the application (the reporting conversation comes with its issue)."""
