"""The 80/20 focus list: exact ranking, even splits of shared wins, per currency, the 80% cut."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from bot.domain.kpis.focus import CreditedSum, rank, rank_all


def sums(*rows: tuple[str, str, int, str, int]) -> list[CreditedSum]:
    return [CreditedSum(u, c, n, Decimal(a), w) for u, c, n, a, w in rows]


# W1 60,000 to A; W2 30,000 to B and C; W3 12,000 to B, C and D; W4 9,000 to D; W5 3,000 to E.
CRAFTED = sums(
    ("U_A", "USD", 1, "60000", 1),
    ("U_B", "USD", 2, "30000", 1),
    ("U_C", "USD", 2, "30000", 1),
    ("U_B", "USD", 3, "12000", 1),
    ("U_C", "USD", 3, "12000", 1),
    ("U_D", "USD", 3, "12000", 1),
    ("U_D", "USD", 1, "9000", 1),
    ("U_E", "USD", 1, "3000", 1),
    ("U_A", "EUR", 1, "10000", 1),
)


def test_reps_ranked_with_shared_wins_split_evenly():
    focus = rank("USD", CRAFTED)
    assert [(r.user_id, r.amount) for r in focus.reps] == [
        ("U_A", Decimal("60000.00")),
        ("U_B", Decimal("19000.00")),  # 15,000 + 4,000; ties go by user id
        ("U_C", Decimal("19000.00")),
        ("U_D", Decimal("13000.00")),
        ("U_E", Decimal("3000.00")),
    ]
    assert focus.credited == 114_000
    assert [r.cumulative_percent for r in focus.reps] == [
        Decimal("52.6"),
        Decimal("69.3"),
        Decimal("86.0"),
        Decimal("97.4"),
        Decimal("100.0"),
    ]
    # The smallest group reaching 80%: A, B and C (98,000 of 114,000).
    assert [r.user_id for r in focus.focus] == ["U_A", "U_B", "U_C"]
    assert focus.focus_share == Fraction(98_000, 114_000)
    assert [r.wins for r in focus.reps] == [1, 2, 2, 2, 1]


def test_exactly_eighty_percent_closes_the_group():
    focus = rank("USD", sums(("U_A", "USD", 1, "80", 1), ("U_B", "USD", 1, "20", 1)))
    assert [r.user_id for r in focus.focus] == ["U_A"]


def test_thirds_stay_exact_and_add_up():
    focus = rank("EUR", sums(*[(u, "EUR", 3, "100.00", 1) for u in ("U_A", "U_B", "U_C")]))
    assert [r.amount for r in focus.reps] == [Decimal("33.33")] * 3
    assert sum(r.revenue for r in focus.reps) == 100
    assert focus.reps[-1].cumulative == 1
    # Each holds a third: two thirds is short of 80%, so all three are the focus group.
    assert len(focus.focus) == 3


def test_one_list_per_currency_never_mixed():
    lists = rank_all(CRAFTED, uncredited={"USD": Decimal("5000"), "GBP": Decimal("700")})
    assert [f.currency for f in lists] == ["USD", "EUR", "GBP"]
    usd, eur, gbp = lists
    assert usd.uncredited == Decimal("5000") and usd.credited == 114_000
    assert [(r.user_id, r.amount) for r in eur.reps] == [("U_A", Decimal("10000.00"))]
    assert [r.user_id for r in eur.focus] == ["U_A"]
    assert gbp.reps == [] and gbp.focus == [] and gbp.uncredited == Decimal("700")


def test_no_revenue_no_focus_group():
    focus = rank("USD", [])
    assert focus.reps == [] and focus.focus == [] and focus.focus_share == 0
