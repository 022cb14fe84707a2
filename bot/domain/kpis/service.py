"""A partnership's KPIs per quarter, computed by aggregate SQL (one query per section).

Quarters are calendar quarters in the partnership's time zone. Dates people chose (a win's
close date, a review's date, a promise's due date) are bucketed by those dates; moments
(a rule agreed) by the UTC instants at which the partnership's quarters begin. Each query
groups rows by a CASE over the quarter boundaries, so the work stays in the database and the
number of queries does not depend on how many rows there are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, ColumnElement, and_, case, cast, exists, func, select
from sqlalchemy.orm import Session, object_session

from bot.domain.clock import utcnow
from bot.domain.errors import NotAllowed
from bot.domain.kpis.focus import CreditedSum, FocusList, rank_all
from bot.domain.kpis.quarters import (
    QUARTERS_SHOWN,
    Quarter,
    bucket,
    last_quarters,
    local_today,
    start_instant,
    within,
)
from bot.domain.partners.names import vendor_name
from bot.domain.partners.service import is_owner, mentions, owners, require_side
from bot.domain.people import Actor
from storage.models import Partnership, Side
from storage.models.promises import OPEN_STATES, Promise, PromiseState
from storage.models.reviews import Review, ReviewStatus
from storage.models.rules import OPEN_PROPOSAL, Proposal, ProposalStatus, Rule, RuleStatus
from storage.models.wins import ProductLine, Win, WinCredit

if TYPE_CHECKING:
    from bot.domain.deals.kpis import DealFigures

NO_PRODUCT_LINE = "(no product line)"


@dataclass
class QuarterFigures:
    quarter: Quarter
    wins: int = 0
    revenue: dict[str, Decimal] = field(default_factory=dict)  # currency -> amount
    reviews_due: int = 0
    reviews_held: int = 0
    promises_due: int = 0
    promises_kept_on_time: int = 0
    promises_kept_late: int = 0
    promises_released: int = 0
    promises_overdue: int = 0
    rules_agreed: int = 0


@dataclass
class KpiReport:
    partnership: Partnership
    quarters: list[QuarterFigures]
    sections: set[str]  # which features have figures: wins, reviews, promises, rules
    product_lines: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    focus: list[FocusList] = field(default_factory=list)
    rules_in_force: int = 0
    proposals_pending: int = 0
    promises_open: int = 0
    deals: DealFigures | None = None

    @property
    def period(self) -> str:
        return f"{self.quarters[0].quarter.label} to {self.quarters[-1].quarter.label}"

    def total_revenue(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for q in self.quarters:
            for currency, amount in q.revenue.items():
                totals[currency] += amount
        return dict(sorted(totals.items()))


def require_internal(partnership: Partnership, actor: Actor) -> None:
    """KPIs are the vendor's own scorecard; the partner sees what an owner shares (an
    outsider is told nothing of the partnership)."""
    if require_side(partnership, actor) is not Side.VENDOR:
        session = object_session(partnership)
        vendor = vendor_name(session, partnership.vendor_team_id) if session else None
        raise NotAllowed(
            "The KPIs are {}'s own scorecard. Ask one of its owners "
            f"({mentions(owners(partnership))}) to share a summary in the channel.",
            quoting=(vendor or "the vendor",),
        )


def require_share(partnership: Partnership, actor: Actor) -> None:
    require_internal(partnership, actor)
    if not is_owner(partnership, actor.user_id):
        raise NotAllowed(
            "Only the partnership's owners decide to share the KPIs with the partner: "
            f"ask {mentions(owners(partnership))}."
        )


def cents(amount: Any) -> Any:
    """SUM-able whole cents: exact on PostgreSQL's NUMERIC and on SQLite's REAL storage."""
    return cast(func.round(amount * 100), BigInteger)


def from_cents(value: Any) -> Decimal:
    return Decimal(int(value or 0)) / 100


def counted_wins(pid: int, days: list[date]) -> ColumnElement[bool]:
    """The partnership's wins that stand (not withdrawn), closed in the period."""
    return and_(Win.partnership_id == pid, Win.deleted_at.is_(None), within(Win.closed_on, days))


def partner_credit_of(win_id: Any) -> Any:
    return exists().where(WinCredit.win_id == win_id, WinCredit.side == Side.PARTNER)


def _add_wins(session: Session, report: KpiReport, pid: int, days: list[date]) -> None:
    index = bucket(Win.closed_on, days)
    with_amount = and_(counted_wins(pid, days), Win.amount.is_not(None))
    rows = session.execute(
        select(index, Win.currency, func.count(), func.sum(cents(Win.amount)))
        .where(counted_wins(pid, days))
        .group_by(index, Win.currency)
    )
    for i, currency, count, total in rows:
        q = report.quarters[i]
        q.wins += int(count)
        if currency and total is not None:
            q.revenue[currency] = from_cents(total)

    lines: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for name, currency, total in session.execute(
        select(ProductLine.name, Win.currency, func.sum(cents(Win.amount)))
        .outerjoin(ProductLine, ProductLine.id == Win.product_line_id)
        .where(with_amount)
        .group_by(ProductLine.name, Win.currency)
    ):
        lines[name or NO_PRODUCT_LINE][currency] = from_cents(total)
    report.product_lines = dict(
        sorted(lines.items(), key=lambda item: (item[0] == NO_PRODUCT_LINE, item[0].casefold()))
    )

    # Each partner credit with how many partner reps its win credits (a window over the win),
    # so a shared win is split evenly afterwards (bot.domain.focus). One join, no self-join.
    credit = (
        select(
            WinCredit.user_id,
            Win.currency,
            cents(Win.amount).label("cents"),
            func.count().over(partition_by=WinCredit.win_id).label("reps"),
        )
        .join(Win, Win.id == WinCredit.win_id)
        .where(with_amount, WinCredit.side == Side.PARTNER)
        .subquery()
    )
    sums = [
        CreditedSum(user_id, currency, int(reps), from_cents(total), int(count))
        for user_id, currency, reps, total, count in session.execute(
            select(
                credit.c.user_id,
                credit.c.currency,
                credit.c.reps,
                func.sum(credit.c.cents),
                func.count(),
            ).group_by(credit.c.user_id, credit.c.currency, credit.c.reps)
        )
    ]
    uncredited = {
        currency: from_cents(total)
        for currency, total in session.execute(
            select(Win.currency, func.sum(cents(Win.amount)))
            .where(with_amount, ~partner_credit_of(Win.id))
            .group_by(Win.currency)
        )
    }
    report.focus = rank_all(sums, uncredited)
    report.sections.add("wins")


def _add_reviews(
    session: Session, report: KpiReport, pid: int, days: list[date], today: date
) -> None:
    index = bucket(Review.nominal_on, days)
    rows = session.execute(
        select(
            index,
            func.count(),
            func.sum(case((Review.status == ReviewStatus.HELD, 1), else_=0)),
        )
        .where(
            Review.partnership_id == pid,
            within(Review.nominal_on, days),
            Review.nominal_on <= today,
        )
        .group_by(index)
    )
    for i, due, held in rows:
        report.quarters[i].reviews_due = int(due)
        report.quarters[i].reviews_held = int(held or 0)
    report.sections.add("reviews")


def _add_promises(
    session: Session, report: KpiReport, pid: int, days: list[date], now: datetime
) -> None:
    index = bucket(Promise.due_date, days)
    kept = Promise.state == PromiseState.KEPT

    def count_if(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    rows = session.execute(
        select(
            index,
            func.count(),
            count_if(and_(kept, Promise.kept_on_time.is_(True))),
            count_if(and_(kept, Promise.kept_on_time.is_not(True))),
            count_if(Promise.state == PromiseState.RELEASED),
            count_if(and_(Promise.state.in_(OPEN_STATES), Promise.due_at <= now)),
        )
        .where(Promise.partnership_id == pid, within(Promise.due_date, days))
        .group_by(index)
    )
    for i, due, on_time, late, released, overdue in rows:
        q = report.quarters[i]
        q.promises_due, q.promises_kept_on_time = int(due), int(on_time or 0)
        q.promises_kept_late, q.promises_released = int(late or 0), int(released or 0)
        q.promises_overdue = int(overdue or 0)
    report.promises_open = int(
        session.scalar(
            select(func.count())
            .select_from(Promise)
            .where(Promise.partnership_id == pid, Promise.state.in_(OPEN_STATES))
        )
        or 0
    )
    report.sections.add("promises")


def _add_rules(session: Session, report: KpiReport, pid: int, instants: list[datetime]) -> None:
    index = bucket(Proposal.decided_at, instants)
    rows = session.execute(
        select(index, func.count())
        .where(
            Proposal.partnership_id == pid,
            Proposal.status == ProposalStatus.AGREED,
            within(Proposal.decided_at, instants),
        )
        .group_by(index)
    )
    for i, agreed in rows:
        report.quarters[i].rules_agreed = int(agreed)
    report.rules_in_force, report.proposals_pending = session.execute(
        select(
            select(func.count())
            .select_from(Rule)
            .where(Rule.partnership_id == pid, Rule.status == RuleStatus.IN_FORCE)
            .scalar_subquery(),
            select(func.count())
            .select_from(Proposal)
            .where(Proposal.partnership_id == pid, Proposal.status.in_(OPEN_PROPOSAL))
            .scalar_subquery(),
        )
    ).one()
    report.sections.add("rules")


def _add_deals(
    session: Session, report: KpiReport, days: list[date], instants: list[datetime]
) -> None:
    # Imported here: the deal KPIs build on this module's cents().
    from bot.domain.deals.kpis import deal_figures

    report.deals = deal_figures(
        session, report.partnership, instants[0], instants[-1], days[0], days[-1]
    )
    report.sections.add("deals")


def report(
    session: Session,
    partnership: Partnership,
    actor: Actor,
    *,
    now: datetime | None = None,
    quarters: int = QUARTERS_SHOWN,
) -> KpiReport:
    """The partnership's KPIs for the last ``quarters`` quarters (vendor side only)."""
    require_internal(partnership, actor)
    now = now or utcnow()
    tz = partnership.time_zone
    shown = last_quarters(local_today(tz, now), quarters)
    days = [q.start for q in shown] + [shown[-1].end]
    instants = [start_instant(d, tz) for d in days]
    result = KpiReport(
        partnership=partnership, quarters=[QuarterFigures(q) for q in shown], sections=set()
    )
    pid = partnership.id
    _add_wins(session, result, pid, days)
    _add_reviews(session, result, pid, days, local_today(tz, now))
    _add_promises(session, result, pid, days, now)
    _add_rules(session, result, pid, instants)
    _add_deals(session, result, days, instants)
    return result
