"""Logging set up once, with secrets redacted.

The Bot API puts the token in every URL (`/bot{token}/getUpdates`), and httpx and PTB log URLs and put
them in exception texts, so the formatter replaces the token in everything it writes: the message, the
exception text and the traceback, whatever logger wrote it.
"""

from __future__ import annotations

import logging

from bot.config import Settings

REDACTED = "<BOT_TOKEN>"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """A formatter whose every output, traceback included, has the secrets replaced."""

    def __init__(self, secrets: list[str], fmt: str = FORMAT) -> None:
        super().__init__(fmt)
        self.secrets = [secret for secret in secrets if secret]

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))


def level_for(settings: Settings, command: str | None) -> int:
    """LOG_LEVEL for the bot itself; the one-shot commands only say what went wrong unless asked for more."""
    level = logging.getLevelName(settings.log_level)
    if command != "run" and "log_level" not in settings.model_fields_set:
        return logging.WARNING
    return int(level)


def configure_logging(settings: Settings, level: int = logging.INFO) -> None:
    """Log to stderr with the bot token redacted; keep chatty HTTP libraries at WARNING."""
    handler = logging.StreamHandler()
    token = settings.bot_token.get_secret_value() if settings.bot_token else ""
    handler.setFormatter(RedactingFormatter([token, token.strip()]))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, level))
