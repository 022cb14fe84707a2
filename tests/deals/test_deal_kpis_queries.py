"""The conflict check, the deal KPIs and the App Home's deal lines take as many queries for
ten registrations as for two thousand (each runs aggregate or indexed SQL, never a query per
registration); benchmarks/deals.py times them up to 100,000."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import insert

from bot.domain.deals.conflicts import find_conflicts
from bot.domain.deals.kpis import deal_figures, open_deals
from storage.models import (
    DealStage,
    Partnership,
    PartnershipStatus,
    Registration,
    RegistrationStatus,
    Side,
    Workspace,
)
from tests.kpis.queries import counting_queries

NOW = datetime(2026, 11, 1, tzinfo=UTC)
STATUSES = list(RegistrationStatus)


def grow(session, pid: int, start: int, count: int) -> None:
    """``count`` more registrations in the partnership, a third decided, some won."""
    rows = [
        {
            "partnership_id": pid,
            "vendor_team_id": "T_VENDOR",
            "number": n,
            "account_name": f"Account {n % 500}",
            "account_key": f"account {n % 500}",
            "account_domain": f"account{n % 500}.example",
            "opportunity": "Seats",
            "amount": Decimal(1000 + n),
            "currency": ("USD", "EUR")[n % 2],
            "close_on": date(2027, 1, 1),
            "stage": DealStage.PROPOSAL,
            "partner_rep": f"U_REP{n % 30}",
            "status": STATUSES[n % len(STATUSES)],
            "registered_by": "U_TM",
            "registered_by_side": Side.VENDOR,
            "extensions": 0,
            "created_at": NOW - timedelta(days=n % 300),
            "updated_at": NOW,
            "decided_by": "U_TM" if n % 3 == 0 else None,
            "decided_at": NOW - timedelta(days=n % 200) if n % 3 == 0 else None,
        }
        for n in range(start, start + count)
    ]
    session.execute(insert(Registration), rows)
    session.commit()


@pytest.fixture
def partnership(session) -> Partnership:
    session.add(Workspace(team_id="T_VENDOR", active=True, installed_at=NOW))
    session.flush()
    made = Partnership(
        channel_id="C0SHARED",
        partner_name="Acme Resellers",
        vendor_team_id="T_VENDOR",
        status=PartnershipStatus.ACTIVE,
        time_zone="America/New_York",
        created_by="U_TM",
        created_at=NOW - timedelta(days=400),
        updated_at=NOW,
    )
    session.add(made)
    session.commit()
    return made


def test_the_queries_do_not_grow_with_the_registrations(engine, session, partnership) -> None:
    counts = []
    start, end = NOW - timedelta(days=365), NOW + timedelta(days=1)
    grown = 0
    for size in (10, 2000):
        grow(session, partnership.id, grown + 1, size - grown)
        grown = size
        assert partnership.members == []  # the partnership itself is loaded, not counted
        with counting_queries(engine) as conflict_check:
            found = find_conflicts(session, "T_VENDOR", "account 7", "account7.example")
        with counting_queries(engine) as figures:
            kpis = deal_figures(session, partnership, start, end, start.date(), end.date())
        with counting_queries(engine) as home:
            open_deals(session, [partnership.id])
        counts.append((len(conflict_check), len(figures), len(home)))
        assert found and kpis.registrations_total == size and kpis.decided
    assert counts[0] == counts[1] == (1, 5, 1), counts
