"""The deal KPIs' views show people's text only as text, within Slack's limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from bot.domain.deals.kpis import DealFigures, OpenDeals, RepStart
from bot.domain.home.dashboard import Dashboard, PartnershipLine
from bot.domain.kpis.quarters import Quarter
from bot.domain.kpis.service import KpiReport, QuarterFigures
from bot.domain.partners.names import Sides
from handlers.home.tab import home_view
from handlers.kpis.messages import report_blocks, shared_summary
from storage.models import Side
from tests.bench.hostile import HOSTILE
from tests.rules.test_hostile_text import assert_inert, partnership, shown

AT = datetime(2026, 3, 1, tzinfo=UTC)


def figures(h: str) -> DealFigures:
    return DealFigures(
        registrations_total=40,
        registrations=30,
        approved=20,
        rejected=5,
        median_decision=timedelta(hours=50),
        conflicts=3,
        pipeline={"USD": Decimal("1250000.50"), "EUR": Decimal("90000")},
        pipeline_deals=12,
        won=4,
        revenue={"USD": Decimal("300000")},
        # A rep id that isn't one is shown as text, never as a mention.
        reps=[RepStart(f"U_REP{i}", AT, i, 2) for i in range(14)] + [RepStart(h, AT, 99, 1)],
        reps_waiting=[h, "U_ERIK"],
    )


@pytest.mark.parametrize("h", HOSTILE)
def test_the_scorecards_deal_section_is_inert(h: str) -> None:
    report = KpiReport(
        partnership=partnership(h),
        quarters=[QuarterFigures(Quarter(2026, n)) for n in (1, 2, 3, 4)],
        sections={"deals"},
        deals=figures(h),
    )
    blocks = report_blocks(report)
    assert_inert({"blocks": blocks})
    text = shown({"blocks": blocks})
    assert "approved 20 of 25 decided (80%), median time to decision 2 days" in text
    assert "EUR 90,000; USD 1,250,000.50" in text
    assert "<@U_REP0> 0 days · 2 registrations" in text
    assert "…and 5 more reps." in text  # ten shown
    shared = shared_summary(report, Sides("Vendor Inc", "Acme Resellers"), "U_TM")
    assert_inert(shared)
    assert "conflict" not in shown(shared) and "U_REP" not in shown(shared)


@pytest.mark.parametrize("h", HOSTILE)
def test_the_app_homes_deal_lines_are_inert_and_fit_one_section(h: str) -> None:
    lines = []
    deals = {}
    for pid in range(1, 16):
        p = partnership(h * 3)
        p.id = pid
        lines.append(PartnershipLine(p, Side.VENDOR))
        deals[pid] = OpenDeals(
            waiting=pid, approved=2, pipeline={"USD": Decimal("1000"), "EUR": Decimal("5")}
        )
    board = Dashboard("U_TM", "T_VENDOR", "UTC", lines, deals=deals, sections={"deals"})
    view = home_view(board)
    assert_inert(view)
    text = shown(view)
    assert "15 waiting for a decision · 2 approved: EUR 5; USD 1,000" in text
    assert len(view["blocks"]) <= 100
