"""Logging: one line per handled request or job, as text or JSON, with secrets masked."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

from bot.settings import LogFormat, Settings

# Slack tokens look like xoxb-..., xoxp-..., xapp-...; mask them wherever they appear.
TOKEN_PATTERN = re.compile(r"\b(xox[abprs]|xapp)-[A-Za-z0-9-]+")
STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# slack_bolt's request verifier logs every refused request's whole body at INFO: one unsigned
# 10 MB POST became a 10 MB line, newlines in it forged entries, and with a rotated signing
# secret every real payload (with its response_url) was logged. bot.server logs its own line.
BOLT_BODY_LOGGERS = ("slack_bolt.RequestVerification", "slack_bolt.AsyncRequestVerification")


class RedactSecrets(logging.Filter):
    """Masks Slack tokens and any configured secret in messages and arguments."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        # Very short values would mask ordinary words; real secrets are long.
        self.secrets = [s for s in secrets if len(s) >= 8]

    def redact(self, text: str) -> str:
        text = TOKEN_PATTERN.sub(lambda m: m.group(1) + "-***", text)
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in STANDARD_ATTRS})
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        extras = {k: v for k, v in vars(record).items() if k not in STANDARD_ATTRS}
        line = super().format(record)
        if extras:
            line += " " + " ".join(f"{k}={v}" for k, v in extras.items())
        return line


class DropRecords(logging.Filter):
    """Attached to a logger, drops everything it logs itself (not its children's records)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return False


def quiet_bolt_request_logs() -> None:
    """Silence Bolt's loggers that write request bodies, whatever their level. Idempotent."""
    for name in BOLT_BODY_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, DropRecords) for f in logger.filters):
            logger.addFilter(DropRecords())


def configure_logging(settings: Settings) -> None:
    """Install one stderr handler on the root logger."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter() if settings.log_format is LogFormat.JSON else TextFormatter()
    )
    secrets = [
        s.get_secret_value()
        for s in (
            settings.slack_bot_token,
            settings.slack_signing_secret,
            settings.slack_app_token,
            settings.slack_client_secret,
            settings.token_encryption_key,
        )
        if s is not None
    ]
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    # slack_sdk logs request bodies at DEBUG; keep its chatter out unless asked for.
    logging.getLogger("slack_sdk").setLevel(max(logging.INFO, root.level))
    logging.getLogger("slack_bolt").setLevel(max(logging.INFO, root.level))
    quiet_bolt_request_logs()
