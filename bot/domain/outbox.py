"""The reminder outbox: enqueue what is due, claim it atomically, record what Slack said.

Every feature that sends something on a schedule (review prompts, rule nudges, promise
reminders) enqueues an occurrence with a unique key; the scheduler's tick claims due
occurrences, hands each to the sender registered for its kind and records the ``Delivery``.
Nothing here knows Slack.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from bot.domain.clock import utcnow
from storage.models import Occurrence, OccurrenceStatus
from storage.queries import insert_ignore, insert_ignore_many

LEASE = timedelta(minutes=2)  # a claim not recorded by then is claimable again
FIRST_RETRY_S = 5
MAX_RETRY_S = 3600
MAX_ATTEMPTS = 10


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    PERMANENT = "permanent"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Delivery:
    """What a sender reports about one occurrence."""

    outcome: Outcome
    channel: str | None = None
    ts: str | None = None
    reason: str | None = None
    after_seconds: float | None = None

    @classmethod
    def sent(cls, channel: str | None, ts: str | None) -> Delivery:
        return cls(Outcome.SENT, channel=channel, ts=ts)

    @classmethod
    def retry(cls, reason: str, after_seconds: float | None = None) -> Delivery:
        """It will pass (429, 5xx, timeouts): try again on a later tick, with backoff."""
        return cls(Outcome.RETRY, reason=reason, after_seconds=after_seconds)

    @classmethod
    def permanent(cls, reason: str) -> Delivery:
        """It won't pass (channel_not_found, is_archived, not_in_channel, ...)."""
        return cls(Outcome.PERMANENT, reason=reason)

    @classmethod
    def skipped(cls, reason: str) -> Delivery:
        """Nothing to send any more (the promise was kept, a later prompt superseded it)."""
        return cls(Outcome.SKIPPED, reason=reason)


def enqueue(
    session: Session,
    kind: str,
    key: str,
    due_at: datetime,
    *,
    partnership_id: int | None = None,
    subject_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> bool:
    """Add an occurrence unless one with this key exists; True if it is new."""
    row = _row(kind, key, due_at, partnership_id, subject_id, payload)
    return insert_ignore(session, Occurrence, [row]) > 0


def enqueue_many(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Bulk ``enqueue`` (rows as made by ``row()``); returns how many were new."""
    return insert_ignore_many(session, Occurrence, list(rows))


def row(
    kind: str,
    key: str,
    due_at: datetime,
    *,
    partnership_id: int | None = None,
    subject_id: int | None = None,
    payload: dict[str, Any] | None = None,
    status: OccurrenceStatus = OccurrenceStatus.PENDING,
) -> dict[str, Any]:
    """One occurrence as a row for ``enqueue_many``."""
    values = _row(kind, key, due_at, partnership_id, subject_id, payload)
    values["status"] = status
    if status is not OccurrenceStatus.PENDING:
        values["finished_at"] = utcnow()
        values["last_error"] = "superseded by a later occurrence"
    return values


def _row(
    kind: str,
    key: str,
    due_at: datetime,
    partnership_id: int | None,
    subject_id: int | None,
    payload: dict[str, Any] | None,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "key": key,
        "due_at": due_at,
        "next_attempt_at": due_at,
        "partnership_id": partnership_id,
        "subject_id": subject_id,
        "status": OccurrenceStatus.PENDING,
        "attempts": 0,
        "payload": payload,
        "finished_at": None,
        "last_error": None,
        "actor": None,
        "channel_post": False,
    }


def cancel(session: Session, kind: str, subject_id: int) -> int:
    """Pending occurrences of a subject become skipped (e.g. the promise was closed)."""
    result = session.execute(
        update(Occurrence)
        .where(
            Occurrence.kind == kind,
            Occurrence.subject_id == subject_id,
            Occurrence.status == OccurrenceStatus.PENDING,
        )
        .values(status=OccurrenceStatus.SKIPPED, last_error="cancelled", finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def reopen(session: Session, key: str, now: datetime) -> bool:
    """An occurrence ``cancel`` skipped made pending again (what cancelled it was undone: a
    win withdrawn reopens its deal's reminders); it goes out when it is due, or now if that
    has passed. False if there is none, or it was sent or skipped for another reason."""
    found = by_key(session, key)
    if found is None or found.status is not OccurrenceStatus.SKIPPED:
        return False
    result = session.execute(
        update(Occurrence)
        .where(
            Occurrence.id == found.id,
            Occurrence.status == OccurrenceStatus.SKIPPED,
            Occurrence.last_error == "cancelled",
        )
        .values(
            status=OccurrenceStatus.PENDING,
            next_attempt_at=max(found.due_at, now),
            finished_at=None,
            last_error=None,
        )
        .execution_options(synchronize_session=False)
    )
    session.expire(found)
    return bool(result.rowcount)  # type: ignore[attr-defined]


def claimable(now: datetime) -> Any:
    """Pending and ready, or claimed by a ticker whose lease ran out (it died mid-send).

    A claim moves ``next_attempt_at`` to the end of its lease, so one index range on
    (status, next_attempt_at) finds both.
    """
    return and_(
        Occurrence.status.in_([OccurrenceStatus.PENDING, OccurrenceStatus.SENDING]),
        Occurrence.next_attempt_at <= now,
    )


def claim(session: Session, worker: str, now: datetime, limit: int = 100) -> list[Occurrence]:
    """Atomically take up to ``limit`` due occurrences for ``worker``; commit right after.

    PostgreSQL: the inner SELECT locks rows with FOR UPDATE SKIP LOCKED, so concurrent
    tickers take disjoint batches. It is a materialized CTE, run once: as a plain ``IN``
    subquery the planner may re-run it for every row (a semi join), each run skipping the
    rows already locked, and the claim then takes every due row whatever the limit.
    SQLite ignores the lock clause; there the status guard repeated in the UPDATE's WHERE is
    what makes a row go to one claimer only.
    """
    candidates = (
        select(Occurrence.id)
        .where(claimable(now))
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("candidates")
        .prefix_with("MATERIALIZED")
    )
    claimed = _take(session, Occurrence.id.in_(select(candidates.c.id)), worker, now)
    claimed.sort(key=lambda o: (o.next_attempt_at, o.id))
    return claimed


def _take(session: Session, which: Any, worker: str, now: datetime) -> list[Occurrence]:
    """Mark the claimable occurrences ``which`` selects as being sent by ``worker``, with a
    lease; the status guard repeated here is what makes a claim go to one worker only."""
    statement = (
        update(Occurrence)
        .where(which, claimable(now))
        .values(
            status=OccurrenceStatus.SENDING,
            claimed_by=worker,
            lease_until=now + LEASE,
            next_attempt_at=now + LEASE,
            attempts=Occurrence.attempts + 1,
        )
        .returning(Occurrence)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    return list(session.scalars(statement))


def backoff_seconds(attempts: int) -> float:
    """5 s, 10 s, 20 s, ... up to an hour between attempts (ten attempts span about an hour
    and a half)."""
    return float(min(MAX_RETRY_S, FIRST_RETRY_S * 2 ** max(0, attempts - 1)))


def record(session: Session, occurrence: Occurrence, delivery: Delivery, worker: str) -> bool:
    """Store what happened to a claimed occurrence; False if our lease was lost meanwhile.

    The UPDATE is guarded by the claim (status and claimer), so a ticker whose lease expired
    and was taken over cannot overwrite the newer attempt's result.
    """
    now = utcnow()
    values: dict[str, Any] = {"claimed_by": None, "lease_until": None}
    if delivery.outcome is Outcome.SENT:
        values.update(
            status=OccurrenceStatus.SENT,
            channel=delivery.channel,
            ts=delivery.ts,
            finished_at=now,
            last_error=None,
        )
    elif delivery.outcome is Outcome.RETRY and occurrence.attempts < MAX_ATTEMPTS:
        # Slack's Retry-After is what it asks for; otherwise back off exponentially.
        wait = (
            delivery.after_seconds
            if delivery.after_seconds is not None
            else backoff_seconds(occurrence.attempts)
        )
        values.update(
            status=OccurrenceStatus.PENDING,
            next_attempt_at=now + timedelta(seconds=wait),
            last_error=delivery.reason,
        )
    elif delivery.outcome is Outcome.SKIPPED:
        values.update(status=OccurrenceStatus.SKIPPED, finished_at=now, last_error=delivery.reason)
    else:
        reason = delivery.reason
        if delivery.outcome is Outcome.RETRY:
            reason = f"gave up after {occurrence.attempts} attempts: {reason}"
        values.update(status=OccurrenceStatus.FAILED, finished_at=now, last_error=reason)
    values["payload"] = occurrence.payload
    result = session.execute(
        update(Occurrence)
        .where(
            Occurrence.id == occurrence.id,
            Occurrence.status == OccurrenceStatus.SENDING,
            Occurrence.claimed_by == worker,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


DECLARED = "partnerbot.declared_effects"


def declare(
    session: Session,
    kind: str,
    key: str,
    *,
    partnership_id: int | None = None,
    subject_id: int | None = None,
    payload: dict[str, Any] | None = None,
    actor: str | None = None,
    channel_post: bool = False,
) -> bool:
    """Declare a change's effect on the world (a post, an update, a DM) in its transaction.

    The effect is an occurrence due now, committed with the change it follows: once the
    change stands, the effect is sent (right after the commit by the request that made it,
    or by a tick if that attempt fails or the process dies), once, under the outbox's policy.
    A key that exists already (a double click, a retried request) declares nothing new.
    Returns True if it is new.
    """
    values = _row(kind, key, utcnow(), partnership_id, subject_id, payload)
    values.update(actor=actor, channel_post=channel_post)
    if not insert_ignore(session, Occurrence, [values]):
        return False
    session.info.setdefault(DECLARED, []).append(key)
    return True


def declared(session: Session) -> list[str]:
    """The keys of the effects declared in this session since the last call (then forgotten)."""
    return list(session.info.pop(DECLARED, []))


def claim_keys(
    session: Session, worker: str, keys: Sequence[str], now: datetime
) -> list[Occurrence]:
    """Claim these occurrences for ``worker`` if they are still pending; commit right after."""
    if not keys:
        return []
    order = {key: i for i, key in enumerate(keys)}
    claimed = _take(session, Occurrence.key.in_(list(keys)), worker, now)
    return sorted(claimed, key=lambda o: order.get(o.key, 0))


def by_key(session: Session, key: str) -> Occurrence | None:
    return session.scalars(select(Occurrence).where(Occurrence.key == key)).one_or_none()


def declare_again(session: Session, occurrence: Occurrence, **payload: Any) -> bool:
    """A failed effect declared again (someone fixed the channel), with ``payload`` updated;
    sent after this transaction commits, like a new one. False if it isn't failed."""
    if try_again(session, occurrence.id, utcnow()) is None:
        return False
    if payload:
        occurrence.payload = {**(occurrence.payload or {}), **payload}
    session.info.setdefault(DECLARED, []).append(occurrence.key)
    return True


def try_again(session: Session, occurrence_id: int, now: datetime) -> Occurrence | None:
    """A failed occurrence made pending again (someone fixed the channel); None if it isn't
    failed (already sent, or being sent)."""
    result = session.execute(
        update(Occurrence)
        .where(Occurrence.id == occurrence_id, Occurrence.status == OccurrenceStatus.FAILED)
        .values(status=OccurrenceStatus.PENDING, next_attempt_at=now, finished_at=None)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return None
    return session.get(Occurrence, occurrence_id, populate_existing=True)
