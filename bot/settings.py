"""Configuration from the environment and ``.env``, checked once at start-up."""

from __future__ import annotations

import os
from enum import StrEnum

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

APPS_PAGE = "https://api.slack.com/apps"

# What to tell someone whose setting is missing or wrong: where the value comes from.
HOW_TO_FIX = {
    "SLACK_BOT_TOKEN": (
        f"copy the Bot User OAuth Token (xoxb-...) from {APPS_PAGE} → your app → "
        "OAuth & Permissions, and put SLACK_BOT_TOKEN=... in .env"
    ),
    "SLACK_SIGNING_SECRET": (
        f"copy the Signing Secret from {APPS_PAGE} → your app → Basic Information → "
        "App Credentials, and put SLACK_SIGNING_SECRET=... in .env"
    ),
    "SLACK_APP_TOKEN": (
        f"create an app-level token with the connections:write scope at {APPS_PAGE} → your "
        "app → Basic Information → App-Level Tokens (xapp-...), or unset it to serve HTTP"
    ),
    "SLACK_API_URL": "use an http(s) URL ending in /api/, e.g. https://slack.com/api/",
    "DATABASE_URL": ("use sqlite:///partnerbot.db or postgresql://user:password@host:5432/dbname"),
    "PORT": "use a port number between 1 and 65535",
    "LOG_LEVEL": "use one of DEBUG, INFO, WARNING, ERROR",
    "LOG_FORMAT": "use text or json",
    "WEB_CONCURRENCY": (
        "use a number of worker processes from 1 to 32 (more than 1 needs PostgreSQL), or "
        "leave it unset: one per CPU on PostgreSQL, one on SQLite"
    ),
    "LISTENER_THREADS": "use a number of listener threads from 1 to 256",
    "SCHEDULER_INTERVAL_SECONDS": "use a number of seconds from 1 to 3600 (default 15)",
    "SLACK_CLIENT_ID": f"copy the Client ID from {APPS_PAGE} → your app → Basic Information",
    "SLACK_CLIENT_SECRET": (
        f"copy the Client Secret from {APPS_PAGE} → your app → Basic Information"
    ),
    "TOKEN_ENCRYPTION_KEY": (
        "generate one with `python -c 'from cryptography.fernet import Fernet; "
        "print(Fernet.generate_key().decode())'` and keep it safe: it decrypts stored tokens"
    ),
    "CHANNEL_POST_INTERVAL_SECONDS": "use a number of seconds from 0 to 10 (default 1)",
    "REQUEST_ARRIVAL_TIMEOUT_SECONDS": "use a number of seconds from 1 to 60 (default 10)",
    "SATURATED_AFTER_SECONDS": "use a number of seconds from 0.1 to 30 (default 2.5)",
    "POSTS_PER_PERSON_PER_HOUR": "use a number of posts from 1 to 1000 (default 20)",
    "POSTS_PER_PARTNERSHIP_PER_HOUR": "use a number of posts from 1 to 5000 (default 60)",
    "REPEAT_SHARE_MINUTES": "use a number of minutes from 0 to 1440 (default 10)",
    "WINS_CHANNEL_ID": "use a channel id such as C0123ABCD (right-click the channel → Copy link)",
}


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity), or all of the machine's."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line meant for the operator."""


class LogFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class Settings(BaseSettings):
    """Everything partnerbot reads from its environment."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    database_url: str = "sqlite:///partnerbot.db"
    port: int = Field(default=3000, ge=1, le=65535)
    log_level: str = "INFO"
    log_format: LogFormat = LogFormat.TEXT
    # Worker processes; unset: one per CPU on PostgreSQL, one on SQLite (see ``workers``).
    web_concurrency: int | None = Field(default=None, ge=1, le=32)
    listener_threads: int = Field(default=32, ge=1, le=256)
    scheduler_interval_seconds: float = Field(default=15, ge=1, le=3600)
    wins_channel_id: str | None = None
    # Scheduled posts to one channel are spaced this far apart (Slack: about 1 per second).
    channel_post_interval_seconds: float = Field(default=1.0, ge=0, le=10)
    # HTTP: a request (headers and body) must have fully arrived this long after it started,
    # or it is answered 408; slow clients never hold a serving thread meanwhile.
    request_arrival_timeout_seconds: float = Field(default=10.0, ge=1, le=60)
    # A request that waits this long for a thread makes the process saturated: /healthz 503.
    saturated_after_seconds: float = Field(default=2.5, ge=0.1, le=30)
    # Posts partnerbot makes in partnership channels on people's behalf, per hour.
    posts_per_person_per_hour: int = Field(default=20, ge=1, le=1000)
    posts_per_partnership_per_hour: int = Field(default=60, ge=1, le=5000)
    # Sharing the same rulebook or scorecard again within this links the earlier post.
    repeat_share_minutes: int = Field(default=10, ge=0, le=1440)
    # Multi-workspace distribution (OAuth): set both to serve /slack/install.
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    token_encryption_key: SecretStr | None = None

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("must start with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value():
            return None
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("must start with xapp-")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql", "postgres:")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("unknown level")
        return value

    @field_validator("wins_channel_id")
    @classmethod
    def _wins_channel(cls, value: str | None) -> str | None:
        if not value:
            return None
        if value[:1] not in ("C", "G") or not value.isalnum():
            raise ValueError("must be a channel id")
        return value

    @field_validator("token_encryption_key")
    @classmethod
    def _encryption_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        from cryptography.fernet import Fernet

        try:
            Fernet(value.get_secret_value().encode())
        except ValueError:
            raise ValueError("must be a Fernet key (32 url-safe base64-encoded bytes)") from None
        return value

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def workers(self) -> int:
        """HTTP worker processes: WEB_CONCURRENCY, else one per CPU this process may use on
        PostgreSQL (each is stateless), and one on SQLite (which serves one process)."""
        if self.web_concurrency is not None:
            return self.web_concurrency
        return 1 if self.uses_sqlite else min(32, available_cpus())

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def distribution(self) -> bool:
        """Installed by many workspaces through OAuth, rather than with one bot token."""
        return bool(self.slack_client_id) and self.slack_client_secret is not None

    def require_slack(self) -> None:
        """Stop with a clear line unless the credentials the chosen mode needs are present."""
        if self.distribution:
            if self.socket_mode:
                raise ConfigError(
                    "SLACK_APP_TOKEN is set together with SLACK_CLIENT_ID: installing in many "
                    "workspaces needs HTTP mode; unset SLACK_APP_TOKEN"
                )
            for name, value in (
                ("SLACK_SIGNING_SECRET", self.slack_signing_secret),
                ("TOKEN_ENCRYPTION_KEY", self.token_encryption_key),
            ):
                if value is None:
                    raise ConfigError(f"{name} is not set: {HOW_TO_FIX[name]}")
            return
        if self.slack_bot_token is None:
            raise ConfigError(f"SLACK_BOT_TOKEN is not set: {HOW_TO_FIX['SLACK_BOT_TOKEN']}")
        if not self.socket_mode and self.slack_signing_secret is None:
            raise ConfigError(
                f"SLACK_SIGNING_SECRET is not set: {HOW_TO_FIX['SLACK_SIGNING_SECRET']}"
            )


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning validation errors into one ConfigError line per first problem."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]).upper() if error["loc"] else "configuration"
        hint = HOW_TO_FIX.get(name, "check its value")
        raise ConfigError(f"{name} is invalid ({error['msg']}): {hint}") from None
