"""Registrations for the deal KPI tests, stored directly: what registering, deciding and
marking won would have stored, on chosen days."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from storage.models import (
    ConflictReason,
    DealChange,
    DealChangeKind,
    DealConflict,
    DealStage,
    Registration,
    RegistrationStatus,
    Side,
)
from storage.models.wins import Win, WinKind

_numbers = itertools.count(1)


def registration(
    session: Session,
    partnership_id: int,
    created: datetime,
    status: RegistrationStatus = RegistrationStatus.SUBMITTED,
    *,
    amount: str | None = None,
    currency: str | None = "USD",
    rep: str | None = "U_DANA",
    account: str | None = None,
    vendor: str = "T_VENDOR",
    decided: tuple[DealChangeKind, timedelta] | None = None,
) -> Registration:
    """A registration made at ``created``; ``decided`` = (APPROVED or REJECTED, after how long)."""
    number = next(_numbers)
    row = Registration(
        partnership_id=partnership_id,
        vendor_team_id=vendor,
        number=number,
        account_name=account or f"Account {number}",
        account_key=(account or f"account {number}").lower(),
        opportunity="Seats",
        amount=Decimal(amount) if amount else None,
        currency=currency if amount else None,
        close_on=date(2027, 3, 1),
        stage=DealStage.PROPOSAL,
        partner_rep=rep,
        status=status,
        registered_by=rep or "U_TM",
        registered_by_side=Side.PARTNER if rep else Side.VENDOR,
        extensions=0,
        created_at=created,
        updated_at=created,
    )
    if decided is not None:  # as the deciding service stamps it
        row.decided_by, row.decided_at = "U_TM", created + decided[1]
    session.add(row)
    session.flush()
    if decided is not None:
        kind, after = decided
        session.add(
            DealChange(
                registration_id=row.id,
                kind=kind,
                changed_by="U_TM",
                side=Side.VENDOR,
                changed_at=created + after,
            )
        )
    return row


def won(
    session: Session,
    registration: Registration,
    closed_on: date,
    amount: str,
    currency: str = "USD",
    *,
    withdrawn: bool = False,
) -> Win:
    """The win Mark won logs, linked to its registration."""
    win = Win(
        partnership_id=registration.partnership_id,
        submission_key=f"W{registration.id}",
        kind=WinKind.DEAL,
        headline=registration.account_name,
        amount=Decimal(amount),
        currency=currency,
        closed_on=closed_on,
        logged_by="U_DANA",
        logged_by_side=Side.PARTNER,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        deleted_at=datetime(2026, 11, 1, tzinfo=UTC) if withdrawn else None,
    )
    session.add(win)
    session.flush()
    registration.win_id = win.id
    registration.status = RegistrationStatus.WON
    return win


def conflict(session: Session, registration: Registration, other: Registration) -> None:
    session.add(
        DealConflict(
            registration_id=registration.id,
            reason=ConflictReason.SAME_ACCOUNT,
            other_partnership_id=other.partnership_id,
            other_registration_id=other.id,
            found_at=registration.created_at,
        )
    )
