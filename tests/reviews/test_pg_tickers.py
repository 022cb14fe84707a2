"""Several tickers against one PostgreSQL database: every due prompt is sent exactly once."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, insert, select

from bot.app import make_client
from bot.domain.clock import utcnow
from bot.domain.reviews import schedules as review_schedules
from bot.scheduler import Ticker
from storage import migrate
from storage.engine import make_session_factory
from storage.models import (
    Occurrence,
    OccurrenceStatus,
    Partnership,
    PartnershipStatus,
    ReviewSchedule,
    Workspace,
)
from tests.bench.harness import bench_settings

PROMPTS = 1000
TICKERS = 4


def seed(sessions, count: int, now: datetime) -> None:
    """``count`` active partnerships, each with a review due a minute ago."""
    due = now - timedelta(minutes=1)
    with sessions() as session:
        session.add(Workspace(team_id="T_VENDOR", active=True, installed_at=now))
        session.flush()
        session.execute(
            insert(Partnership),
            [
                {
                    "channel_id": f"C{i:06d}",
                    "partner_name": f"Partner {i}",
                    "vendor_team_id": "T_VENDOR",
                    "status": PartnershipStatus.ACTIVE,
                    "time_zone": "UTC",
                    "created_by": "U_TM",
                    "created_at": now - timedelta(days=30),
                    "updated_at": now,
                }
                for i in range(count)
            ],
        )
        ids = session.scalars(select(Partnership.id).order_by(Partnership.id)).all()
        session.execute(
            insert(ReviewSchedule),
            [
                {
                    "partnership_id": pid,
                    "every_weeks": 2,
                    "weekday": due.weekday(),
                    "at": time(due.hour, due.minute),
                    "anchor_on": due.date(),
                    "paused": False,
                    "next_on": due.date(),
                    "next_due_at": due,
                    "updated_by": "U_TM",
                    "updated_at": now,
                }
                for pid in ids
            ],
        )
        session.commit()


def together(work) -> None:
    threads = [threading.Thread(target=work, args=(n,)) for n in range(TICKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)


@pytest.mark.postgres
def test_several_tickers_send_each_of_1000_prompts_exactly_once(pg_engine, fake_slack):
    migrate.upgrade(pg_engine)
    sessions = make_session_factory(pg_engine)
    now = utcnow().replace(microsecond=0)
    seed(sessions, PROMPTS, now)
    settings = bench_settings(fake_slack)

    # Every replica materializes at once: each due review becomes one pending occurrence.
    def materialize(n: int) -> None:
        with sessions() as session:
            review_schedules.materialize_due(session, now)
            session.commit()

    together(materialize)
    with sessions() as session:
        pending = session.scalar(
            select(func.count()).where(Occurrence.status == OccurrenceStatus.PENDING)
        )
    assert pending == PROMPTS

    barrier = threading.Barrier(TICKERS)
    reports = []
    errors = []

    def run(n: int) -> None:
        client = make_client(settings)
        client.retry_handlers = []
        ticker = Ticker(sessions, client, name=f"ticker-{n}")
        barrier.wait()
        try:
            reports.append(ticker.tick(now))
        except Exception as error:  # surfaced below
            errors.append(error)

    together(run)
    assert not errors, errors

    posted = Counter(m.metadata["event_payload"]["key"] for m in fake_slack.posts())
    assert len(posted) == PROMPTS and set(posted.values()) == {1}
    sent = [d for r in reports for d in r.deliveries if d.outcome.value == "sent"]
    assert len(sent) == PROMPTS
    assert sum(1 for r in reports if r.deliveries) > 1  # the work was actually shared
    with sessions() as session:
        statuses = dict(
            session.execute(
                select(Occurrence.status, func.count())
                .where(Occurrence.kind == review_schedules.PROMPT)
                .group_by(Occurrence.status)
            ).all()
        )
        assert statuses == {OccurrenceStatus.SENT: PROMPTS}
        advanced = session.scalar(select(func.count()).where(ReviewSchedule.next_due_at > now))
        assert advanced == PROMPTS
