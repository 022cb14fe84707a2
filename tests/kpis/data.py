"""Records for KPI tests, stored directly: what the other features would have stored."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from storage.models import Side
from storage.models.promises import Promise, PromiseState
from storage.models.reviews import Review, ReviewSchedule, ReviewStatus
from storage.models.rules import (
    Decision,
    DecisionKind,
    Proposal,
    ProposalStatus,
    Rule,
    RuleCategory,
    RuleStatus,
    RuleVersion,
)
from storage.models.wins import ProductLine, Win, WinCredit, WinKind

_keys = itertools.count(1)
AT = datetime(2026, 1, 1, tzinfo=UTC)


def product_line(session: Session, partnership_id: int, name: str) -> ProductLine:
    line = ProductLine(
        partnership_id=partnership_id,
        name=name,
        name_key=name.casefold(),
        created_by="U_TM",
        created_at=AT,
    )
    session.add(line)
    session.flush()
    return line


def win(
    session: Session,
    partnership_id: int,
    closed_on: date,
    amount: str | None,
    currency: str | None = "USD",
    *,
    partner: tuple[str, ...] = (),
    vendor: tuple[str, ...] = ("U_TM",),
    line: ProductLine | None = None,
    headline: str | None = None,
    withdrawn: bool = False,
) -> Win:
    key = next(_keys)
    row = Win(
        partnership_id=partnership_id,
        submission_key=f"V{key}",
        kind=WinKind.DEAL if amount else WinKind.MILESTONE,
        headline=headline or f"Win {key}",
        amount=Decimal(amount) if amount else None,
        currency=currency if amount else None,
        product_line_id=line.id if line else None,
        closed_on=closed_on,
        logged_by="U_TM",
        logged_by_side=Side.VENDOR,
        created_at=datetime.combine(closed_on, time(12), UTC),
        deleted_at=AT if withdrawn else None,
    )
    row.credits = [WinCredit(user_id=u, side=Side.PARTNER) for u in partner] + [
        WinCredit(user_id=u, side=Side.VENDOR) for u in vendor
    ]
    session.add(row)
    return row


def review(session: Session, partnership_id: int, nominal_on: date, status: ReviewStatus) -> Review:
    row = Review(
        partnership_id=partnership_id,
        nominal_on=nominal_on,
        due_at=datetime.combine(nominal_on, time(15), UTC),
        status=status,
        created_at=AT,
    )
    session.add(row)
    return row


def schedule(session: Session, partnership_id: int, next_due_at: datetime) -> ReviewSchedule:
    row = ReviewSchedule(
        partnership_id=partnership_id,
        every_weeks=2,
        weekday=1,
        at=time(10),
        anchor_on=date(2026, 1, 6),
        paused=False,
        next_on=next_due_at.date(),
        next_due_at=next_due_at,
        updated_by="U_TM",
        updated_at=AT,
    )
    session.add(row)
    return row


def promise(
    session: Session,
    partnership_id: int,
    due: date,
    state: PromiseState = PromiseState.OPEN,
    *,
    on_time: bool | None = None,
    maker: str = "U_TM",
    text: str = "Priority on the next lead",
) -> Promise:
    row = Promise(
        partnership_id=partnership_id,
        maker_id=maker,
        owed_to_id="U_DANA",
        raw_deal="We took the Acme deal direct",
        promise=text,
        due_date=due,
        due_at=datetime.combine(due + timedelta(days=1), time(5), UTC),
        time_zone="America/New_York",
        state=state,
        submission_key=f"P{next(_keys)}",
        made_at=AT,
        kept_on_time=on_time,
    )
    session.add(row)
    return row


def proposal(
    session: Session,
    partnership_id: int,
    title: str,
    status: ProposalStatus = ProposalStatus.PENDING,
    *,
    decided_at: datetime | None = None,
    proposed_by: str = "U_DANA",
    side: Side = Side.PARTNER,
) -> Proposal:
    row = Proposal(
        partnership_id=partnership_id,
        status=status,
        current_version=1,
        proposed_by=proposed_by,
        proposer_side=side,
        channel_id="C0SHARED",
        created_at=AT,
        updated_at=AT,
        decided_at=decided_at,
    )
    row.versions = [
        RuleVersion(
            number=1,
            title=title,
            text=f"{title}, as agreed.",
            category=RuleCategory.DEAL_REGISTRATION,
            created_by=proposed_by,
            created_at=AT,
        )
    ]
    session.add(row)
    session.flush()
    # The proposer's proposal counts as their side's approval, as the rules feature records it.
    session.add(
        Decision(
            proposal_id=row.id,
            version=1,
            user_id=proposed_by,
            side=side,
            kind=DecisionKind.APPROVE,
            decided_at=AT,
        )
    )
    return row


def rule(session: Session, partnership_id: int, number: int, title: str) -> Rule:
    row = Rule(
        partnership_id=partnership_id,
        number=number,
        status=RuleStatus.IN_FORCE,
        title=title,
        text=title,
        category=RuleCategory.DEAL_REGISTRATION,
        version=1,
        agreed_at=AT,
        updated_at=AT,
    )
    session.add(row)
    return row
