"""Keeping the bookkeeping tables small: what no longer guards or explains anything goes.

- ``processed_events``: the ids of events already handled guard against Slack's retries,
  which come within minutes; a day is kept (``bot.domain.events.KEEP_EVENT_IDS``).
- ``occurrences`` that finished (sent, skipped or failed) more than ``KEEP_FINISHED`` ago:
  their keys only guard against a retried request or a double click, which come within
  seconds, and what they posted is recorded with the feature (a win's ts, a review's ts).
  Pending and sending ones are never touched.

The ticker runs ``prune`` every ``PRUNE_EVERY`` in each process, in batches, so a large
backlog never holds one long transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.domain.events import forget_old_events
from storage.models import Occurrence, OccurrenceStatus

KEEP_FINISHED = timedelta(days=30)
PRUNE_EVERY = timedelta(hours=1)
BATCH = 5000
FINISHED = (OccurrenceStatus.SENT, OccurrenceStatus.SKIPPED, OccurrenceStatus.FAILED)


@dataclass
class Pruned:
    events: int = 0
    occurrences: int = 0

    @property
    def total(self) -> int:
        return self.events + self.occurrences


def forget_finished_occurrences(session: Session, now: datetime, limit: int) -> int:
    """Drop up to ``limit`` occurrences that finished more than ``KEEP_FINISHED`` ago."""
    old = (
        select(Occurrence.id)
        .where(
            Occurrence.status.in_(FINISHED),
            Occurrence.finished_at.is_not(None),
            Occurrence.finished_at < now - KEEP_FINISHED,
        )
        .order_by(Occurrence.id)
        .limit(limit)
    )
    result = session.execute(
        delete(Occurrence)
        .where(Occurrence.id.in_(old.scalar_subquery()))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def prune(session: Session, now: datetime, limit: int | None = None) -> Pruned:
    """One batch of each (``BATCH`` rows unless ``limit``); call again, in a new transaction,
    while a batch comes back full."""
    limit = limit or BATCH
    return Pruned(
        events=forget_old_events(session, now, limit),
        occurrences=forget_finished_occurrences(session, now, limit),
    )
