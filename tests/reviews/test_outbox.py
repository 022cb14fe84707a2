"""The outbox on its own: idempotent enqueue, atomic claims, leases, retries, cancel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from bot.domain import outbox
from bot.domain.outbox import Delivery
from bot.scheduler import Ticker
from storage.models import Occurrence, OccurrenceStatus

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def stored(session, key):
    session.expire_all()
    return session.scalar(select(Occurrence).where(Occurrence.key == key))


def test_enqueue_is_idempotent_by_key(session):
    assert outbox.enqueue(session, "promise_reminder", "promise:7:1", NOW, subject_id=7)
    assert not outbox.enqueue(session, "promise_reminder", "promise:7:1", NOW, subject_id=7)
    session.commit()
    assert len(session.scalars(select(Occurrence)).all()) == 1


def test_claim_takes_due_rows_once_and_an_expired_lease_is_claimable_again(session):
    outbox.enqueue(session, "k", "a", NOW - timedelta(minutes=1))
    outbox.enqueue(session, "k", "later", NOW + timedelta(hours=1))
    session.commit()
    first = outbox.claim(session, "w1", NOW)
    session.commit()
    assert [o.key for o in first] == ["a"] and first[0].attempts == 1
    assert outbox.claim(session, "w2", NOW) == []
    # w1 died without recording; after the lease, w2 takes it over and w1 can't record.
    later = NOW + outbox.LEASE + timedelta(seconds=1)
    second = outbox.claim(session, "w2", later)
    session.commit()
    assert [o.key for o in second] == ["a"] and second[0].attempts == 2
    assert not outbox.record(session, first[0], Delivery.sent("C1", "1.1"), "w1")
    assert outbox.record(session, second[0], Delivery.sent("C1", "1.2"), "w2")
    session.commit()
    assert stored(session, "a").status is OccurrenceStatus.SENT and stored(session, "a").ts == "1.2"


def test_cancel_skips_pending_occurrences_of_a_subject(session):
    outbox.enqueue(session, "promise_reminder", "p:1:1", NOW, subject_id=1)
    outbox.enqueue(session, "promise_reminder", "p:1:2", NOW, subject_id=1)
    outbox.enqueue(session, "promise_reminder", "p:2:1", NOW, subject_id=2)
    assert outbox.cancel(session, "promise_reminder", 1) == 2
    session.commit()
    assert stored(session, "p:1:1").status is OccurrenceStatus.SKIPPED
    assert stored(session, "p:2:1").status is OccurrenceStatus.PENDING


def test_a_ticker_sends_retries_with_backoff_and_gives_up(sessions, session):
    answers = [Delivery.retry("ratelimited", after_seconds=120), Delivery.retry("internal_error")]

    def sender(client, session, occurrence):
        return answers.pop(0) if answers else Delivery.sent("C1", "9.9")

    ticker = Ticker(sessions, client=None, senders={"k": sender}, materializers=[])
    outbox.enqueue(session, "k", "x", NOW)
    session.commit()
    with freeze_time(NOW):
        assert ticker.tick(NOW).count(outbox.Outcome.RETRY) == 1
    assert stored(session, "x").next_attempt_at == NOW + timedelta(seconds=120)
    with freeze_time(NOW + timedelta(seconds=60)):
        assert ticker.tick(NOW + timedelta(seconds=60)).deliveries == []
    with freeze_time(NOW + timedelta(seconds=121)):
        ticker.tick(NOW + timedelta(seconds=121))
    occurrence = stored(session, "x")
    assert occurrence.status is OccurrenceStatus.PENDING and occurrence.attempts == 2
    with freeze_time(NOW + timedelta(hours=1)):
        ticker.tick(NOW + timedelta(hours=1))
    occurrence = stored(session, "x")
    assert occurrence.status is OccurrenceStatus.SENT and occurrence.attempts == 3


@pytest.mark.expect_unexpected
def test_unknown_kinds_and_sender_bugs_are_recorded_not_raised(sessions, session):
    def broken(client, session, occurrence):
        raise RuntimeError("boom")

    ticker = Ticker(sessions, client=None, senders={"k": broken}, materializers=[])
    outbox.enqueue(session, "k", "bug", NOW)
    outbox.enqueue(session, "nobody", "orphan", NOW)
    session.commit()
    with freeze_time(NOW):
        ticker.tick(NOW)
    assert stored(session, "bug").status is OccurrenceStatus.PENDING
    assert "boom" in stored(session, "bug").last_error
    assert stored(session, "orphan").status is OccurrenceStatus.FAILED
