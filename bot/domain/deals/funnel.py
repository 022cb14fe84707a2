"""Reading the shared funnel: the open registrations that matter most, and a deal's history.

What matters most comes first: the largest amounts, then those closing soonest. partnerbot
has no exchange rates, so amounts are compared within one currency: the partnership's most
used one first, the others after it (by currency code), deals without an amount last. A deal
whose stage, amount and close date nobody touched for ``STALE_AFTER`` is stale and flagged.
Every read here is a fixed number of queries however large the funnel is (an index on
(partnership, status) finds the open ones).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.domain.deals.changes import OPEN
from storage.models import DealChange, Registration

STALE_AFTER = timedelta(days=30)
PAGE_SIZE = 20
MAX_HISTORY = 80  # changes a history view lists (the newest); older ones are counted


def is_stale(registration: Registration, now: datetime) -> bool:
    return registration.updated_at < now - STALE_AFTER


def days_since_update(registration: Registration, now: datetime) -> int:
    return max(0, (now - registration.updated_at).days)


@dataclass(frozen=True)
class FunnelPage:
    """One page of a partnership's open registrations, in the order that matters most."""

    registrations: list[Registration]
    total: int  # open registrations in all
    stale: int  # of which stale
    page: int  # 0-based
    per_page: int
    now: datetime

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """The 1-based position of this page's first registration."""
        return self.page * self.per_page + 1


def main_currency(session: Session, partnership_id: int) -> str | None:
    """The currency most of the partnership's open registrations are in."""
    count = func.count(Registration.id)
    return session.scalar(
        select(Registration.currency)
        .where(
            Registration.partnership_id == partnership_id,
            Registration.status.in_(OPEN),
            Registration.currency.is_not(None),
        )
        .group_by(Registration.currency)
        .order_by(count.desc(), Registration.currency)
        .limit(1)
    )


def _order(main: str | None) -> list:
    return [
        case(
            (Registration.amount.is_(None), 2),
            (Registration.currency == main, 0),
            else_=1,
        ),
        Registration.currency,
        Registration.amount.desc(),
        Registration.close_on,
        Registration.number,
    ]


def funnel_page(
    session: Session,
    partnership_id: int,
    now: datetime,
    page: int = 0,
    per_page: int = PAGE_SIZE,
) -> FunnelPage:
    """Page ``page`` of the open registrations (three queries, whatever the funnel's size)."""
    where = (Registration.partnership_id == partnership_id, Registration.status.in_(OPEN))
    total, stale = session.execute(
        select(
            func.count(Registration.id),
            func.coalesce(
                func.sum(case((Registration.updated_at < now - STALE_AFTER, 1), else_=0)), 0
            ),
        ).where(*where)
    ).one()
    pages = max(1, -(-int(total) // per_page))
    page = min(max(page, 0), pages - 1)
    rows = list(
        session.scalars(
            select(Registration)
            .where(*where)
            .order_by(*_order(main_currency(session, partnership_id)))
            .offset(page * per_page)
            .limit(per_page)
        )
    )
    return FunnelPage(rows, int(total), int(stale), page, per_page, now)


@dataclass(frozen=True)
class History:
    """A registration's changes, newest first, and how many older ones are left out."""

    changes: list[DealChange]
    more: int


def history(session: Session, registration_id: int, limit: int = MAX_HISTORY) -> History:
    total = session.scalar(
        select(func.count(DealChange.id)).where(DealChange.registration_id == registration_id)
    )
    changes = list(
        session.scalars(
            select(DealChange)
            .where(DealChange.registration_id == registration_id)
            .order_by(DealChange.changed_at.desc(), DealChange.id.desc())
            .limit(limit)
        )
    )
    return History(changes, max(0, int(total or 0) - len(changes)))
