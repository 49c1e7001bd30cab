"""Settings from the environment (and an optional `.env`), validated once at start.

A bad value must never surface as a traceback: `load_settings` turns pydantic's error into one line that
names the variable, and the CLI exits with code 2.
"""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.domain.reminders import ReminderPolicy
from bot.domain.workdays import WorkCalendar, overrides_file, shipped_calendar

SUPPORTED_LOCALES = ("vi", "en")
DEFAULT_DATABASE_URL = "sqlite:///data/chitieu.db"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line naming the variable."""


class Settings(BaseSettings):
    """Everything the bot reads from its environment."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    bot_api_url: str = "https://api.telegram.org"
    bot_api_start_attempts: int = Field(default=5, ge=1, le=20)  # at start; 1, 2, 4... s apart
    database_url: str = DEFAULT_DATABASE_URL
    # The operator's own files (holiday overrides, catalogues), never inside the installed package.
    data_dir: Path = Path("data")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    timezone: str = "Asia/Ho_Chi_Minh"
    default_locale: Literal["vi", "en"] = "vi"
    bot_username: str | None = None
    # Reminder policy defaults; a period can override them (`python -m bot reminders policy`).
    reminder_before_days: Annotated[list[int], NoDecode] = Field(default_factory=lambda: [14, 7, 3, 1])
    reminder_overdue_every: int = Field(default=2, ge=1)
    reminder_escalate_after: int = Field(default=3, ge=1)
    reminder_nudges_after_escalation: int = Field(default=3, ge=0)
    reminder_window: str = Field(default="08:00-17:00", pattern=r"^\d{2}:\d{2}-\d{2}:\d{2}$")
    reminder_weekends: bool = False
    reminder_check_minutes: float = Field(default=5, gt=0)
    reminders_enabled: bool = True
    # How long a sender's claim on one reminder lasts: one left by a process that died is sent again after it.
    reminder_lease_seconds: float = Field(default=120, gt=0)
    # Webhook mode (`python -m bot run --webhook`): the public HTTPS URL Telegram posts to, where to listen
    # (usually behind a reverse proxy), and the secret Telegram sends back in a header.
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    send_rate_per_second: float = Field(default=30, gt=0)
    # Updates handled at once, from different chats (one chat's always one after another, in order). Each
    # mostly waits on Bot API round trips; 64 in flight keep Telegram's 30 messages a second busy with room.
    max_concurrent_updates: int = Field(default=64, ge=1, le=1024)

    @field_validator("bot_api_url")
    @classmethod
    def _api_url_is_http(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_is_known(cls, value: str) -> str:
        value = value.strip()
        if value.startswith(POSTGRES_SCHEMES):
            if not urlsplit(value).path.strip("/"):
                raise ValueError("names no database: postgresql://USER:PASSWORD@HOST:PORT/DATABASE")
            return value
        if "://" in value and not value.startswith("sqlite:///"):
            raise ValueError("must be sqlite:///PATH (or a plain file path) or postgresql://USER@HOST/DATABASE")
        if not database_path_of(value).name:
            raise ValueError("names no file")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            for part in parts:
                if not part.lstrip("-").isdigit():
                    raise ValueError(f"{part!r} is not a Telegram user id")
            return [int(part) for part in parts]
        return value

    @field_validator("reminder_before_days", mode="before")
    @classmethod
    def _split_days(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not all(part.isdigit() and int(part) > 0 for part in parts):
                raise ValueError("must be positive whole numbers of working days, e.g. 14,7,3,1")
            return [int(part) for part in parts]
        return value

    @field_validator("reminder_window")
    @classmethod
    def _window_is_ordered(cls, value: str) -> str:
        start, end = value.split("-")
        try:
            opens, closes = time.fromisoformat(start), time.fromisoformat(end)
        except ValueError:
            raise ValueError("must be HH:MM-HH:MM, e.g. 08:00-17:00") from None
        if opens >= closes:
            raise ValueError("the window must open before it closes")
        return value

    def reminder_policy(self) -> ReminderPolicy:
        """The default reminder policy these settings describe."""
        start, end = self.reminder_window.split("-")
        return ReminderPolicy(
            before=tuple(self.reminder_before_days),
            overdue_every=self.reminder_overdue_every,
            escalate_after=self.reminder_escalate_after,
            nudges_after_escalation=self.reminder_nudges_after_escalation,
            window_start=time.fromisoformat(start),
            window_end=time.fromisoformat(end),
            weekends=self.reminder_weekends,
        )

    def work_calendar(self) -> WorkCalendar:
        """Vietnam's working days with the operator's holiday overrides from the data directory, if any."""
        return shipped_calendar(True, overrides_file(self.data_dir))

    @field_validator("timezone")
    @classmethod
    def _timezone_exists(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def uses_postgres(self) -> bool:
        """DATABASE_URL names a PostgreSQL server (several machines, a standby) rather than an SQLite file."""
        return self.database_url.startswith(POSTGRES_SCHEMES)

    @property
    def database_path(self) -> Path:
        """The SQLite file; for PostgreSQL, the URL without its password (what messages name)."""
        if self.uses_postgres:
            parts = urlsplit(self.database_url)
            return Path(parts._replace(netloc=parts.hostname or "").geturl())
        return database_path_of(self.database_url)

    @property
    def database_target(self) -> Path | str:
        """What storage.open_storage opens: the SQLite file's path, or the PostgreSQL URL."""
        return self.database_url if self.uses_postgres else self.database_path

    def require_webhook(self) -> tuple[str, str]:
        """(URL, secret) for webhook mode, or a ConfigError naming what is missing."""
        if not self.webhook_url or not self.webhook_url.startswith(("https://", "http://")):
            raise ConfigError("WEBHOOK_URL: is required for --webhook (the public https URL Telegram posts to)")
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
        if not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", secret):
            raise ConfigError("WEBHOOK_SECRET: is required for --webhook: 16-256 characters of A-Z a-z 0-9 _ -")
        return self.webhook_url, secret

    def require_token(self) -> str:
        """The token, or a ConfigError saying it is needed (only `run` needs it)."""
        if self.bot_token is None or not self.bot_token.get_secret_value().strip():
            raise ConfigError("BOT_TOKEN: is required to talk to Telegram (get one from @BotFather)")
        return self.bot_token.get_secret_value().strip()


def database_path_of(url: str) -> Path:
    """`sqlite:///data/x.db` or `data/x.db` -> Path('data/x.db')."""
    return Path(url.removeprefix("sqlite:///"))


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, or a ConfigError whose message names the bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        variable = str(first["loc"][0]).upper() if first["loc"] else "settings"
        message = first["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{variable}: {message}") from None
