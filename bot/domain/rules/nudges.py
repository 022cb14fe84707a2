"""Nudging the approvers a pending rule proposal still waits for, through the outbox.

A version that has waited three business days (in the partnership's time zone and holiday
calendar) nudges the approvers still needed; if it keeps waiting, up to two more nudges
follow, three business days apart. Amending restarts the clock; any decision that ends the
wait cancels what is planned.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain import outbox
from bot.domain.clock import utcnow
from bot.domain.reviews.cadence import add_business_days
from storage.models import Partnership, Proposal, ProposalStatus

KIND = "rule_nudge"
WAIT_BUSINESS_DAYS = 3
MAX_NUDGES = 3


def key(proposal: Proposal, version: int, number: int) -> str:
    return f"rule:{proposal.id}:v{version}:{number}"


def _plan(
    session: Session, proposal: Proposal, partnership: Partnership, number: int, since: datetime
) -> bool:
    due = add_business_days(
        since, WAIT_BUSINESS_DAYS, partnership.time_zone, partnership.holiday_country
    )
    return outbox.enqueue(
        session,
        KIND,
        key(proposal, proposal.current_version, number),
        due,
        partnership_id=partnership.id,
        subject_id=proposal.id,
        payload={"version": proposal.current_version, "number": number},
    )


def schedule(session: Session, proposal: Proposal, partnership: Partnership) -> None:
    """Plan the first nudge for the proposal's current version."""
    _plan(session, proposal, partnership, 1, utcnow())


def cancel(session: Session, proposal: Proposal) -> None:
    """Drop the nudges still planned for the proposal."""
    outbox.cancel(session, KIND, proposal.id)


def still_due(proposal: Proposal | None, payload: dict) -> str | None:
    """Why a planned nudge should not go out any more (None when it should)."""
    if proposal is None:
        return "the proposal is gone"
    if proposal.status is not ProposalStatus.PENDING:
        return f"the proposal is {proposal.status.value}"
    if payload.get("version") != proposal.current_version:
        return "the proposal was amended"
    return None


def nudged(session: Session, proposal: Proposal, partnership: Partnership, number: int) -> None:
    """A nudge went out; plan the next one unless that was the last."""
    if number < MAX_NUDGES:
        _plan(session, proposal, partnership, number + 1, utcnow())
