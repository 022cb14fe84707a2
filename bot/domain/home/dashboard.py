"""What a person's App Home shows: their partnerships and what waits for them.

A fixed number of queries whatever the data size: one per section, each over all of the
person's partnerships at once (grouped by partnership), each bounded by a LIMIT.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Exists, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from bot.domain.clock import utcnow
from bot.domain.deals.kpis import OpenDeals, open_deals
from bot.domain.kpis.quarters import last_quarters, local_today, quarter_of
from bot.domain.kpis.service import cents, from_cents
from bot.domain.partners.names import UNKNOWN_VENDOR, Sides
from bot.domain.partners.service import may_approve, partnerships_of, side_of
from bot.domain.people import Actor, known
from bot.domain.promises.records import OwedToYou, owed_to
from storage.models import Partnership, Side, Workspace
from storage.models.promises import OPEN_STATES, Promise, PromiseState
from storage.models.reviews import Review, ReviewSchedule, ReviewStatus
from storage.models.rules import Decision, DecisionKind, Proposal, ProposalStatus, RuleVersion
from storage.models.wins import Win

MAX_PARTNERSHIPS = 15
MAX_PROMISES = 10
MAX_APPROVALS = 10
MAX_WINS = 5
ADHERENCE_QUARTERS = 4


@dataclass
class PartnershipLine:
    partnership: Partnership
    side: Side | None
    next_review_at: datetime | None = None
    reviews_due: int = 0
    reviews_held: int = 0
    wins_this_quarter: int = 0
    names: Sides | None = None  # both companies' names


@dataclass(frozen=True)
class PromiseLine:
    promise_id: int
    partner_name: str
    owed_to: str
    text: str
    due_date: date
    overdue: bool
    awaiting_confirmation: bool


@dataclass(frozen=True)
class ApprovalLine:
    proposal_id: int
    version: int
    partner_name: str
    channel_id: str
    title: str
    proposed_by: str


@dataclass(frozen=True)
class WinLine:
    partner_name: str
    headline: str
    amount: Decimal | None
    currency: str | None
    closed_on: date


@dataclass
class Dashboard:
    user_id: str
    team_id: str | None
    tz: str
    partnerships: list[PartnershipLine]
    more_partnerships: int = 0
    promises: list[PromiseLine] = field(default_factory=list)
    more_promises: int = 0
    overdue_promises: int = 0
    approvals: list[ApprovalLine] = field(default_factory=list)
    more_approvals: bool = False
    recent_wins: list[WinLine] = field(default_factory=list)
    deals: dict[int, OpenDeals] = field(default_factory=dict)  # by partnership, open ones
    sections: set[str] = field(default_factory=set)
    # The person is in a workspace that installed partnerbot: they can link a channel.
    can_link: bool = False
    owed_to_you: OwedToYou | None = None  # promises made to them (at the partner)
    as_of: datetime | None = None


def _names(session: Session, board: Dashboard, lines: dict[int, PartnershipLine]) -> None:
    """Both companies' names for each partnership, and whether the person's own workspace
    installed partnerbot: one query over every workspace concerned."""
    teams = {line.partnership.vendor_team_id for line in lines.values()}
    if board.team_id:
        teams.add(board.team_id)
    if not teams:
        return
    named = dict(
        session.execute(
            select(Workspace.team_id, Workspace.name).where(
                Workspace.team_id.in_(teams), Workspace.active.is_(True)
            )
        ).all()
    )
    board.can_link = board.team_id in named
    for line in lines.values():
        vendor = named.get(line.partnership.vendor_team_id)
        line.names = Sides(
            vendor=vendor or UNKNOWN_VENDOR,
            partner=line.partnership.partner_name,
            vendor_known=bool(vendor),
        )


def _next_reviews(session: Session, lines: dict[int, PartnershipLine]) -> None:
    rows = session.execute(
        select(ReviewSchedule.partnership_id, ReviewSchedule.next_due_at).where(
            ReviewSchedule.partnership_id.in_(lines), ReviewSchedule.paused.is_(False)
        )
    )
    for pid, due_at in rows:
        lines[pid].next_review_at = due_at


def _adherence(session: Session, lines: dict[int, PartnershipLine], now: datetime) -> None:
    """Reviews held of those due since the start of the quarter three quarters back."""
    starts = {
        pid: last_quarters(local_today(line.partnership.time_zone, now), ADHERENCE_QUARTERS)[
            0
        ].start
        for pid, line in lines.items()
    }
    since = case(starts, value=Review.partnership_id)
    rows = session.execute(
        select(
            Review.partnership_id,
            func.count(),
            func.sum(case((Review.status == ReviewStatus.HELD, 1), else_=0)),
        )
        .where(
            Review.partnership_id.in_(lines),
            Review.nominal_on >= since,
            Review.due_at <= now,
        )
        .group_by(Review.partnership_id)
    )
    for pid, due, held in rows:
        lines[pid].reviews_due, lines[pid].reviews_held = int(due), int(held or 0)


def _wins(session: Session, board: Dashboard, lines: dict[int, PartnershipLine], now: datetime):
    """Wins this quarter (each partnership's own quarter, in its zone) and the latest wins."""
    starts = {
        pid: quarter_of(local_today(line.partnership.time_zone, now)).start
        for pid, line in lines.items()
    }
    standing = and_(Win.partnership_id.in_(lines), Win.deleted_at.is_(None))
    for pid, count in session.execute(
        select(Win.partnership_id, func.count())
        .where(standing, Win.closed_on >= case(starts, value=Win.partnership_id))
        .group_by(Win.partnership_id)
    ):
        lines[pid].wins_this_quarter = int(count)
    board.recent_wins = [
        WinLine(
            name,
            headline,
            from_cents(amount) if amount is not None else None,
            currency,
            closed_on,
        )
        for name, headline, amount, currency, closed_on in session.execute(
            select(
                Partnership.partner_name,
                Win.headline,
                cents(Win.amount),
                Win.currency,
                Win.closed_on,
            )
            .join(Partnership, Partnership.id == Win.partnership_id)
            .where(standing)
            .order_by(Win.closed_on.desc(), Win.id.desc())
            .limit(MAX_WINS)
        )
    ]
    board.sections.add("wins")


def _approvals(session: Session, board: Dashboard, lines: dict[int, PartnershipLine]) -> None:
    """Pending proposals whose current version still needs the person's side to approve."""
    team = board.team_id or ""
    eligible: dict[Side, list[int]] = {Side.VENDOR: [], Side.PARTNER: []}
    for pid, line in lines.items():
        if line.side is not None and may_approve(line.partnership, Actor(board.user_id, team)):
            eligible[line.side].append(pid)

    def side_approved(side: Side) -> Exists:
        return exists().where(
            Decision.proposal_id == Proposal.id,
            Decision.version == Proposal.current_version,
            Decision.kind == DecisionKind.APPROVE,
            Decision.side == side,
        )

    if not any(eligible.values()):
        board.sections.add("rules")
        return
    waiting = or_(
        *[
            and_(Proposal.partnership_id.in_(pids), ~side_approved(side))
            for side, pids in eligible.items()
            if pids
        ]
    )
    rows = session.execute(
        select(
            Proposal.id,
            Proposal.current_version,
            Partnership.partner_name,
            Partnership.channel_id,
            RuleVersion.title,
            Proposal.proposed_by,
        )
        .join(Partnership, Partnership.id == Proposal.partnership_id)
        .join(
            RuleVersion,
            and_(
                RuleVersion.proposal_id == Proposal.id,
                RuleVersion.number == Proposal.current_version,
            ),
        )
        .where(Proposal.status == ProposalStatus.PENDING, waiting)
        .order_by(Proposal.created_at, Proposal.id)
        .limit(MAX_APPROVALS + 1)
    ).all()
    board.approvals = [ApprovalLine(*row) for row in rows[:MAX_APPROVALS]]
    board.more_approvals = len(rows) > MAX_APPROVALS
    board.sections.add("rules")


def _promises(session: Session, board: Dashboard, now: datetime) -> None:
    mine = and_(Promise.maker_id == board.user_id, Promise.state.in_(OPEN_STATES))
    total, overdue = session.execute(
        select(func.count(), func.sum(case((Promise.due_at <= now, 1), else_=0))).where(mine)
    ).one()
    rows = session.execute(
        select(Promise, Partnership.partner_name)
        .join(Partnership, Partnership.id == Promise.partnership_id)
        .where(mine)
        .order_by(Promise.due_at, Promise.id)
        .limit(MAX_PROMISES)
    )
    board.promises = [
        PromiseLine(
            promise_id=p.id,
            partner_name=name,
            owed_to=p.owed_to_id,
            text=p.promise,
            due_date=p.due_date,
            overdue=p.due_at <= now,
            awaiting_confirmation=p.state is PromiseState.MADE_GOOD,
        )
        for p, name in rows
    ]
    board.more_promises = max(0, int(total or 0) - len(board.promises))
    board.overdue_promises = int(overdue or 0)
    board.sections.add("promises")


def _deals(session: Session, board: Dashboard, lines: dict[int, PartnershipLine]) -> None:
    """Registrations waiting for a decision and approved ones, per partnership."""
    board.deals = open_deals(session, list(lines))
    board.sections.add("deals")


def dashboard(session: Session, user_id: str, now: datetime | None = None) -> Dashboard:
    """Everything the person's App Home shows, in a bounded number of queries."""
    now = now or utcnow()
    person = known(session, [user_id]).get(user_id)
    team_id = person.team_id if person else None
    tz = (person.tz if person else None) or "UTC"
    mine = partnerships_of(session, user_id)
    lines = {p.id: PartnershipLine(p, side_of(p, team_id)) for p in mine[:MAX_PARTNERSHIPS]}
    board = Dashboard(
        user_id=user_id,
        team_id=team_id,
        tz=tz,
        partnerships=list(lines.values()),
        more_partnerships=max(0, len(mine) - MAX_PARTNERSHIPS),
    )
    _names(session, board, lines)
    if lines:
        _next_reviews(session, lines)
        _adherence(session, lines, now)
        board.sections.add("reviews")
        _wins(session, board, lines, now)
        _approvals(session, board, lines)
        _deals(session, board, lines)
    _promises(session, board, now)
    board.owed_to_you = owed_to(session, user_id)
    board.as_of = now
    return board
