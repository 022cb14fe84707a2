"""One scheduler tick over 10,000 due reviews: materialize them, then claim them.

``python -m benchmarks.scheduler [--due 10000] [--pg postgresql://...]``
Runs on a fresh SQLite file (WAL) and, when ``--pg`` or PARTNERBOT_TEST_DATABASE_URL gives
one, on PostgreSQL in a throw-away schema. Slack is not involved: this times our side of a
tick (the SQL), which is what grows with the number of partnerships. Prints a table.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

from sqlalchemy import Engine, func, insert, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import outbox
from bot.domain.reviews import schedules as review_schedules
from storage import migrate
from storage.engine import make_engine, make_session_factory
from storage.models import (
    Occurrence,
    OccurrenceStatus,
    Partnership,
    PartnershipStatus,
    ReviewSchedule,
    Workspace,
)

ZONES = (
    ("America/New_York", "US"),
    ("Europe/Berlin", "DE"),
    ("Asia/Kolkata", "IN"),
    ("Europe/London", "GB"),
    ("America/Chicago", None),
)
TICKER_BATCH = 25


def seed(sessions: sessionmaker[Session], count: int, now: datetime) -> None:
    """``count`` partnerships in several zones, each with a review that fell due a week ago."""
    due = now - timedelta(days=7)
    with sessions() as session:
        session.add(Workspace(team_id="T_VENDOR", active=True, installed_at=now))
        session.flush()
        rows = []
        for i in range(count):
            zone, country = ZONES[i % len(ZONES)]
            rows.append(
                {
                    "channel_id": f"C{i:07d}",
                    "partner_name": f"Partner {i}",
                    "vendor_team_id": "T_VENDOR",
                    "status": PartnershipStatus.ACTIVE,
                    "time_zone": zone,
                    "holiday_country": country,
                    "created_by": "U_TM",
                    "created_at": now - timedelta(days=90),
                    "updated_at": now,
                }
            )
        for start in range(0, count, 2000):
            session.execute(insert(Partnership), rows[start : start + 2000])
        ids = session.scalars(select(Partnership.id).order_by(Partnership.id)).all()
        schedules = [
            {
                "partnership_id": pid,
                "every_weeks": (1, 2, 4)[i % 3],
                "weekday": due.weekday(),
                "at": clock_time(9 + i % 8, 30 * (i % 2)),
                "anchor_on": (due - timedelta(days=28)).date(),
                "paused": False,
                "next_on": due.date(),
                "next_due_at": due,
                "updated_by": "U_TM",
                "updated_at": now,
            }
            for i, pid in enumerate(ids)
        ]
        for start in range(0, count, 2000):
            session.execute(insert(ReviewSchedule), schedules[start : start + 2000])
        session.commit()


def timed(work: Callable[[], int]) -> tuple[float, int]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def measure(engine: Engine, count: int) -> dict[str, float]:
    migrate.upgrade(engine)
    sessions = make_session_factory(engine)
    now = datetime.now(UTC).replace(microsecond=0)
    seed(sessions, count, now)

    def materialize() -> int:
        with sessions() as session:
            found = review_schedules.materialize_due(session, now)
            session.commit()
            return found

    def claim_all() -> int:
        with sessions() as session:
            claimed = outbox.claim(session, "bench", now, limit=count)
            session.commit()
            return len(claimed)

    def claim_in_batches() -> int:
        total = 0
        with sessions() as session:
            while batch := outbox.claim(session, "bench", now, limit=TICKER_BATCH):
                session.commit()
                total += len(batch)
        return total

    def reset() -> None:
        with sessions() as session:
            session.execute(
                update(Occurrence)
                .where(Occurrence.status == OccurrenceStatus.SENDING)
                .values(
                    status=OccurrenceStatus.PENDING,
                    claimed_by=None,
                    lease_until=None,
                    next_attempt_at=now,
                )
            )
            session.commit()

    materialize_s, due = timed(materialize)
    claim_s, claimed = timed(claim_all)
    reset()
    batches_s, batched = timed(claim_in_batches)
    with sessions() as session:
        rows = session.scalar(select(func.count()).select_from(Occurrence))
    assert due == claimed == batched == count, (due, claimed, batched)
    return {
        "due": due,
        "rows": rows or 0,
        "materialize": materialize_s,
        "claim": claim_s,
        "tick": materialize_s + claim_s,
        "batches": batches_s,
    }


@contextmanager
def sqlite_engine() -> Iterator[Engine]:
    workdir = Path(tempfile.mkdtemp(prefix="partnerbot-bench-"))
    engine = make_engine(f"sqlite:///{workdir / 'scheduler.db'}")
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def postgres_engine(url: str) -> Iterator[Engine]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--due", type=int, default=10_000, help="due reviews (default 10000)")
    parser.add_argument(
        "--pg",
        default=os.environ.get("PARTNERBOT_TEST_DATABASE_URL"),
        help="a PostgreSQL URL (default: PARTNERBOT_TEST_DATABASE_URL)",
    )
    args = parser.parse_args()
    backends: list[tuple[str, Callable[[], contextmanager]]] = [("SQLite (WAL)", sqlite_engine)]
    if args.pg:
        backends.append(("PostgreSQL", lambda: postgres_engine(args.pg)))
    else:
        print("PostgreSQL skipped: pass --pg URL or set PARTNERBOT_TEST_DATABASE_URL")
    print(
        f"One tick over {args.due:,} due reviews in five zones (US, DE, IN, GB holidays): "
        "materialize the outbox rows, then claim them\n"
    )
    header = (
        f"{'backend':14} {'due':>7} {'outbox rows':>11} {'materialize':>12} "
        f"{'claim all':>10} {'tick total':>11} {f'claim by {TICKER_BATCH}':>12}"
    )
    print(header)
    print("-" * len(header))
    for name, make in backends:
        with make() as engine:
            r = measure(engine, args.due)
        print(
            f"{name:14} {r['due']:>7,} {r['rows']:>11,} {r['materialize']:>11.2f}s "
            f"{r['claim']:>9.2f}s {r['tick']:>10.2f}s {r['batches']:>11.2f}s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
