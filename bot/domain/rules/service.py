"""Rules of engagement: proposing rules, replacements and retirements, amending, withdrawing.

Deciding on a proposal (approve, request changes, reject) is in ``decisions``; the
decision log in ``log``; reading the rulebook and histories in ``records``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.domain.clock import utcnow
from bot.domain.deals.terms import read_terms
from bot.domain.errors import Conflict, NotAllowed, NotFound, collect
from bot.domain.fields import RuleField
from bot.domain.partners.service import get_partnership, may_approve
from bot.domain.partners.service import require_side as side_in
from bot.domain.people import Actor
from bot.domain.rules import nudges as nudges
from bot.domain.rules.log import (
    Decided,
    checked_comment,
    current,
    get_proposal,
    lock,
    record,
    set_status,
)
from bot.domain.text import clean_line, clean_text
from storage.models import (
    OPEN_PROPOSAL,
    DecisionKind,
    Partnership,
    PartnershipStatus,
    Proposal,
    ProposalStatus,
    Rule,
    RuleCategory,
    RuleStatus,
    RuleVersion,
    Side,
)

MAX_TITLE = 150
MAX_TEXT = 2500


@dataclass(frozen=True)
class RuleForm:
    """What the proposal modal says: raw values, checked by ``propose`` and ``amend``."""

    title: str
    text: str
    category: str | None
    replaces_rule_id: int | None = None
    # A deal-registration rule's terms, as typed (all optional): see bot.domain.deals.terms.
    protection_days: str = ""
    decision_days: str = ""
    extendable: str | None = None


def _checked(form: RuleForm) -> tuple[str, str, RuleCategory]:
    errors: dict[str, str] = {}
    title, text = clean_line(form.title), clean_text(form.text)
    if not title:
        errors[RuleField.TITLE] = "Give the rule a short title, e.g. “Deal registration window”."
    elif len(title) > MAX_TITLE:
        errors[RuleField.TITLE] = f"Keep the title under {MAX_TITLE} characters."
    if not text:
        errors[RuleField.TEXT] = "Write the rule itself: what both sides agree to do."
    elif len(text) > MAX_TEXT:
        errors[RuleField.TEXT] = (
            f"Keep the rule under {MAX_TEXT} characters; split it into several rules."
        )
    category = None
    try:
        category = RuleCategory(form.category or "")
    except ValueError:
        errors[RuleField.CATEGORY] = "Pick a category."
    if category is not None:  # a deal-registration rule's terms
        errors |= read_terms(form.protection_days, form.decision_days, form.extendable, category)[1]
    collect(errors)
    assert category is not None
    return title, text, category


def _terms(form: RuleForm, category: RuleCategory) -> dict[str, Any] | None:
    """The deal-registration terms the form carries (checked by ``_checked``)."""
    terms, _ = read_terms(form.protection_days, form.decision_days, form.extendable, category)
    return terms


def _live(partnership: Partnership) -> None:
    if partnership.status is PartnershipStatus.ENDED:
        raise Conflict("This partnership has ended; its rules can no longer change.")


def _open_for(session: Session, rule: Rule) -> Proposal | None:
    return session.scalar(
        select(Proposal).where(Proposal.rule_id == rule.id, Proposal.status.in_(OPEN_PROPOSAL))
    )


def _rule_in(session: Session, partnership: Partnership, rule_id: int, field: str) -> Rule:
    rule = session.get(Rule, rule_id)
    if rule is None or rule.partnership_id != partnership.id:
        raise NotFound("That rule is not in this partnership's rulebook.", field=field)
    if rule.status is not RuleStatus.IN_FORCE:
        raise Conflict(f"{rule.label} has been retired; propose a new rule instead.", field=field)
    if _open_for(session, rule) is not None:
        raise Conflict(
            f"{rule.label} already has a proposal waiting for a decision in the channel. "
            "Decide on that one first.",
            field=field,
        )
    return rule


def _first_version_number(session: Session, rule: Rule | None) -> int:
    if rule is None:
        return 1
    top = session.scalar(
        select(func.max(RuleVersion.number))
        .join(Proposal, RuleVersion.proposal_id == Proposal.id)
        .where(Proposal.rule_id == rule.id)
    )
    return max(top or 0, rule.version) + 1


def _open(
    session: Session,
    partnership: Partnership,
    actor: Actor,
    side: Side,
    content: tuple[str, str, RuleCategory],
    rule: Rule | None,
    *,
    retires: bool,
    comment: str | None,
    terms: dict[str, Any] | None = None,
) -> Decided:
    now = utcnow()
    number = _first_version_number(session, rule)
    title, text, category = content
    proposal = Proposal(
        partnership_id=partnership.id,
        rule_id=rule.id if rule is not None else None,
        status=ProposalStatus.PENDING,
        current_version=number,
        proposed_by=actor.user_id,
        proposer_side=side,
        channel_id=partnership.channel_id,
        created_at=now,
        updated_at=now,
    )
    proposal.versions.append(
        RuleVersion(
            number=number,
            title=title,
            text=text,
            category=category,
            replaces_rule_id=rule.id if rule is not None else None,
            retires=retires,
            terms=terms,
            created_by=actor.user_id,
            created_at=now,
        )
    )
    session.add(proposal)
    session.flush()
    record(session, proposal, actor, side, DecisionKind.PROPOSE, comment)
    if may_approve(partnership, actor):
        record(session, proposal, actor, side, DecisionKind.APPROVE)
    nudges.schedule(session, proposal, partnership)
    return Decided(proposal, DecisionKind.PROPOSE, side, changed=True)


def propose(session: Session, partnership_id: int, form: RuleForm, actor: Actor) -> Decided:
    """Put a new rule, or a replacement for one in force, to both sides."""
    partnership = get_partnership(session, partnership_id)
    side = side_in(partnership, actor)
    _live(partnership)
    content = _checked(form)
    rule = None
    if form.replaces_rule_id is not None:
        rule = _rule_in(session, partnership, form.replaces_rule_id, RuleField.REPLACES)
    return _open(
        session,
        partnership,
        actor,
        side,
        content,
        rule,
        retires=False,
        comment=None,
        terms=_terms(form, content[2]),
    )


def propose_retirement(
    session: Session, partnership_id: int, rule_id: int, reason: str, actor: Actor
) -> Decided:
    """Propose taking a rule out of force; it stays in force until both sides agree."""
    partnership = get_partnership(session, partnership_id)
    side = side_in(partnership, actor)
    _live(partnership)
    reason = checked_comment(clean_text(reason), "Say why the rule should be retired.")
    rule = _rule_in(session, partnership, rule_id, RuleField.COMMENT)
    content = (rule.title, rule.text, rule.category)
    return _open(session, partnership, actor, side, content, rule, retires=True, comment=reason)


def _require_proposer(proposal: Proposal, actor: Actor, doing: str) -> None:
    if actor.user_id != proposal.proposed_by:
        raise NotAllowed(
            f"Only <@{proposal.proposed_by}>, who proposed this rule, can {doing}. Ask them, "
            "or request changes or reject it in the thread."
        )
    if proposal.status not in OPEN_PROPOSAL:
        raise Conflict(f"This proposal was already {proposal.status.value.replace('_', ' ')}.")


def may_amend(session: Session, proposal_id: int, actor: Actor) -> Proposal:
    """Check, without changing anything, that the actor may amend the proposal now."""
    proposal = get_proposal(session, proposal_id)
    _require_proposer(proposal, actor, "amend it")
    return proposal


def amend(session: Session, proposal_id: int, form: RuleForm, actor: Actor) -> Decided:
    """Put a new version forward; approvals of earlier versions no longer count."""
    proposal = lock(session, proposal_id)
    _require_proposer(proposal, actor, "amend it")
    partnership = get_partnership(session, proposal.partnership_id)
    side = side_in(partnership, actor)
    before = current(proposal)
    if before.retires:
        raise Conflict("A proposal to retire a rule can't be amended; withdraw it instead.")
    title, text, category = _checked(form)
    number = proposal.current_version + 1
    proposal.versions.append(
        RuleVersion(
            number=number,
            title=title,
            text=text,
            category=category,
            replaces_rule_id=before.replaces_rule_id,
            retires=False,
            terms=_terms(form, category),
            created_by=actor.user_id,
            created_at=utcnow(),
        )
    )
    proposal.current_version = number
    proposal.status = ProposalStatus.PENDING
    proposal.updated_at = utcnow()
    session.flush()
    record(session, proposal, actor, side, DecisionKind.AMEND)
    if may_approve(partnership, actor):
        record(session, proposal, actor, side, DecisionKind.APPROVE)
    nudges.cancel(session, proposal)
    nudges.schedule(session, proposal, partnership)
    return Decided(proposal, DecisionKind.AMEND, side, changed=True)


def withdraw(session: Session, proposal_id: int, actor: Actor, note: str | None = None) -> Decided:
    """The proposer takes the proposal back; nothing changes in the rulebook."""
    proposal = lock(session, proposal_id)
    _require_proposer(proposal, actor, "withdraw it")
    partnership = get_partnership(session, proposal.partnership_id)
    side = side_in(partnership, actor)
    record(session, proposal, actor, side, DecisionKind.WITHDRAW, clean_text(note) or None)
    set_status(session, proposal, ProposalStatus.WITHDRAWN, when=OPEN_PROPOSAL)
    nudges.cancel(session, proposal)
    return Decided(proposal, DecisionKind.WITHDRAW, side, changed=True)


def posted(session: Session, proposal_id: int, *, parent_ts: str | None, buttons_ts: str | None):
    """Remember where the proposal and its buttons are in the channel."""
    values = {k: v for k, v in (("parent_ts", parent_ts), ("buttons_ts", buttons_ts)) if v}
    if values:
        session.execute(
            update(Proposal)
            .where(Proposal.id == proposal_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
