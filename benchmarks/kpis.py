"""The App Home and a KPI report over 200 partnerships and 50,000 wins.

``python -m benchmarks.kpis [--partnerships 200] [--wins 50000] [--pg postgresql://...]``
Seeds a fresh SQLite file (WAL) and, when ``--pg`` or PARTNERBOT_TEST_DATABASE_URL gives one,
a throw-away PostgreSQL schema: every partnership owned by one TM (so their App Home spans all
200), a fifth of the wins in the largest partnership, the rest spread over the others, each
credited to one to three of 40 partner reps, over the last eight quarters, with reviews,
promises and rule proposals. Times building the TM's App Home view and the largest
partnership's KPI report (the SQL and the Block Kit; Slack is not involved), and the chart.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, event, insert, select
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.scheduler import postgres_engine, sqlite_engine
from bot.domain.home.dashboard import dashboard
from bot.domain.kpis import service as kpis
from bot.domain.people import Actor
from handlers.home.tab import home_view
from handlers.kpis.chart import render_chart
from handlers.kpis.messages import report_blocks
from storage import migrate
from storage.engine import make_session_factory
from storage.models import (
    Member,
    Partnership,
    PartnershipStatus,
    Person,
    ProductLine,
    Promise,
    PromiseState,
    Proposal,
    ProposalStatus,
    Review,
    ReviewStatus,
    Side,
    Win,
    WinCredit,
    WinKind,
    Workspace,
)

TM = "U_TM"
ROUNDS = 5
BATCH = 5000


def seed(sessions: sessionmaker[Session], partnerships: int, wins: int, now: datetime) -> int:
    """Returns the id of the largest partnership."""
    with sessions() as s:
        s.add(Workspace(team_id="T_VENDOR", active=True, installed_at=now))
        s.add(
            Person(
                user_id=TM, team_id="T_VENDOR", name="Terry", tz="America/New_York", updated_at=now
            )
        )
        s.flush()
        s.execute(
            insert(Partnership),
            [
                {
                    "channel_id": f"C{i:07d}",
                    "partner_name": f"Partner {i:03d}",
                    "vendor_team_id": "T_VENDOR",
                    "partner_team_id": "T_PARTNER",
                    "status": PartnershipStatus.ACTIVE,
                    "time_zone": ("America/New_York", "Europe/Berlin", "Asia/Kolkata")[i % 3],
                    "created_by": TM,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(partnerships)
            ],
        )
        ids = s.scalars(select(Partnership.id).order_by(Partnership.id)).all()
        s.execute(
            insert(Member),
            [
                {
                    "partnership_id": p,
                    "user_id": TM,
                    "side": Side.VENDOR,
                    "is_owner": True,
                    "is_approver": False,
                }
                for p in ids
            ],
        )
        s.execute(
            insert(ProductLine),
            [
                {
                    "partnership_id": p,
                    "name": n,
                    "name_key": n.lower(),
                    "created_by": TM,
                    "created_at": now,
                }
                for p in ids
                for n in ("Cloud", "Security", "Networking")
            ],
        )
        lines = s.execute(select(ProductLine.partnership_id, ProductLine.id)).all()
        lines_of: dict[int, list[int]] = {}
        for pid, line in lines:
            lines_of.setdefault(pid, []).append(line)
        largest, others = ids[0], ids[1:]
        today = now.date()
        rows: list[dict[str, Any]] = []
        for n in range(wins):
            pid = largest if n < wins // 5 or not others else others[n % len(others)]
            rows.append(
                {
                    "id": n + 1,
                    "partnership_id": pid,
                    "submission_key": f"V{n}",
                    "kind": WinKind.DEAL if n % 10 else WinKind.MILESTONE,
                    "headline": f"Deal {n}",
                    "amount": Decimal(1000 + (n * 7919) % 250_000) if n % 10 else None,
                    "currency": ("USD", "USD", "USD", "EUR")[n % 4] if n % 10 else None,
                    "product_line_id": lines_of[pid][n % 3] if n % 4 else None,
                    "closed_on": today - timedelta(days=n % 720),
                    "logged_by": TM,
                    "logged_by_side": Side.VENDOR,
                    "created_at": now,
                }
            )
        credits: list[dict[str, Any]] = []
        for row in rows:
            n = row["id"]
            for k in range(1 + n % 3):
                credits.append(
                    {"win_id": n, "user_id": f"U_REP{(n + 13 * k) % 40:02d}", "side": Side.PARTNER}
                )
            credits.append({"win_id": n, "user_id": TM, "side": Side.VENDOR})
        for start in range(0, len(rows), BATCH):
            s.execute(insert(Win), rows[start : start + BATCH])
        for start in range(0, len(credits), BATCH):
            s.execute(insert(WinCredit), credits[start : start + BATCH])
        reviews, promises, proposals = [], [], []
        for p in ids:
            for k in range(24):
                day = today - timedelta(weeks=2 * k + 1)
                reviews.append(
                    {
                        "partnership_id": p,
                        "nominal_on": day,
                        "created_at": now,
                        "due_at": datetime.combine(day, datetime.min.time(), UTC),
                        "status": (ReviewStatus.HELD, ReviewStatus.SKIPPED)[k % 4 == 3],
                        "snoozes": 0,
                    }
                )
            for k in range(6):
                due = today + timedelta(days=30 * k - 90)
                promises.append(
                    {
                        "partnership_id": p,
                        "maker_id": TM,
                        "owed_to_id": "U_REP00",
                        "raw_deal": "raw",
                        "promise": f"Make-good {k}",
                        "due_date": due,
                        "due_at": datetime.combine(due, datetime.min.time(), UTC),
                        "time_zone": "America/New_York",
                        "state": (PromiseState.OPEN, PromiseState.KEPT)[k % 2],
                        "kept_on_time": bool(k % 4 == 1) if k % 2 else None,
                        "submission_key": f"P{p}-{k}",
                        "made_at": now,
                        "reminder_plan": 1,
                        "proposal_seq": 0,
                        "in_thread": False,
                    }
                )
            proposals.append(
                {
                    "partnership_id": p,
                    "status": ProposalStatus.AGREED,
                    "current_version": 1,
                    "proposed_by": "U_REP00",
                    "proposer_side": Side.PARTNER,
                    "channel_id": f"C{p:07d}",
                    "created_at": now,
                    "updated_at": now,
                    "decided_at": now,
                }
            )
        s.execute(insert(Review), reviews)
        s.execute(insert(Promise), promises)
        s.execute(insert(Proposal), proposals)
        s.commit()
        return largest


def measure(engine: Engine, partnerships: int, wins: int) -> dict[str, float]:
    migrate.upgrade(engine)
    sessions = make_session_factory(engine)
    now = datetime.now(UTC).replace(microsecond=0)
    seeded = time.perf_counter()
    largest = seed(sessions, partnerships, wins, now)
    seed_s = time.perf_counter() - seeded
    queries: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: queries.append(a[2]))

    def home() -> int:
        with sessions() as s:
            view = home_view(dashboard(s, TM, now))
        return len(view["blocks"])

    report_holder: dict[str, Any] = {}

    def report() -> int:
        with sessions() as s:
            partnership = s.get(Partnership, largest)
            assert partnership is not None
            result = kpis.report(s, partnership, Actor(TM, "T_VENDOR"), now=now)
            report_holder["report"] = result
            return len(report_blocks(result))

    def chart() -> int:
        return len(render_chart(report_holder["report"]))

    def best(work: Callable[[], int]) -> tuple[float, float, int]:
        times = []
        for _ in range(ROUNDS):
            queries.clear()
            started = time.perf_counter()
            work()
            times.append(time.perf_counter() - started)
        return min(times), statistics.median(times), len(queries)

    home_best, home_median, home_queries = best(home)
    report_best, report_median, report_queries = best(report)
    _, chart_median, _ = best(chart)
    return {
        "seed": seed_s,
        "home": home_median,
        "home_best": home_best,
        "home_queries": home_queries,
        "report": report_median,
        "report_best": report_best,
        "report_queries": report_queries,
        "chart": chart_median,
        "largest_wins": wins // 5,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partnerships", type=int, default=200)
    parser.add_argument("--wins", type=int, default=50_000)
    parser.add_argument(
        "--pg",
        default=os.environ.get("PARTNERBOT_TEST_DATABASE_URL"),
        help="a PostgreSQL URL (default: PARTNERBOT_TEST_DATABASE_URL)",
    )
    args = parser.parse_args()
    backends: list[tuple[str, Callable[[], Any]]] = [("SQLite (WAL)", sqlite_engine)]
    if args.pg:
        backends.append(("PostgreSQL", lambda: postgres_engine(args.pg)))
    else:
        print("PostgreSQL skipped: pass --pg URL or set PARTNERBOT_TEST_DATABASE_URL")
    print(
        f"{args.partnerships} partnerships, {args.wins:,} wins ({args.wins // 5:,} in the "
        f"largest): median of {ROUNDS} runs (best in brackets), SQL and Block Kit only\n"
    )
    header = f"{'backend':14} {'App Home view':>22} {'KPI report':>22} {'chart PNG':>10}"
    print(header)
    print("-" * len(header))
    for name, make in backends:
        with make() as engine:
            r = measure(engine, args.partnerships, args.wins)
        print(
            f"{name:14} "
            f"{r['home'] * 1000:>7.0f} ms ({r['home_best'] * 1000:.0f}), {r['home_queries']:>2} q "
            f"{r['report'] * 1000:>7.0f} ms ({r['report_best'] * 1000:.0f}), "
            f"{r['report_queries']:>2} q "
            f"{r['chart'] * 1000:>7.0f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
