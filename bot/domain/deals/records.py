"""Reading registrations back: what a registration's card shows, and what its approvers see.

The card sits in the channel both organizations share, so it names only what both may read:
registrations of the same partnership it overlaps. Which other partnerships claim the same
account is for the vendor's approvers (``Card.elsewhere``), never for the card.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.deals.conflicts import Found, conflicts_of
from bot.domain.deals.service import UNDECIDED, approvers, get_registration
from bot.domain.deals.terms import Terms, from_json, terms_for
from bot.domain.partners.names import Sides, sides
from bot.domain.partners.service import get_partnership
from storage.models import (
    DealChange,
    DealChangeKind,
    Partnership,
    ProductLine,
    Proposal,
    ProposalStatus,
    Registration,
    RegistrationStatus,
    Rule,
    RuleVersion,
)


@dataclass(frozen=True)
class Card:
    """Everything a registration's card and its decision notes show."""

    registration: Registration
    partnership: Partnership
    terms: Terms  # those in force while undecided; those the decision cited once decided
    product_line: str | None
    approvers: list[str]
    decide_by: datetime | None  # while waiting for the vendor
    names: Sides  # both companies, as the card names them
    conflicts: list[Found] = field(default_factory=list)
    asked_by: str | None = None  # while the vendor's question waits for an answer

    @property
    def here(self) -> list[Found]:
        """Overlapping registrations of this same partnership (both sides may see them)."""
        return [f for f in self.conflicts if f.partnership_id == self.partnership.id]

    @property
    def elsewhere(self) -> list[Found]:
        """Overlapping registrations with other partners: for the vendor's approvers only."""
        return [f for f in self.conflicts if f.partnership_id != self.partnership.id]

    @property
    def needs_review(self) -> bool:
        return bool(self.conflicts)


def waiting_since(session: Session, registration: Registration) -> datetime:
    """When the registration began waiting for the vendor: when it was registered, or when the
    partner last answered a question."""
    answered = session.scalar(
        select(DealChange.changed_at)
        .where(
            DealChange.registration_id == registration.id,
            DealChange.kind == DealChangeKind.ANSWERED,
        )
        .order_by(DealChange.changed_at.desc())
        .limit(1)
    )
    return answered or registration.created_at


def applied_terms(session: Session, registration: Registration) -> Terms:
    """The terms a decision applied (the rule version it cited), or those in force now."""
    if registration.status in UNDECIDED or registration.decided_at is None:
        return terms_for(session, registration.partnership_id)
    if registration.rule_number is None:
        return Terms()
    rule = session.scalar(
        select(Rule).where(
            Rule.partnership_id == registration.partnership_id,
            Rule.number == registration.rule_number,
        )
    )
    cited = None
    if rule is not None and rule.version == registration.rule_version:
        cited = from_json(rule.terms, rule.number, rule.version)
    elif rule is not None:  # a later version changed the rule: read the version cited
        version = session.scalar(
            select(RuleVersion)
            .join(Proposal, Proposal.id == RuleVersion.proposal_id)
            .where(
                Proposal.rule_id == rule.id,
                Proposal.status == ProposalStatus.AGREED,
                RuleVersion.number == registration.rule_version,
            )
            .limit(1)
        )
        if version is not None:
            cited = from_json(version.terms, rule.number, registration.rule_version)
    return cited or Terms(
        rule_number=registration.rule_number, rule_version=registration.rule_version
    )


def card(session: Session, registration_id: int) -> Card:
    """A registration's card, from the database."""
    registration = get_registration(session, registration_id)
    partnership = get_partnership(session, registration.partnership_id)
    terms = applied_terms(session, registration)
    line = (
        session.get(ProductLine, registration.product_line_id)
        if registration.product_line_id
        else None
    )
    due = None
    if registration.status in UNDECIDED:
        due = terms.decide_by(waiting_since(session, registration), partnership)
    asked = None
    if registration.status is RegistrationStatus.MORE_INFO:
        question = last_change(session, registration.id, DealChangeKind.ASKED)
        asked = question.changed_by if question is not None else None
    return Card(
        registration=registration,
        partnership=partnership,
        terms=terms,
        product_line=line.name if line else None,
        approvers=approvers(partnership),
        decide_by=due,
        names=sides(session, partnership),
        conflicts=conflicts_of(session, registration.id),
        asked_by=asked,
    )


def last_change(session: Session, registration_id: int, kind: DealChangeKind) -> DealChange | None:
    return session.scalar(
        select(DealChange)
        .where(DealChange.registration_id == registration_id, DealChange.kind == kind)
        .order_by(DealChange.id.desc())
        .limit(1)
    )
