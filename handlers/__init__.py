"""Telegram handlers: one module per conversation or audience. `register` adds them all."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The access gate first (group -1), then every handler (group 0), then the error handler."""
    from handlers import errors, onboarding
    from handlers.common import gate_handler

    application.add_handler(gate_handler(), group=-1)
    application.add_handlers(onboarding.handlers())
    application.add_error_handler(errors.on_error)  # type: ignore[arg-type]
