"""Logs: one line per request, as text or JSON, and never a token or secret."""

from __future__ import annotations

import json
import logging

import pytest

from bot.logs import configure_logging
from bot.settings import load_settings


@pytest.fixture(autouse=True)
def restore_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_lines_with_secrets_masked(capsys):
    settings = load_settings(
        _env_file=None,
        slack_bot_token="xoxb-123-secret-token",
        slack_signing_secret="very-secret-signing",
        log_format="json",
    )
    configure_logging(settings)
    log = logging.getLogger("partnerbot.requests")
    log.info("command /partner by %s: ok with token %s", "U1", "xoxb-123-secret-token")
    log.warning("signature %s", "very-secret-signing")
    try:
        raise ValueError("boom xapp-1-abc")
    except ValueError:
        log.exception("failed")
    lines = capsys.readouterr().err.strip().splitlines()
    entries = [json.loads(line) for line in lines]
    assert entries[0]["message"] == "command /partner by U1: ok with token xoxb-***"
    assert entries[0]["level"] == "INFO" and entries[0]["logger"] == "partnerbot.requests"
    assert entries[1]["message"] == "signature ***"
    assert "xapp-***" in entries[2]["exception"] and "abc" not in entries[2]["exception"]
    text = "\n".join(lines)
    assert "secret-token" not in text and "very-secret-signing" not in text


def test_text_format(capsys):
    configure_logging(load_settings(_env_file=None, log_format="text"))
    logging.getLogger("partnerbot.requests").info("action x by U1: refused in 3 ms")
    line = capsys.readouterr().err.strip()
    assert line.endswith("INFO partnerbot.requests action x by U1: refused in 3 ms")
