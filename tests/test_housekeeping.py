"""The ticker keeps the bookkeeping tables small, under frozen time.

Event ids guard against Slack's retries (within minutes): older than a day they go. Outbox
occurrences finished more than 30 days ago go; pending or sending ones never do.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy import func, select

from bot.app import make_client
from bot.domain import events, housekeeping, outbox
from bot.domain.outbox import Delivery
from bot.scheduler import Ticker
from storage.engine import make_session_factory
from storage.models import Base, Occurrence, OccurrenceStatus, ProcessedEvent
from tests.bench.harness import CHANNEL, SlackBench

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def ticker(bench: SlackBench) -> Ticker:
    return Ticker(bench.sessions, make_client(bench.settings), name="keeper", materializers=[])


def event_ids(bench: SlackBench) -> set[str]:
    with bench.session() as session:
        return set(session.scalars(select(ProcessedEvent.event_id)))


def unshare(bench: SlackBench, event_id: str, at: datetime) -> None:
    with freeze_time(at):
        event = {"type": "channel_unshared", "channel": CHANNEL, "is_ext_shared": True}
        assert bench.event(event, event_id=event_id).status == 200


def test_event_ids_are_kept_through_slacks_retries_then_pruned(bench):
    unshare(bench, "EvOld", T0)
    unshare(bench, "EvHourAgo", T0 + timedelta(hours=24, minutes=1))
    now = T0 + timedelta(hours=25)
    with freeze_time(now):
        report = ticker(bench).tick(now)
    assert report.pruned == 1
    assert event_ids(bench) == {"EvHourAgo"}
    # A retry of the kept one still has no second effect.
    with freeze_time(now):
        assert (
            bench.event(
                {"type": "channel_unshared", "channel": CHANNEL, "is_ext_shared": True},
                event_id="EvHourAgo",
                retry_num=3,
            ).status
            == 200
        )
    assert event_ids(bench) == {"EvHourAgo"}


def test_the_window_covers_slacks_retries():
    assert timedelta(hours=1) <= events.KEEP_EVENT_IDS


def occurrence(bench: SlackBench, key: str, due: datetime, outcome: Delivery | None) -> None:
    """An effect due at ``due``; sent, skipped or failed at that moment unless ``outcome`` is
    None (then it stays pending)."""
    with freeze_time(due), bench.session() as session:
        outbox.enqueue(session, "note", key, due)
        session.commit()
        if outcome is not None:
            [claimed] = outbox.claim(session, "w", due, 1)
            outbox.record(session, claimed, outcome, "w")
            session.commit()


def statuses(bench: SlackBench) -> dict[str, OccurrenceStatus]:
    with bench.session() as session:
        return {o.key: o.status for o in session.scalars(select(Occurrence))}


def test_finished_occurrences_go_after_30_days_pending_ones_never(bench):
    occurrence(bench, "sent-long-ago", T0, Delivery.sent("C1", "1.1"))
    occurrence(bench, "skipped-long-ago", T0, Delivery.skipped("superseded"))
    occurrence(bench, "failed-long-ago", T0, Delivery.permanent("is_archived"))
    occurrence(bench, "pending-long-ago", T0 - timedelta(days=90), None)
    occurrence(bench, "sent-recently", T0 + timedelta(days=10), Delivery.sent("C1", "1.2"))
    now = T0 + timedelta(days=31)
    with freeze_time(now):
        report = ticker(bench).tick(now)  # the pending one is claimed and sent too
    assert report.pruned == 3
    assert set(statuses(bench)) == {"pending-long-ago", "sent-recently"}


def test_the_ticker_prunes_once_an_hour_in_batches(bench, monkeypatch):
    monkeypatch.setattr(housekeeping, "BATCH", 2)
    for n in range(5):
        unshare(bench, f"Ev{n}", T0)
    keeper = ticker(bench)
    now = T0 + timedelta(days=2)
    with freeze_time(now):
        assert keeper.tick(now).pruned == 5  # three batches in one tick
    unshare(bench, "EvLater", T0 + timedelta(hours=1))
    soon = now + timedelta(minutes=10)
    with freeze_time(soon):
        assert keeper.tick(soon).pruned == 0  # pruned ten minutes ago: not yet again
    later = now + timedelta(hours=1)
    with freeze_time(later):
        assert keeper.tick(later).pruned == 1
    assert event_ids(bench) == set()


def test_a_backlog_is_pruned_a_bounded_amount_per_tick(bench, monkeypatch):
    monkeypatch.setattr(housekeeping, "BATCH", 2)
    monkeypatch.setattr("bot.scheduler.MAX_PRUNE_BATCHES", 3)
    for n in range(12):
        unshare(bench, f"Ev{n}", T0)
    keeper = ticker(bench)
    now = T0 + timedelta(days=2)
    with freeze_time(now):
        assert keeper.tick(now).pruned == 6
    with freeze_time(now + timedelta(hours=1)):
        assert keeper.tick(now + timedelta(hours=1)).pruned == 6
    with bench.session() as session:
        assert session.scalar(select(func.count()).select_from(ProcessedEvent)) == 0


def test_pruning_on_postgres(pg_engine):
    Base.metadata.create_all(pg_engine)
    sessions = make_session_factory(pg_engine)
    with sessions() as session:
        for n, at in enumerate([T0, T0, T0 + timedelta(days=2)]):
            with freeze_time(at):
                assert events.first_delivery(session, f"Ev{n}")
        with freeze_time(T0):
            outbox.enqueue(session, "note", "done", T0)
            session.flush()
            [claimed] = outbox.claim(session, "w", T0, 1)
            outbox.record(session, claimed, Delivery.sent("C1", "1.1"), "w")
        session.commit()
    now = T0 + timedelta(days=31)
    with sessions() as session:
        assert housekeeping.prune(session, now, limit=1) == housekeeping.Pruned(1, 1)
        assert housekeeping.prune(session, now, limit=1) == housekeeping.Pruned(1, 0)
        session.commit()
        assert set(session.scalars(select(ProcessedEvent.event_id))) == {"Ev2"}
        assert session.scalar(select(func.count()).select_from(Occurrence)) == 0
