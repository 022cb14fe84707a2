"""The KPI report stays within Block Kit limits for the busiest partnership."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from bot.domain.kpis.focus import CreditedSum, rank_all
from bot.domain.kpis.quarters import last_quarters
from bot.domain.kpis.service import KpiReport, QuarterFigures
from bot.domain.partners.names import Sides
from handlers.kpis.chart import render_chart
from handlers.kpis.messages import report_blocks, share_preview, shared_summary


def busiest_report() -> KpiReport:
    currencies = [f"C{i:02d}" for i in range(12)]
    quarters = [
        QuarterFigures(q, wins=999, revenue={c: Decimal("123456789012.34") for c in currencies})
        for q in last_quarters(date(2026, 11, 15))
    ]
    sums = [
        CreditedSum(f"U_REP{r:03d}", c, 1 + r % 3, Decimal(1000 + r), 1)
        for r in range(300)
        for c in currencies
    ]
    partnership = SimpleNamespace(id=1, partner_name="P" * 200, time_zone="Asia/Kolkata")
    return KpiReport(
        partnership=partnership,  # type: ignore[arg-type]
        quarters=quarters,
        sections={"wins", "reviews", "promises", "rules"},
        product_lines={
            f"Line {i} " + "x" * 90: {c: Decimal(1) for c in currencies} for i in range(200)
        },
        focus=rank_all(sums),
    )


def test_the_busiest_report_fits_one_message():
    report = busiest_report()
    blocks = report_blocks(report, chart_note="chart")
    assert len(blocks) <= 50
    for block in blocks:
        assert len((block.get("text") or {}).get("text", "")) <= 3000
    assert "Also revenue in C03" in str(blocks)
    assert len(shared_summary(report, Sides("V" * 200, "P" * 200), "U_TM")["blocks"]) <= 50
    preview = share_preview(report, Sides("V" * 200, "P" * 200), "U_TM", "C0SHARED")
    assert len(preview["blocks"]) <= 100
    assert render_chart(report).startswith(b"\x89PNG")
