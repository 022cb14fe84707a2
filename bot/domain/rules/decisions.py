"""Deciding on a rule proposal: approve, request changes, reject.

A proposal is agreed when an eligible approver of each side has approved its current
version. Agreement is computed from the stored log while the proposal's row is locked, and a
guarded ``UPDATE ... WHERE status = 'pending'`` lets exactly one transaction put the rule in
force, however many approvals arrive at once.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.clock import utcnow
from bot.domain.errors import Conflict, NotAllowed
from bot.domain.partners.service import get_partnership
from bot.domain.people import Actor
from bot.domain.rules import nudges as nudges
from bot.domain.rules.log import (
    Decided,
    already,
    approving_sides,
    checked_comment,
    current,
    get_proposal,
    lock,
    record,
    require_approver,
    set_status,
)
from storage.models import (
    OPEN_PROPOSAL,
    DecisionKind,
    Partnership,
    Proposal,
    ProposalStatus,
    Rule,
    RuleStatus,
    Side,
)


def _next_number(session: Session, partnership: Partnership) -> int:
    if session.get_bind().dialect.name == "postgresql":
        # Two proposals agreed at once in one partnership take numbers in turn.
        session.scalar(
            select(Partnership.id).where(Partnership.id == partnership.id).with_for_update()
        )
    top = session.scalar(select(func.max(Rule.number)).where(Rule.partnership_id == partnership.id))
    return (top or 0) + 1


def _put_in_force(session: Session, proposal: Proposal) -> Rule:
    """Turn an agreed proposal into the rulebook: a new rule, a new version, or a retirement."""
    version = current(proposal)
    now = utcnow()
    if proposal.rule_id is None:
        partnership = get_partnership(session, proposal.partnership_id)
        rule = Rule(
            partnership_id=proposal.partnership_id,
            number=_next_number(session, partnership),
            status=RuleStatus.IN_FORCE,
            title=version.title,
            text=version.text,
            category=version.category,
            terms=version.terms,
            version=version.number,
            agreed_at=now,
            updated_at=now,
        )
        session.add(rule)
        session.flush()
        proposal.rule_id = rule.id
        return rule
    existing = session.get(Rule, proposal.rule_id)
    assert existing is not None
    if version.retires:
        existing.status, existing.retired_at = RuleStatus.RETIRED, now
    else:
        existing.title, existing.text = version.title, version.text
        existing.category, existing.version = version.category, version.number
        existing.terms = version.terms
        existing.agreed_at = now
    existing.updated_at = now
    return existing


def _settle(session: Session, proposal: Proposal) -> Rule | None:
    """Agree the proposal if both sides approved its current version; the rule if it did."""
    if approving_sides(session, proposal) != {Side.VENDOR, Side.PARTNER}:
        return None
    if not set_status(session, proposal, ProposalStatus.AGREED, when=(ProposalStatus.PENDING,)):
        return None
    rule = _put_in_force(session, proposal)
    nudges.cancel(session, proposal)
    session.flush()
    return rule


def _check_decidable(proposal: Proposal, version: int, kind: DecisionKind) -> None:
    # An approval of the agreed version that arrived with the deciding one still counts.
    late_approval = kind is DecisionKind.APPROVE and version == proposal.current_version
    if proposal.status is ProposalStatus.AGREED and not late_approval:
        raise Conflict("This proposal has already been agreed by both sides.")
    if proposal.status in (ProposalStatus.REJECTED, ProposalStatus.WITHDRAWN):
        raise Conflict(f"This proposal was {proposal.status.value}; there is nothing to decide.")
    if version != proposal.current_version:
        raise Conflict(
            f"Those buttons are for version {version}, but the proposal has been amended to "
            f"version {proposal.current_version}. Use the buttons under the latest version in "
            "the thread."
        )
    if kind is DecisionKind.APPROVE and proposal.status is ProposalStatus.CHANGES_REQUESTED:
        raise Conflict(
            "Changes were requested on this version. Wait for the proposer to amend it, then "
            "approve the new version."
        )


def may_decide(
    session: Session, proposal_id: int, version: int, actor: Actor, kind: DecisionKind
) -> Proposal:
    """Check, without changing anything, that the actor may make this decision now."""
    proposal = get_proposal(session, proposal_id)
    partnership = get_partnership(session, proposal.partnership_id)
    require_approver(partnership, actor)
    if kind in (DecisionKind.REJECT, DecisionKind.REQUEST_CHANGES):
        _not_the_proposer(proposal, actor)
    _check_decidable(proposal, version, kind)
    return proposal


def _not_the_proposer(proposal: Proposal, actor: Actor) -> None:
    if actor.user_id == proposal.proposed_by:
        raise NotAllowed(
            "You proposed this rule: use Amend to change it, or Withdraw to take it back."
        )


def _decide(
    session: Session,
    proposal_id: int,
    version: int,
    actor: Actor,
    kind: DecisionKind,
    comment: str | None = None,
) -> tuple[Proposal, Side, bool]:
    proposal = lock(session, proposal_id)
    partnership = get_partnership(session, proposal.partnership_id)
    side = require_approver(partnership, actor)
    if kind is not DecisionKind.APPROVE:
        _not_the_proposer(proposal, actor)
    if version == proposal.current_version and already(session, proposal, actor, kind):
        return proposal, side, False
    _check_decidable(proposal, version, kind)
    return proposal, side, record(session, proposal, actor, side, kind, comment)


def approve(session: Session, proposal_id: int, version: int, actor: Actor) -> Decided:
    """Approve a version for the actor's side; agreed once both sides have approved it."""
    proposal, side, changed = _decide(session, proposal_id, version, actor, DecisionKind.APPROVE)
    rule = _settle(session, proposal) if changed else None
    return Decided(proposal, DecisionKind.APPROVE, side, changed, agreed=rule)


def request_changes(
    session: Session, proposal_id: int, version: int, actor: Actor, comment: str
) -> Decided:
    """Ask the proposer to amend; approval pauses until a new version is put forward."""
    comment = checked_comment(comment, "Say what should change.")
    proposal, side, changed = _decide(
        session, proposal_id, version, actor, DecisionKind.REQUEST_CHANGES, comment
    )
    if changed:
        set_status(
            session, proposal, ProposalStatus.CHANGES_REQUESTED, when=(ProposalStatus.PENDING,)
        )
        nudges.cancel(session, proposal)
    return Decided(proposal, DecisionKind.REQUEST_CHANGES, side, changed)


def reject(session: Session, proposal_id: int, version: int, actor: Actor, reason: str) -> Decided:
    """Turn the proposal down for good, with a reason."""
    reason = checked_comment(reason, "Give a reason, so the other side knows why.")
    proposal, side, changed = _decide(
        session, proposal_id, version, actor, DecisionKind.REJECT, reason
    )
    if changed:
        if not set_status(session, proposal, ProposalStatus.REJECTED, when=OPEN_PROPOSAL):
            raise Conflict("Someone decided on this proposal a moment ago; nothing was changed.")
        nudges.cancel(session, proposal)
    return Decided(proposal, DecisionKind.REJECT, side, changed)
