"""The one clock: every "now" in partnerbot comes from here (tests freeze it)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
