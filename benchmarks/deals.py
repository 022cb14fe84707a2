"""Deal registration at scale: the conflict check, the funnel and the deal KPIs.

``python -m benchmarks.deals [--sizes 1000,10000,100000] [--partnerships 100] [--pg URL]``
For each size, seeds a fresh SQLite file (WAL) and, when ``--pg`` or
PARTNERBOT_TEST_DATABASE_URL gives one, a throw-away PostgreSQL schema: one vendor, that many
registrations over its partnerships, a tenth of them in the largest (10,000 of 100,000), in
every status, a third decided, the won ones linked to their wins, accounts shared by about five
registrations each. Then times, on the largest partnership (median of several runs): the
conflict check a new registration runs (by account name and domain, across the vendor's
partnerships), the whole-funnel modal's first and last page (SQL and Block Kit), the review
agenda's open-registrations section, and the scorecard's deal KPIs; and counts their SQL
statements, which must stay the same whatever the size. Slack is not involved.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, event, insert, select
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.scheduler import postgres_engine, sqlite_engine
from bot.domain.deals.accounts import account_key
from bot.domain.deals.conflicts import find_conflicts
from bot.domain.deals.funnel import funnel_page
from bot.domain.deals.kpis import deal_figures
from bot.domain.partners.names import Sides
from bot.domain.reviews.agenda import deals_section
from handlers.deals.funnel import funnel_modal
from storage import migrate
from storage.engine import make_session_factory
from storage.models import (
    DealChange,
    DealChangeKind,
    DealStage,
    Partnership,
    PartnershipStatus,
    Registration,
    RegistrationStatus,
    Side,
    Win,
    WinKind,
    Workspace,
)

ROUNDS = 7
BATCH = 5000
VENDOR = "T_VENDOR"
S = RegistrationStatus
# Most registrations are open (what the funnel lists); the rest are decided or closed.
STATUSES = (S.SUBMITTED, S.APPROVED, S.APPROVED, S.MORE_INFO, S.APPROVED, S.REJECTED, S.WON, S.LOST,
            S.EXPIRED, S.SUBMITTED)  # fmt: skip
STAGES = list(DealStage)


def seed(sessions: sessionmaker[Session], partnerships: int, total: int, now: datetime) -> int:
    """Returns the id of the largest partnership."""
    with sessions() as s:
        s.add(Workspace(team_id=VENDOR, active=True, installed_at=now))
        s.flush()
        s.execute(
            insert(Partnership),
            [
                {
                    "channel_id": f"C{i:07d}",
                    "partner_name": f"Partner {i:03d}",
                    "vendor_team_id": VENDOR,
                    "partner_team_id": f"T_PARTNER{i}",
                    "status": PartnershipStatus.ACTIVE,
                    "time_zone": "America/New_York",
                    "created_by": "U_TM",
                    "created_at": now - timedelta(days=800),
                    "updated_at": now,
                }
                for i in range(partnerships)
            ],
        )
        ids = s.scalars(select(Partnership.id).order_by(Partnership.id)).all()
        largest, others = ids[0], ids[1:]
        accounts = max(total // 5, 1)
        numbers: dict[int, int] = {}
        rows: list[dict[str, Any]] = []
        wins: list[dict[str, Any]] = []
        changes: list[dict[str, Any]] = []
        for n in range(total):
            pid = largest if n % 10 == 0 or not others else others[n % len(others)]
            numbers[pid] = numbers.get(pid, 0) + 1
            status = STATUSES[(n // 10) % len(STATUSES)]
            created = now - timedelta(days=n % 700, minutes=n % 1440)
            name = f"Account {(n * 7919) % accounts:06d} Inc."
            win_id = None
            if status is S.WON:
                win_id = len(wins) + 1
                wins.append(
                    {
                        "id": win_id,
                        "partnership_id": pid,
                        "submission_key": f"W{n}",
                        "kind": WinKind.DEAL,
                        "headline": name,
                        "amount": Decimal(5000 + n % 90_000),
                        "currency": "USD",
                        "closed_on": (created + timedelta(days=60)).date(),
                        "logged_by": "U_REP",
                        "logged_by_side": Side.PARTNER,
                        "created_at": now,
                    }
                )
            rows.append(
                {
                    "id": n + 1,
                    "partnership_id": pid,
                    "vendor_team_id": VENDOR,
                    "number": numbers[pid],
                    "account_name": name,
                    "account_key": account_key(name),
                    "account_domain": f"account{(n * 7919) % accounts}.example",
                    "opportunity": f"Opportunity {n}",
                    "amount": Decimal(1000 + (n * 7919) % 500_000) if n % 7 else None,
                    "currency": ("USD", "USD", "EUR")[n % 3] if n % 7 else None,
                    "close_on": (created + timedelta(days=90)).date(),
                    "stage": STAGES[n % len(STAGES)],
                    "partner_rep": f"U_REP{n % 300:03d}",
                    "status": status,
                    "registered_by": f"U_REP{n % 300:03d}",
                    "registered_by_side": Side.PARTNER,
                    "win_id": win_id,
                    "protected_until": now + timedelta(days=n % 90)
                    if status is S.APPROVED
                    else None,
                    "extensions": 0,
                    "created_at": created,
                    "updated_at": created + timedelta(days=n % 45),
                    "decided_by": None,
                    "decided_at": None,
                }
            )
            if status in (S.APPROVED, S.REJECTED, S.WON, S.LOST, S.EXPIRED):
                kind = DealChangeKind.REJECTED if status is S.REJECTED else DealChangeKind.APPROVED
                decided = created + timedelta(hours=1 + n % 100)
                rows[-1] |= {"decided_by": "U_TM", "decided_at": decided}
                changes.append(
                    {
                        "registration_id": n + 1,
                        "kind": kind,
                        "changed_by": "U_TM",
                        "changed_at": decided,
                    }
                )
        for table, batch in ((Win, wins), (Registration, rows), (DealChange, changes)):
            for start in range(0, len(batch), BATCH):
                s.execute(insert(table), batch[start : start + BATCH])
        s.commit()
        return largest


def measure(engine: Engine, partnerships: int, total: int) -> dict[str, Any]:
    migrate.upgrade(engine)
    sessions = make_session_factory(engine)
    now = datetime.now(UTC).replace(microsecond=0)
    started = time.perf_counter()
    largest = seed(sessions, partnerships, total, now)
    seeded = time.perf_counter() - started
    queries: list[str] = []

    def count(*args: Any) -> None:
        queries.append(args[2])

    with sessions() as s:
        partnership = s.get(Partnership, largest)
        assert partnership is not None
        sample = s.scalar(
            select(Registration)
            .where(Registration.partnership_id == largest)
            .order_by(Registration.number.desc())
        )
        assert sample is not None
        key, domain = sample.account_key, sample.account_domain
        in_largest = s.scalar(
            select(Registration.number)
            .where(Registration.partnership_id == largest)
            .order_by(Registration.number.desc())
        )

    names = Sides("Vendor", partnership.partner_name)  # the view's words, not a query

    def conflict_check(s: Session) -> int:
        return len(find_conflicts(s, VENDOR, key, domain))

    def first_page(s: Session) -> int:
        page = funnel_page(s, largest, now)
        return len(funnel_modal(partnership, names, page, "UTC")["blocks"]) + page.total

    def last_page(s: Session) -> int:
        page = funnel_page(s, largest, now, page=10**9)
        return len(funnel_modal(partnership, names, page, "UTC")["blocks"])

    def agenda(s: Session) -> int:
        found = deals_section(s, partnership, now - timedelta(days=14))
        return len(found.items) if found else 0

    def kpis(s: Session) -> int:
        start = datetime(now.year - 1, 1, 1, tzinfo=UTC)
        return deal_figures(s, partnership, start, now, start.date(), date.max).registrations

    def timed(work: Callable[[Session], int]) -> tuple[float, int, int]:
        times, result = [], 0
        for _ in range(ROUNDS):
            with sessions() as s:
                s.add(partnership)  # loaded, so only the work's own statements are counted
                _ = partnership.members
                queries.clear()
                event.listen(engine, "before_cursor_execute", count)
                began = time.perf_counter()
                result = work(s)
                times.append(time.perf_counter() - began)
                event.remove(engine, "before_cursor_execute", count)
                s.expunge(partnership)
        return statistics.median(times), len(queries), result

    results = {
        "seed": seeded,
        "largest": in_largest,
        "conflicts": timed(conflict_check),
        "first": timed(first_page),
        "last": timed(last_page),
        "agenda": timed(agenda),
        "kpis": timed(kpis),
    }
    return results


def cell(measured: tuple[float, int, int]) -> str:
    seconds, statements, _ = measured
    return f"{seconds * 1000:7.1f} ms {statements:>2} q"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="registrations in all")
    parser.add_argument("--partnerships", type=int, default=100)
    parser.add_argument(
        "--pg",
        default=os.environ.get("PARTNERBOT_TEST_DATABASE_URL"),
        help="a PostgreSQL URL (default: PARTNERBOT_TEST_DATABASE_URL)",
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    backends: list[tuple[str, Callable[[], Any]]] = [("SQLite (WAL)", sqlite_engine)]
    if args.pg:
        backends.append(("PostgreSQL", lambda: postgres_engine(args.pg)))
    else:
        print("PostgreSQL skipped: pass --pg URL or set PARTNERBOT_TEST_DATABASE_URL")
    print(
        f"one vendor, {args.partnerships} partnerships, a tenth of the registrations in the "
        f"largest; median of {ROUNDS} runs on the largest; q = SQL statements\n"
    )
    header = (
        f"{'backend':13} {'in all':>8} {'largest':>8} {'conflict check':>16} "
        f"{'funnel page 1':>16} {'funnel last page':>16} {'agenda deals':>16} "
        f"{'deal KPIs':>16}"
    )
    print(header)
    print("-" * len(header))
    for name, make in backends:
        for size in sizes:
            with make() as engine:
                r = measure(engine, args.partnerships, size)
            print(
                f"{name:13} {size:>8,} {r['largest']:>8,} {cell(r['conflicts']):>16} "
                f"{cell(r['first']):>16} {cell(r['last']):>16} {cell(r['agenda']):>16} "
                f"{cell(r['kpis']):>16}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
