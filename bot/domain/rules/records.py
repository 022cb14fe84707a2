"""Reading rules of engagement: the rulebook in force, a rule's history, a proposal's state."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.errors import DomainError, NotFound
from bot.domain.partners.names import Sides, sides
from bot.domain.partners.service import get_partnership, named_approvers
from bot.domain.people import known
from storage.models import (
    Decision,
    DecisionKind,
    Partnership,
    Proposal,
    ProposalStatus,
    Rule,
    RuleStatus,
    RuleVersion,
    Side,
)

LABEL = re.compile(r"^\s*R\s*-?\s*(\d{1,6})\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Approver:
    """Who may still approve for a side: named people, or anyone on it (``anyone``)."""

    side: Side
    user_ids: list[str]
    anyone: bool


@dataclass(frozen=True)
class ProposalState:
    """Everything a proposal's messages show: its version, who approved, who is awaited."""

    proposal: Proposal
    partnership: Partnership
    version: RuleVersion
    rule: Rule | None
    approved_by: dict[Side, list[str]]
    waiting_for: list[Approver]
    decisions: list[Decision]
    sides: Sides
    names: dict[str, str] = field(default_factory=dict)

    def name(self, user_id: str) -> str:
        return self.names.get(user_id, user_id)

    def who(self, user_id: str, side: Side) -> str:
        """“Dana (Acme Resellers)”, “Terry TM (Globex)”: both sides named alike."""
        return self.sides.label(self.name(user_id), side)

    @property
    def last_comment(self) -> Decision | None:
        wanted = (DecisionKind.REQUEST_CHANGES, DecisionKind.REJECT)
        found = [d for d in self.decisions if d.kind in wanted]
        return found[-1] if found else None


def names_of(session: Session, user_ids: list[str]) -> dict[str, str]:
    return {u: p.name for u, p in known(session, list(set(user_ids))).items() if p.name}


def side_members(partnership: Partnership, side: Side) -> list[str]:
    """The people a side has on the partnership (owners, contacts), for nudges."""
    return [m.user_id for m in partnership.members if m.side is side]


def proposal_state(session: Session, proposal_id: int) -> ProposalState:
    proposal = session.get(Proposal, proposal_id, populate_existing=True)
    if proposal is None:
        raise NotFound("That proposal no longer exists.")
    session.refresh(proposal, ["versions"])
    partnership = get_partnership(session, proposal.partnership_id)
    version = next(v for v in proposal.versions if v.number == proposal.current_version)
    decisions = list(
        session.scalars(
            select(Decision)
            .where(Decision.proposal_id == proposal.id)
            .order_by(Decision.decided_at, Decision.id)
        )
    )
    approved: dict[Side, list[str]] = {Side.VENDOR: [], Side.PARTNER: []}
    for d in decisions:
        if d.kind is DecisionKind.APPROVE and d.version == proposal.current_version:
            approved[d.side].append(d.user_id)
    waiting = []
    if proposal.status is ProposalStatus.PENDING:
        for side in (Side.VENDOR, Side.PARTNER):
            if not approved[side]:
                named = named_approvers(partnership, side)
                waiting.append(
                    Approver(side, named or side_members(partnership, side), anyone=not named)
                )
    rule = session.get(Rule, proposal.rule_id) if proposal.rule_id is not None else None
    people = [proposal.proposed_by, *(d.user_id for d in decisions)]
    for approver in waiting:
        people += approver.user_ids
    return ProposalState(
        proposal=proposal,
        partnership=partnership,
        version=version,
        rule=rule,
        approved_by=approved,
        waiting_for=waiting,
        decisions=decisions,
        sides=sides(session, partnership),
        names=names_of(session, people),
    )


def rulebook(session: Session, partnership_id: int) -> list[Rule]:
    """The rules in force, by number."""
    return list(
        session.scalars(
            select(Rule)
            .where(Rule.partnership_id == partnership_id, Rule.status == RuleStatus.IN_FORCE)
            .order_by(Rule.number)
        )
    )


def parse_label(text: str) -> int:
    match = LABEL.match(text or "")
    if not match:
        raise DomainError(
            "“{}” is not a rule number. Use the number from the rulebook, e.g. "
            "`/roe show R-2` (`/roe list` shows them all).",
            quoting=((text or "").strip()[:80],),
        )
    return int(match.group(1))


def rule_numbered(session: Session, partnership_id: int, number: int) -> Rule:
    rule = session.scalar(
        select(Rule).where(Rule.partnership_id == partnership_id, Rule.number == number)
    )
    if rule is None:
        raise NotFound(f"There is no R-{number} in this partnership. `/roe list` shows the rules.")
    return rule


@dataclass(frozen=True)
class ProposalRecord:
    proposal: Proposal
    versions: list[RuleVersion]
    decisions: list[Decision]


@dataclass(frozen=True)
class RuleHistory:
    """A rule and every proposal that shaped it, oldest first, with each decision."""

    rule: Rule
    proposals: list[ProposalRecord]
    sides: Sides
    names: dict[str, str]

    def who(self, user_id: str, side: Side) -> str:
        """“Dana (Acme Resellers)”, “Terry TM (Globex)”."""
        return self.sides.label(self.names.get(user_id, user_id), side)


def history(session: Session, partnership_id: int, number: int) -> RuleHistory:
    rule = rule_numbered(session, partnership_id, number)
    partnership = get_partnership(session, partnership_id)
    proposals = list(
        session.scalars(
            select(Proposal).where(Proposal.rule_id == rule.id).order_by(Proposal.created_at)
        )
    )
    records = []
    people: list[str] = []
    for proposal in proposals:
        decisions = list(
            session.scalars(
                select(Decision)
                .where(Decision.proposal_id == proposal.id)
                .order_by(Decision.decided_at, Decision.id)
            )
        )
        people += [d.user_id for d in decisions]
        records.append(ProposalRecord(proposal, list(proposal.versions), decisions))
    return RuleHistory(rule, records, sides(session, partnership), names_of(session, people))


def replaceable(session: Session, partnership_id: int) -> list[Rule]:
    """Rules in force with no proposal open on them, for the modal's "replaces" choice."""
    busy = select(Proposal.rule_id).where(
        Proposal.rule_id.is_not(None),
        Proposal.status.in_((ProposalStatus.PENDING, ProposalStatus.CHANGES_REQUESTED)),
    )
    return [r for r in rulebook(session, partnership_id) if r.id not in set(session.scalars(busy))]


@dataclass(frozen=True)
class RuleActivity:
    """What happened to a partnership's rules since a moment, for the review agenda."""

    proposed: list[str]
    agreed: list[str]

    @property
    def proposed_count(self) -> int:
        return len(self.proposed)

    @property
    def agreed_count(self) -> int:
        return len(self.agreed)


def rule_activity_since(session: Session, partnership_id: int, since: datetime) -> RuleActivity:
    """Titles of proposals made, and of rules agreed (“R-3 Lead sharing”), since ``since``.

    A proposal made and agreed in that time is listed once, as agreed."""
    latest = (RuleVersion.proposal_id == Proposal.id) & (
        RuleVersion.number == Proposal.current_version
    )
    proposed = session.scalars(
        select(RuleVersion.title)
        .join(Proposal, latest)
        .where(
            Proposal.partnership_id == partnership_id,
            Proposal.created_at >= since,
            ~((Proposal.status == ProposalStatus.AGREED) & (Proposal.decided_at >= since)),
        )
        .order_by(Proposal.created_at)
    )
    agreed_rows = session.execute(
        select(Rule.number, RuleVersion.title, RuleVersion.retires)
        .join(Proposal, Proposal.rule_id == Rule.id)
        .join(RuleVersion, latest)
        .where(
            Proposal.partnership_id == partnership_id,
            Proposal.status == ProposalStatus.AGREED,
            Proposal.decided_at >= since,
        )
        .order_by(Proposal.decided_at)
    )
    agreed = [
        f"R-{number} {title}" + (" (retired)" if retires else "")
        for number, title, retires in agreed_rows
    ]
    return RuleActivity(proposed=list(proposed), agreed=agreed)
