"""The read side the review agenda and KPIs use: wins since a moment, counts and totals."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from bot.domain.wins import records
from sandbox import requests as rq
from tests.bench.scenarios import link_partnership
from tests.wins.helpers import log_win


def test_wins_since_and_summary(bench, clock, session):
    partnership = link_partnership(bench)
    log_win(bench)  # USD 125,000 on 1 Dec
    clock.move_to("2026-12-03 10:00:00")
    log_win(
        bench,
        **{
            "win_headline": rq.text("Globex"),
            "win_amount": rq.text("EUR 10k"),
            "win_currency": rq.text(""),
        },
    )
    log_win(bench, **{"win_headline": rq.text("Initech"), "win_amount": rq.text("5,000.50")})
    log_win(
        bench,
        **{
            "win_headline": rq.text("Ramp"),
            "win_kind": rq.option("milestone"),
            "win_amount": rq.text(""),
        },
    )

    since = datetime(2026, 12, 2, tzinfo=UTC)
    recent = records.wins_since(session, partnership.id, since)
    assert [w.headline for w in recent] == ["Globex", "Initech", "Ramp"]
    summary = records.summary(session, partnership.id, since)
    assert summary.count == 3
    assert summary.totals == {"EUR": Decimal("10000"), "USD": Decimal("5000.50")}
    assert summary.describe() == "3 wins (EUR 10,000, USD 5,000.50)"
    assert records.summary(session, partnership.id).count == 4
    assert records.wins_since(session, partnership.id + 1, since) == []
