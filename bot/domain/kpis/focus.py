"""The 80/20 focus list: the partner reps behind most of a partnership's revenue.

How revenue is counted, so the figures are exact and add up:
- Per currency. Revenue in different currencies is never added up (partnerbot has no exchange
  rates and won't guess them), so there is one focus list per currency.
- A win credited to several partner reps is split evenly among them (a 90,000 win with three
  reps gives each 30,000). Amounts are kept as exact fractions while ranking; they are
  rounded to the currency's cents only for display, so shares and the 80% cut are exact.
- Revenue of wins that credit no partner rep is not in the list; it is reported beside it.
- Reps are ranked by credited revenue, largest first, ties by user id. The focus group is
  the smallest number of top reps whose cumulative share reaches 80% of the credited revenue.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

FOCUS_SHARE = Fraction(4, 5)
CENT = Decimal("0.01")
PERCENT = Decimal("0.1")


@dataclass(frozen=True)
class CreditedSum:
    """What the database adds up: the sum of one currency's wins crediting a rep, grouped by
    how many partner reps each of those wins credited (so the split is exact afterwards)."""

    user_id: str
    currency: str
    reps_on_win: int
    amount: Decimal
    wins: int


@dataclass(frozen=True)
class RepShare:
    user_id: str
    revenue: Fraction
    wins: int
    share: Fraction  # of the credited revenue in this currency
    cumulative: Fraction
    in_focus: bool

    @property
    def amount(self) -> Decimal:
        return to_decimal(self.revenue, CENT)

    @property
    def share_percent(self) -> Decimal:
        return to_decimal(self.share * 100, PERCENT)

    @property
    def cumulative_percent(self) -> Decimal:
        return to_decimal(self.cumulative * 100, PERCENT)


@dataclass(frozen=True)
class FocusList:
    currency: str
    reps: list[RepShare]
    credited: Fraction  # revenue credited to partner reps
    uncredited: Decimal = Decimal(0)  # revenue of wins that credit no partner rep

    @property
    def focus(self) -> list[RepShare]:
        return [r for r in self.reps if r.in_focus]

    @property
    def focus_share(self) -> Fraction:
        return self.focus[-1].cumulative if self.focus else Fraction(0)


def to_decimal(value: Fraction, step: Decimal) -> Decimal:
    """A fraction rounded (half to even) to ``step``, e.g. cents."""
    return Decimal(round(value / Fraction(step))) * step


def rank(
    currency: str,
    sums: Iterable[CreditedSum],
    *,
    uncredited: Decimal = Decimal(0),
    threshold: Fraction = FOCUS_SHARE,
) -> FocusList:
    """Rank the reps of one currency and mark the smallest group reaching ``threshold``."""
    revenue: dict[str, Fraction] = defaultdict(Fraction)
    wins: dict[str, int] = defaultdict(int)
    for row in sums:
        if row.currency != currency or row.reps_on_win < 1:
            continue
        revenue[row.user_id] += Fraction(row.amount) / row.reps_on_win
        wins[row.user_id] += row.wins
    total = sum(revenue.values(), Fraction(0))
    ordered = sorted(revenue.items(), key=lambda item: (-item[1], item[0]))
    reps: list[RepShare] = []
    cumulative = Fraction(0)
    reached = False
    for user_id, amount in ordered:
        share = amount / total if total else Fraction(0)
        in_focus = not reached and total > 0
        cumulative += share
        reached = reached or cumulative >= threshold
        reps.append(RepShare(user_id, amount, wins[user_id], share, cumulative, in_focus))
    return FocusList(currency=currency, reps=reps, credited=total, uncredited=uncredited)


def rank_all(
    sums: Iterable[CreditedSum], uncredited: dict[str, Decimal] | None = None
) -> list[FocusList]:
    """One focus list per currency, the currency with the most credited wins first."""
    rows = list(sums)
    uncredited = uncredited or {}
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.currency] += row.wins
    for currency in uncredited:
        counts.setdefault(currency, 0)
    currencies = sorted(counts, key=lambda c: (-counts[c], c))
    return [rank(c, rows, uncredited=uncredited.get(c, Decimal(0))) for c in currencies]
