"""Slack retries an event delivery; this remembers which ones were already handled."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.domain.clock import utcnow
from storage.models import ProcessedEvent
from storage.queries import insert_ignore

KEEP_EVENT_IDS = timedelta(days=2)


def first_delivery(session: Session, event_id: str) -> bool:
    """True the first time an event id is seen; False for every retried delivery of it."""
    return (
        insert_ignore(session, ProcessedEvent, [{"event_id": event_id, "received_at": utcnow()}])
        == 1
    )


def forget_old_events(session: Session) -> int:
    """Drop ids older than Slack's retry window; returns how many went."""
    result = session.execute(
        delete(ProcessedEvent).where(ProcessedEvent.received_at < utcnow() - KEEP_EVENT_IDS)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
