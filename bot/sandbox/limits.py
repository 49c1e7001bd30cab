"""What the sandbox enforces and injects: the Bot API's error, its size and rate limits, seeded faults.

Kept apart from the server so that the Bot API methods, the control API and the server can all raise
the same ApiError and read the same limits without importing one another.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
DOCUMENT_LIMIT = 50 * 1024 * 1024
PHOTO_LIMIT = 10 * 1024 * 1024
# The only methods that count against the rate limits and that faults are injected into.
SEND_METHODS = frozenset({"sendMessage", "sendDocument", "sendPhoto"})


class ApiError(Exception):
    """A Bot API error answer: the HTTP status, Telegram's description, and retry_after for a 429."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


@dataclass
class Limits:
    """Telegram's send limits; None switches one off."""

    global_per_second: float | None = None
    per_chat_per_second: float | None = None


@dataclass
class Faults:
    """Injected failures on send methods, each at a rate in [0, 1], reproducible from the seed."""

    server_error_rate: float = 0.0
    timeout_rate: float = 0.0
    drop_after_store_rate: float = 0.0
    timeout_seconds: float = 6.0
    seed: int = 0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def __post_init__(self) -> None:
        self.rng.seed(self.seed)

    def roll(self) -> str | None:
        """The fault to inject into this call, if any: one draw shared out over the rates in order."""
        draw = self.rng.random()
        for name, rate in (
            ("server_error", self.server_error_rate),
            ("timeout", self.timeout_rate),
            ("drop_after_store", self.drop_after_store_rate),
        ):
            if draw < rate:
                return name
            draw -= rate
        return None
