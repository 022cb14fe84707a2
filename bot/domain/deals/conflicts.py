"""The conflict check: is this account already claimed in any partnership of the vendor?

An account is claimed by a registration that is still active (submitted, waiting for an
answer, or approved) in a live partnership of the same vendor, or by one already won. It is
the same account when the name keys are equal, or the domains are (when both are known).
The check is one query on the vendor's (account key) and (account domain) indexes, however
many registrations there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bot.domain.clock import utcnow
from storage.models import (
    ACTIVE_REGISTRATION,
    ConflictReason,
    DealConflict,
    Partnership,
    PartnershipStatus,
    Registration,
    RegistrationStatus,
)

MAX_FOUND = 20  # a card lists this many; more are counted, not named


@dataclass(frozen=True)
class Found:
    """One registration that claims the same account."""

    registration_id: int
    partnership_id: int
    partnership_name: str  # the partner's name: what the vendor is shown of another partner
    number: int
    status: RegistrationStatus
    reason: ConflictReason
    win_id: int | None

    @property
    def label(self) -> str:
        return f"D-{self.number}"


def find_conflicts(
    session: Session,
    vendor_team_id: str,
    account_key: str,
    domain: str | None,
    exclude_id: int | None = None,
) -> list[Found]:
    """Registrations of this vendor that claim the account, the same partnership's first."""
    vendor_of = Registration.vendor_team_id == vendor_team_id
    # The vendor in each branch of the OR, so each is a search of its own index: SQLite plans
    # ``vendor AND (key OR domain)`` as a scan of all the vendor's registrations (48 ms instead
    # of 0.3 ms with 100,000 of them; benchmarks/deals.py).
    same = and_(vendor_of, Registration.account_key == account_key)
    if domain:
        same = or_(same, and_(vendor_of, Registration.account_domain == domain))
    claims = or_(
        and_(
            Registration.status.in_(ACTIVE_REGISTRATION),
            Partnership.status != PartnershipStatus.ENDED,
        ),
        Registration.status == RegistrationStatus.WON,
    )
    query = (
        select(Registration, Partnership.partner_name)
        .join(Partnership, Partnership.id == Registration.partnership_id)
        .where(same, claims)
        .order_by(Registration.created_at, Registration.id)
        .limit(MAX_FOUND)
    )
    if exclude_id is not None:
        query = query.where(Registration.id != exclude_id)
    found: list[Found] = []
    for other, name in session.execute(query):
        if other.status is RegistrationStatus.WON:
            reason = ConflictReason.ALREADY_WON
        elif other.account_key == account_key:
            reason = ConflictReason.SAME_ACCOUNT
        else:
            reason = ConflictReason.SAME_DOMAIN
        found.append(
            Found(
                registration_id=other.id,
                partnership_id=other.partnership_id,
                partnership_name=name,
                number=other.number,
                status=other.status,
                reason=reason,
                win_id=other.win_id,
            )
        )
    return found


def record_conflicts(
    session: Session, registration: Registration, found: list[Found], at: datetime | None = None
) -> list[DealConflict]:
    """Keep what the check found for a registration (each pair once)."""
    rows = [
        DealConflict(
            registration_id=registration.id,
            reason=f.reason,
            other_partnership_id=f.partnership_id,
            other_registration_id=f.registration_id,
            win_id=f.win_id,
            found_at=at or utcnow(),
        )
        for f in found
    ]
    session.add_all(rows)
    return rows


def conflicts_of(session: Session, registration_id: int) -> list[Found]:
    """What the check found when a registration was submitted, as the vendor is shown it
    (registrations since deleted are left out)."""
    rows = session.execute(
        select(DealConflict, Registration, Partnership.partner_name)
        .join(Registration, Registration.id == DealConflict.other_registration_id)
        .join(Partnership, Partnership.id == Registration.partnership_id)
        .where(DealConflict.registration_id == registration_id)
        .order_by(DealConflict.id)
        .limit(MAX_FOUND)
    )
    return [
        Found(
            registration_id=other.id,
            partnership_id=other.partnership_id,
            partnership_name=name,
            number=other.number,
            status=other.status,
            reason=conflict.reason,
            win_id=conflict.win_id,
        )
        for conflict, other, name in rows
    ]
