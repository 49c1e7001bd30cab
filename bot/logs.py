"""Logging set up once, with secrets redacted.

The Bot API puts the token in every URL (`/bot{token}/getUpdates`), and httpx and PTB log URLs, so a
filter on the root handler replaces the token wherever it appears, whatever logger wrote it.
"""

from __future__ import annotations

import logging

from bot.config import Settings

REDACTED = "<BOT_TOKEN>"


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [secret for secret in secrets if secret]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, REDACTED)
            record.msg, record.args = message, None
        return True


def configure_logging(settings: Settings, level: int = logging.INFO) -> None:
    """Log to stderr with the bot token redacted; keep chatty HTTP libraries at WARNING."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    token = settings.bot_token.get_secret_value() if settings.bot_token else ""
    handler.addFilter(RedactSecrets([token]))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
