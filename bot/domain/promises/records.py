"""What promises add up to: the lists people read and the promise-keeping figures for KPIs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from bot.domain.partners.service import partnerships_of
from storage.models import OPEN_STATES, Partnership, Promise, PromiseState

MAX_LISTED = 40


@dataclass(frozen=True)
class PromiseList:
    """Open promises a person should see: their own, and all on partnerships they own."""

    mine: list[Promise]
    owned: list[Promise]  # others' promises on partnerships the person owns
    more: int  # how many were left out to keep the list readable


def open_promises_for(session: Session, user_id: str) -> PromiseList:
    owned_ids = [
        p.id
        for p in partnerships_of(session, user_id)
        if any(m.user_id == user_id and m.is_owner for m in p.members)
    ]
    visible = Promise.maker_id == user_id
    if owned_ids:
        visible = or_(visible, Promise.partnership_id.in_(owned_ids))
    rows = list(
        session.scalars(
            select(Promise)
            .where(Promise.state.in_(OPEN_STATES), visible)
            .order_by(Promise.due_at, Promise.id)
            .limit(MAX_LISTED + 1)
        )
    )
    total = session.scalar(
        select(func.count()).select_from(Promise).where(Promise.state.in_(OPEN_STATES), visible)
    )
    rows = rows[:MAX_LISTED]
    return PromiseList(
        mine=[p for p in rows if p.maker_id == user_id],
        owned=[p for p in rows if p.maker_id != user_id],
        more=max(0, int(total or 0) - len(rows)),
    )


MAX_OWED_SHOWN = 10


@dataclass(frozen=True)
class OwedToYou:
    """Promises made to a person (at the partner) and not closed yet, soonest due first:
    those made good wait for their confirmation."""

    promises: list[Promise]
    more: int

    @property
    def waiting_for_you(self) -> list[Promise]:
        return [p for p in self.promises if p.state is PromiseState.MADE_GOOD]


def owed_to(session: Session, user_id: str) -> OwedToYou:
    """The open promises owed to ``user_id``, in two queries whatever their number."""
    owed = and_(Promise.owed_to_id == user_id, Promise.state.in_(OPEN_STATES))
    rows = list(
        session.scalars(
            select(Promise)
            .where(owed)
            # made good first: the maker waits for this person's answer
            .order_by(
                case((Promise.state == PromiseState.MADE_GOOD, 0), else_=1),
                Promise.due_at,
                Promise.id,
            )
            .limit(MAX_OWED_SHOWN)
        )
    )
    total = session.scalar(select(func.count()).select_from(Promise).where(owed)) or 0
    return OwedToYou(rows, max(0, int(total) - len(rows)))


@dataclass(frozen=True)
class Keeping:
    """How promises were kept, for one maker or one partnership.

    kept_on_time: confirmed, and made good before the end of the due date; kept_late:
    confirmed, made good after it; overdue: still open past the due date; waiting: open and
    not due yet, or made good and waiting for the partner's confirmation; released: the
    partner let the maker off.
    """

    key: str | int
    kept_on_time: int
    kept_late: int
    overdue: int
    waiting: int
    released: int

    @property
    def total(self) -> int:
        return self.kept_on_time + self.kept_late + self.overdue + self.waiting + self.released

    @property
    def on_time_rate(self) -> float | None:
        """Share of decided promises (kept, or overdue) kept on time; None before any."""
        decided = self.kept_on_time + self.kept_late + self.overdue
        return self.kept_on_time / decided if decided else None


def promise_keeping(
    session: Session,
    now: datetime,
    *,
    by: Literal["maker", "partnership"] = "maker",
    partnership_id: int | None = None,
    vendor_team_id: str | None = None,
    since: datetime | None = None,
) -> list[Keeping]:
    """Promise-keeping figures per maker or per partnership, in one aggregate query.

    Narrow with ``partnership_id`` or ``vendor_team_id``; ``since`` counts promises made
    from then on.
    """
    kept = Promise.state == PromiseState.KEPT
    open_ = Promise.state.in_(OPEN_STATES)
    still_open = Promise.state == PromiseState.OPEN

    def count(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    group = Promise.maker_id if by == "maker" else Promise.partnership_id
    query = (
        select(
            group,
            count(and_(kept, Promise.kept_on_time.is_(True))),
            count(and_(kept, Promise.kept_on_time.is_not(True))),
            count(and_(still_open, Promise.due_at <= now)),
            count(and_(open_, or_(Promise.state != PromiseState.OPEN, Promise.due_at > now))),
            count(Promise.state == PromiseState.RELEASED),
        )
        .group_by(group)
        .order_by(group)
    )
    if partnership_id is not None:
        query = query.where(Promise.partnership_id == partnership_id)
    if vendor_team_id is not None:
        query = query.join(Partnership, Partnership.id == Promise.partnership_id).where(
            Partnership.vendor_team_id == vendor_team_id
        )
    if since is not None:
        query = query.where(Promise.made_at >= since)
    return [Keeping(row[0], *(int(v) for v in row[1:])) for row in session.execute(query)]
