"""The decision log of rule proposals and the primitives every decision uses.

The log is append-only; its unique key (proposal, version, person, kind) makes a repeated
click one row. Decisions on one proposal take turns on its locked row.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session, object_session

from bot.domain.clock import utcnow
from bot.domain.errors import NotAllowed, NotFound, collect
from bot.domain.fields import RuleField
from bot.domain.partners.names import vendor_name
from bot.domain.partners.service import may_approve, mentions, named_approvers, owners
from bot.domain.partners.service import require_side as side_in
from bot.domain.people import Actor
from storage.models import (
    OPEN_PROPOSAL,
    Decision,
    DecisionKind,
    Partnership,
    Proposal,
    ProposalStatus,
    Rule,
    RuleVersion,
    Side,
)
from storage.queries import insert_ignore

MAX_COMMENT = 1000


@dataclass(frozen=True)
class Decided:
    """What a decision did. ``changed`` is False for a repeat (a double click)."""

    proposal: Proposal
    kind: DecisionKind
    side: Side
    changed: bool
    agreed: Rule | None = None


def checked_comment(text: str, missing: str) -> str:
    text = text.strip()
    if not text:
        collect({RuleField.COMMENT: missing})
    if len(text) > MAX_COMMENT:
        collect({RuleField.COMMENT: f"Keep it under {MAX_COMMENT} characters."})
    return text


def require_approver(partnership: Partnership, actor: Actor) -> Side:
    """The actor's side, if they may approve rules for it; otherwise NotAllowed saying who may."""
    side = side_in(partnership, actor)
    if not may_approve(partnership, actor):
        named = named_approvers(partnership, side)
        raise NotAllowed(
            "Only the named rule approvers of {} can decide on "
            f"rules for your side: {mentions(named)}. Ask one of them, or ask an owner of the "
            f"partnership ({mentions(owners(partnership))}) to name you an approver too.",
            quoting=(side_label(partnership, side),),
        )
    return side


def side_label(partnership: Partnership, side: Side) -> str:
    """A side's company by name (the vendor's workspace, once partnerbot knows it)."""
    if side is Side.PARTNER:
        return partnership.partner_name
    session = object_session(partnership)
    vendor = vendor_name(session, partnership.vendor_team_id) if session is not None else None
    return vendor or "the vendor"


def lock(session: Session, proposal_id: int) -> Proposal:
    """The proposal, its row locked until commit, so decisions on it take turns."""
    if session.get_bind().dialect.name == "postgresql":
        found = session.scalar(
            select(Proposal.id).where(Proposal.id == proposal_id).with_for_update()
        )
    else:  # SQLite: the first write of a transaction takes the database's write lock
        found = session.execute(
            update(Proposal)
            .where(Proposal.id == proposal_id)
            .values(current_version=Proposal.current_version)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
    if not found:
        raise NotFound("That proposal no longer exists.")
    proposal = session.get(Proposal, proposal_id, populate_existing=True)
    assert proposal is not None
    session.refresh(proposal, ["versions"])
    return proposal


def current(proposal: Proposal) -> RuleVersion:
    return next(v for v in proposal.versions if v.number == proposal.current_version)


def record(
    session: Session,
    proposal: Proposal,
    actor: Actor,
    side: Side,
    kind: DecisionKind,
    comment: str | None = None,
) -> bool:
    """Append a decision on the current version; False if this very one is already there."""
    row = {
        "proposal_id": proposal.id,
        "version": proposal.current_version,
        "user_id": actor.user_id,
        "side": side,
        "kind": kind,
        "comment": comment,
        "decided_at": utcnow(),
    }
    # psycopg answers rowcount -1 (unknown) for this statement; 0 always means "already there".
    # Callers hold the proposal's lock and checked ``already`` first, so unknown means added.
    return insert_ignore(session, Decision, [row]) != 0


def already(session: Session, proposal: Proposal, actor: Actor, kind: DecisionKind) -> bool:
    return (
        session.scalar(
            select(Decision.id).where(
                Decision.proposal_id == proposal.id,
                Decision.version == proposal.current_version,
                Decision.user_id == actor.user_id,
                Decision.kind == kind,
            )
        )
        is not None
    )


def approving_sides(session: Session, proposal: Proposal) -> set[Side]:
    """The sides that approved the proposal's current version, from the stored log."""
    return set(
        session.scalars(
            select(Decision.side).where(
                Decision.proposal_id == proposal.id,
                Decision.version == proposal.current_version,
                Decision.kind == DecisionKind.APPROVE,
            )
        )
    )


def set_status(
    session: Session, proposal: Proposal, to: ProposalStatus, *, when: tuple[ProposalStatus, ...]
) -> bool:
    now = utcnow()
    values: dict[str, object] = {"status": to, "updated_at": now}
    if to not in OPEN_PROPOSAL:
        values["decided_at"] = now
    changed = session.execute(
        update(Proposal)
        .where(Proposal.id == proposal.id, Proposal.status.in_(when))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    session.refresh(proposal)
    return bool(changed)


def get_proposal(session: Session, proposal_id: int) -> Proposal:
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound("That proposal no longer exists.")
    return proposal
