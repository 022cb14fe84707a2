"""Deal registration's KPIs: how many deals partners register, how the vendor decides, and
what they bring.

For a period (the scorecard's four quarters): registrations made, decisions taken (approved
of decided, and the median time from registration to decision; decisions are read from the
registration's last decision, which the deciding service stamps), registrations the conflict
check flagged, partner-sourced revenue (wins linked to a registration, by their close date);
and now: the partner-sourced pipeline (approved registrations still open, by their estimated
amount) and, per partner rep, the time from the partnership's start to their first
registered deal. Every figure is an aggregate query (the median too, by a window over the
decisions), so the number of queries doesn't change with the number of registrations.
Amounts are per currency: partnerbot doesn't convert.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, exists, func, select
from sqlalchemy.orm import Session

from bot.domain.deals.crm import IMPORTER
from bot.domain.kpis.service import cents, from_cents
from storage.models import (
    ContactRole,
    DealConflict,
    Partnership,
    Registration,
    RegistrationStatus,
    Side,
)
from storage.models.wins import Win
from storage.queries import seconds_between

OPEN_APPROVED = (RegistrationStatus.APPROVED,)
WAITING = (RegistrationStatus.SUBMITTED, RegistrationStatus.MORE_INFO)


@dataclass(frozen=True)
class RepStart:
    """A partner rep's first registered deal in the partnership."""

    user_id: str
    first_at: datetime
    days: int  # calendar days from the partnership's start, in its time zone
    registrations: int


@dataclass
class DealFigures:
    registrations_total: int = 0  # ever, in the partnership
    registrations: int = 0  # registered in the period
    approved: int = 0  # decisions taken in the period
    rejected: int = 0
    median_decision: timedelta | None = None
    conflicts: int = 0  # registrations of the period the conflict check flagged
    pipeline: dict[str, Decimal] = field(default_factory=dict)  # approved, open: per currency
    pipeline_deals: int = 0  # approved and open, with or without an amount
    won: int = 0  # wins linked to a registration, closed in the period
    revenue: dict[str, Decimal] = field(default_factory=dict)
    reps: list[RepStart] = field(default_factory=list)  # by first registration
    reps_waiting: list[str] = field(default_factory=list)  # partner sales contacts with none

    @property
    def decided(self) -> int:
        return self.approved + self.rejected

    @property
    def approval_percent(self) -> int | None:
        """Approved of decided, in whole percent (None: nothing decided)."""
        if not self.decided:
            return None
        return round(100 * self.approved / self.decided)

    @property
    def median_rep_days(self) -> int | None:
        if not self.reps:
            return None
        days = sorted(r.days for r in self.reps)
        middle = len(days) // 2
        return days[middle] if len(days) % 2 else (days[middle - 1] + days[middle]) // 2


def decided_in(start: datetime, end: datetime) -> ColumnElement[bool]:
    """Registrations the vendor decided on (approved or rejected) in partnerbot in the period;
    a decision the CRM made arrives with an import and isn't counted."""
    return and_(
        Registration.decided_at >= start,
        Registration.decided_at < end,
        Registration.decided_by != IMPORTER,
    )


def _counts(
    session: Session, figures: DealFigures, pid: int, start: datetime, end: datetime
) -> None:
    in_period = and_(Registration.created_at >= start, Registration.created_at < end)
    flagged = exists().where(DealConflict.registration_id == Registration.id)
    decided = decided_in(start, end)
    rejected = Registration.status == RegistrationStatus.REJECTED

    def count_if(condition: ColumnElement[bool]) -> Any:
        return func.sum(case((condition, 1), else_=0))

    total, registered, conflicts, approved, refused = session.execute(
        select(
            func.count(),
            count_if(in_period),
            count_if(and_(in_period, flagged)),
            count_if(and_(decided, ~rejected)),
            count_if(and_(decided, rejected)),
        ).where(Registration.partnership_id == pid)
    ).one()
    figures.registrations_total = int(total or 0)
    figures.registrations, figures.conflicts = int(registered or 0), int(conflicts or 0)
    figures.approved, figures.rejected = int(approved or 0), int(refused or 0)


def _median_decision(
    session: Session, figures: DealFigures, pid: int, start: datetime, end: datetime
) -> None:
    """The median time from registration to decision, over the period's decisions: a window
    ranks the waits and the middle one (or two) is read, all in the database."""
    waits = (
        select(seconds_between(Registration.decided_at, Registration.created_at).label("s"))
        .where(Registration.partnership_id == pid, decided_in(start, end))
        .subquery()
    )
    ranked = select(
        waits.c.s,
        func.row_number().over(order_by=waits.c.s).label("rank"),
        func.count().over().label("n"),
    ).subquery()
    middle = session.scalar(
        select(func.avg(ranked.c.s)).where(
            ranked.c.rank >= (ranked.c.n + 1) // 2, ranked.c.rank <= (ranked.c.n + 2) // 2
        )
    )
    if middle is not None:
        figures.median_decision = timedelta(seconds=round(max(float(middle), 0)))


def _pipeline(session: Session, figures: DealFigures, pid: int) -> None:
    for currency, n, total in session.execute(
        select(Registration.currency, func.count(), func.sum(cents(Registration.amount)))
        .where(Registration.partnership_id == pid, Registration.status.in_(OPEN_APPROVED))
        .group_by(Registration.currency)
    ):
        figures.pipeline_deals += int(n)
        if currency and total is not None:
            figures.pipeline[currency] = from_cents(total)


def _revenue(session: Session, figures: DealFigures, pid: int, first: date, last: date) -> None:
    """Wins linked to a registration of the partnership, standing, closed in [first, last)."""
    for currency, n, total in session.execute(
        select(Win.currency, func.count(), func.sum(cents(Win.amount)))
        .join(Registration, Registration.win_id == Win.id)
        .where(
            Registration.partnership_id == pid,
            Win.deleted_at.is_(None),
            Win.closed_on >= first,
            Win.closed_on < last,
        )
        .group_by(Win.currency)
    ):
        figures.won += int(n)
        if currency and total is not None:
            figures.revenue[currency] = from_cents(total)


def _reps(session: Session, figures: DealFigures, partnership: Partnership) -> None:
    """Each partner rep's first registration, and the partner's sales contacts with none."""
    zone = ZoneInfo(partnership.time_zone)
    started = partnership.created_at.astimezone(zone).date()
    rows = session.execute(
        select(Registration.partner_rep, func.min(Registration.created_at), func.count())
        .where(Registration.partnership_id == partnership.id, Registration.partner_rep.is_not(None))
        .group_by(Registration.partner_rep)
    ).all()
    figures.reps = sorted(
        (
            RepStart(rep, first, max((first.astimezone(zone).date() - started).days, 0), int(n))
            for rep, first, n in rows
            if rep
        ),
        key=lambda r: (r.first_at, r.user_id),
    )
    have = {r.user_id for r in figures.reps}
    figures.reps_waiting = [
        m.user_id
        for m in partnership.members
        if m.side is Side.PARTNER and m.contact_role is ContactRole.SALES and m.user_id not in have
    ]


def deal_figures(
    session: Session,
    partnership: Partnership,
    start: datetime,
    end: datetime,
    first_day: date,
    end_day: date,
) -> DealFigures:
    """The partnership's deal KPIs for the period [start, end) (moments) and [first_day,
    end_day) (close dates): five queries whatever the number of registrations (one when
    there are none)."""
    figures = DealFigures()
    pid = partnership.id
    _counts(session, figures, pid, start, end)
    if not figures.registrations_total:
        figures.reps_waiting = [
            m.user_id
            for m in partnership.members
            if m.side is Side.PARTNER and m.contact_role is ContactRole.SALES
        ]
        return figures
    if figures.decided:
        _median_decision(session, figures, pid, start, end)
    _pipeline(session, figures, pid)
    _revenue(session, figures, pid, first_day, end_day)
    _reps(session, figures, partnership)
    return figures


@dataclass
class OpenDeals:
    """One partnership's open registrations, for the App Home."""

    waiting: int = 0  # for the vendor's decision, or the partner's answer
    approved: int = 0
    pipeline: dict[str, Decimal] = field(default_factory=dict)


def open_deals(session: Session, partnership_ids: list[int]) -> dict[int, OpenDeals]:
    """Registrations waiting and approved per partnership, with the approved amounts per
    currency: one grouped query for all of them."""
    found: dict[int, OpenDeals] = defaultdict(OpenDeals)
    if not partnership_ids:
        return {}
    for pid, status, currency, n, total in session.execute(
        select(
            Registration.partnership_id,
            Registration.status,
            Registration.currency,
            func.count(),
            func.sum(cents(Registration.amount)),
        )
        .where(
            Registration.partnership_id.in_(partnership_ids),
            Registration.status.in_((*WAITING, *OPEN_APPROVED)),
        )
        .group_by(Registration.partnership_id, Registration.status, Registration.currency)
    ):
        line = found[pid]
        if status in WAITING:
            line.waiting += int(n)
            continue
        line.approved += int(n)
        if currency and total is not None:
            line.pipeline[currency] = line.pipeline.get(currency, Decimal(0)) + from_cents(total)
    return dict(found)
