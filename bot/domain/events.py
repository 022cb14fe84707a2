"""Slack retries an event delivery; this remembers which ones were already handled."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.domain.clock import utcnow
from storage.models import ProcessedEvent
from storage.queries import insert_ignore

# Slack retries a delivery about immediately, after a minute and after five minutes; an
# hour is safe. The ids are kept a day, and pruned by the ticker (bot.domain.housekeeping).
KEEP_EVENT_IDS = timedelta(days=1)


def first_delivery(session: Session, event_id: str) -> bool:
    """True the first time an event id is seen; False for every retried delivery of it."""
    return (
        insert_ignore(session, ProcessedEvent, [{"event_id": event_id, "received_at": utcnow()}])
        == 1
    )


def forget_old_events(session: Session, now: datetime | None = None, limit: int = 5000) -> int:
    """Drop up to ``limit`` ids older than Slack's retry window; returns how many went."""
    cutoff = (now or utcnow()) - KEEP_EVENT_IDS
    old = (
        select(ProcessedEvent.event_id)
        .where(ProcessedEvent.received_at < cutoff)
        .order_by(ProcessedEvent.received_at)
        .limit(limit)
    )
    result = session.execute(
        delete(ProcessedEvent)
        .where(ProcessedEvent.event_id.in_(old.scalar_subquery()))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
