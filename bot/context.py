"""The typed context every handler receives: settings, storage and the bot's clock.

It lives apart from `bot.app` so that handlers can name their context without importing the module that
wires them (which imports every handler).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.domain.flood import FloodGate
from bot.domain.throttle import ChatThrottle
from bot.network import NetworkWatch
from storage import Storage


class BotData:
    """What every handler needs, typed: settings (set by build_app) and storage (opened in post_init)."""

    def __init__(self) -> None:
        self._settings: Settings | None = None
        self._storage: Storage | None = None
        self.throttle = ChatThrottle()  # at most one message per second to one chat, for fan-outs
        self.flood = FloodGate()  # per-user update rate, checked by the access gate
        self.network = NetworkWatch()  # one warning when the Bot API is lost, one when it is back
        # The time the bot acts at: the real clock, or a simulated one (the demo plays a whole season).
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            raise RuntimeError("settings are set by build_app")
        return self._settings

    @property
    def storage(self) -> Storage:
        if self._storage is None:
            raise RuntimeError("storage is opened in post_init")
        return self._storage


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """The context handlers receive: `context.storage`, `context.settings`."""

    @property
    def storage(self) -> Storage:
        return self.bot_data.storage

    @property
    def settings(self) -> Settings:
        return self.bot_data.settings

    def now(self) -> datetime:
        """The current moment in the province's time zone, by the bot's clock."""
        return self.bot_data.clock().astimezone(self.settings.tzinfo)


BotApplication = Application[ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], BotData, Any]
