"""The scheduler: APScheduler is only the clock; what is due lives in the outbox tables.

Every process of ``partnerbot run`` ticks every ``TICK_SECONDS``. A tick materializes due
review prompts, claims due occurrences atomically (safe with several replicas on
PostgreSQL), hands each to its sender and records the outcome. The tick is the job wrapper:
the second and last place a transaction is opened.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import IO, Any

from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import housekeeping, outbox
from bot.domain.clock import utcnow
from bot.domain.outbox import Delivery, Outcome
from bot.installations import WorkspaceClients
from handlers.dispatch import Dispatcher, Sender
from storage.models import Occurrence, Partnership

log = logging.getLogger(__name__)

TICK_SECONDS = 15
BATCH = 25  # claimed together; small enough that a batch finishes well inside its lease
MAX_BATCHES_PER_TICK = 400
MAX_PRUNE_BATCHES = 20  # a backlog beyond this goes over the next hours' ticks

Materializer = Callable[[Session, datetime], int]


@dataclass
class Sent:
    key: str
    kind: str
    outcome: Outcome
    channel: str | None = None
    ts: str | None = None
    reason: str | None = None


@dataclass
class TickReport:
    """What one tick did, for logs and ``partnerbot tick``."""

    materialized: int = 0
    deliveries: list[Sent] = field(default_factory=list)
    pruned: int = 0  # old event ids and finished occurrences dropped (bot.domain.housekeeping)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for d in self.deliveries if d.outcome is outcome)

    def summary(self) -> str:
        return (
            f"{self.materialized} due, {self.count(Outcome.SENT)} sent, "
            f"{self.count(Outcome.RETRY)} to retry, {self.count(Outcome.SKIPPED)} skipped, "
            f"{self.count(Outcome.PERMANENT)} failed"
        )


def default_materializers() -> list[Materializer]:
    from bot.domain.deals import reminders as deal_reminders
    from bot.domain.reviews import schedules as review_schedules

    return [review_schedules.materialize_due, deal_reminders.expire_due]


def worker_name() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Ticker:
    """One process's ticker: ``tick(now)`` runs one pass; tests call it under frozen time."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        client: WebClient,
        *,
        name: str | None = None,
        senders: Mapping[str, Sender] | None = None,
        materializers: list[Materializer] | None = None,
        batch: int = BATCH,
        clients: WorkspaceClients | None = None,
    ) -> None:
        self.sessions = sessions
        self.client = client
        # Which token sends an occurrence: its partnership's workspace's.
        self.clients = clients or WorkspaceClients(client)
        self.name = name or worker_name()
        # Tests hand in their own senders; then nobody is told how a failure went.
        self.dispatcher = Dispatcher(senders, {} if senders is not None else None)
        self.materializers = materializers if materializers is not None else default_materializers()
        self.batch = batch
        self.pruned_at: datetime | None = None  # when this process last pruned

    def tick(self, now: datetime | None = None) -> TickReport:
        """Materialize what is due, then claim, send and record it, batch by batch."""
        now = now or utcnow()
        report = TickReport()
        with self.sessions() as session:
            for materialize in self.materializers:
                report.materialized += materialize(session, now)
            session.commit()
        report.pruned = self.prune(now)
        for _ in range(MAX_BATCHES_PER_TICK):
            with self.sessions() as session:
                claimed = outbox.claim(session, self.name, now, self.batch)
                session.commit()  # the claim must be visible before anything is sent
                if not claimed:
                    break
                for occurrence in claimed:
                    report.deliveries.append(self.deliver(session, occurrence))
        if report.deliveries or report.materialized:
            log.info("tick %s: %s", self.name, report.summary())
        return report

    def prune(self, now: datetime) -> int:
        """Drop old event ids and long-finished occurrences, once every PRUNE_EVERY."""
        if self.pruned_at is not None and now - self.pruned_at < housekeeping.PRUNE_EVERY:
            return 0
        self.pruned_at = now
        total = 0
        for _ in range(MAX_PRUNE_BATCHES):
            with self.sessions() as session:
                pruned = housekeeping.prune(session, now, housekeeping.BATCH)
                session.commit()
            total += pruned.total
            if max(pruned.events, pruned.occurrences) < housekeeping.BATCH:
                break
        if total:
            log.info("tick %s: pruned %s old event ids and finished occurrences", self.name, total)
        return total

    def deliver(self, session: Session, occurrence: Occurrence) -> Sent:
        """Send one claimed occurrence and record the outcome in its own transaction."""
        try:
            client = self.client_for(session, occurrence)
        except Exception as error:  # a token that can't be had now is a passing failure
            session.rollback()
            log.exception("no client for %s", occurrence.key)
            client, delivery = None, Delivery.retry(f"no client: {error}")
            outbox.record(session, occurrence, delivery, self.name)
            session.commit()
            return Sent(occurrence.key, occurrence.kind, delivery.outcome, reason=delivery.reason)
        delivery = self.dispatcher.deliver(
            client,
            session,
            occurrence,
            self.name,
            uninstalled=client is None and self.clients.store is not None,
        )
        return Sent(
            occurrence.key,
            occurrence.kind,
            delivery.outcome,
            delivery.channel,
            delivery.ts,
            delivery.reason,
        )

    def client_for(self, session: Session, occurrence: Occurrence) -> WebClient | None:
        """The client for an occurrence's workspace; None when that workspace uninstalled."""
        if self.clients.store is None:
            return self.client  # one workspace, one token
        partnership = (
            session.get(Partnership, occurrence.partnership_id)
            if occurrence.partnership_id is not None
            else None
        )
        if partnership is None:
            return self.clients.for_team(None)
        return self.clients.for_team(partnership.vendor_team_id, partnership.vendor_enterprise_id)

    def tick_safely(self) -> None:
        """The interval job: a failed tick (database down) is logged and tried again later."""
        try:
            self.tick()
        except Exception:
            log.exception("scheduler tick failed; the next one will try again")


def create_scheduler(ticker: Ticker, interval_seconds: float = TICK_SECONDS) -> BackgroundScheduler:
    """A BackgroundScheduler with one interval job; start it with ``.start()``."""
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_job(
        ticker.tick_safely,
        "interval",
        seconds=interval_seconds,
        id="outbox-tick",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=int(interval_seconds),
        next_run_time=datetime.now(UTC) + timedelta(seconds=2),
    )
    return scheduler


class SqliteTickerLock:
    """Notices a second process ticking against the same SQLite file, and says so."""

    def __init__(self, database_path: str) -> None:
        self.path = database_path + ".ticker.lock"
        self.handle: IO[Any] | None = None

    def acquire(self) -> bool:
        import fcntl

        self.handle = open(self.path, "a")  # noqa: SIM115 - held for the process's life
        try:
            fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            log.warning(
                "another partnerbot process is already running against the SQLite file %s. "
                "SQLite serves one process: stop the other process, or set DATABASE_URL to "
                "PostgreSQL to run several replicas. Claims stay safe, but expect 'database "
                "is locked' delays.",
                self.path.removesuffix(".ticker.lock"),
            )
            return False
        return True

    def release(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None
