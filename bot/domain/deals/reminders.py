"""Deal registration's reminders, through the outbox (the ticker is what sends them).

- A registration still waiting for the vendor past its decision deadline (the terms' business
  days, in the partnership's time zone and holiday calendar) nudges the approvers once.
- Protection ending in 14 days reminds the partner rep and the owners once per protection
  window (an extension opens a new one), with Extend when the terms allow and Update stage.
- Protection that ended makes the registration expired, with a line in its card's thread:
  ``expire_due`` is a materializer of the ticker, run with the tick's ``now``.

Each reminder is keyed, so it is planned and sent once whatever happens twice; each is asked
again at send time whether it is still due (a decision, a win, an extension since).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.domain import outbox
from bot.domain.clock import utcnow
from bot.domain.deals.terms import Terms
from storage.models import (
    DealChange,
    DealChangeKind,
    Partnership,
    PartnershipStatus,
    Registration,
    RegistrationStatus,
    Side,
)

DECISION = "deal_decision_nudge"
PROTECTION = "deal_protection_reminder"
# A line in a registration card's thread about a change of its funnel (and the card updated).
CHANGE = "deal.change"

REMIND_BEFORE = timedelta(days=14)
BY_PARTNERBOT = "partnerbot"  # DealChange.changed_by for what the ticker changes
EXPIRE_BATCH = 200


def decision_key(registration: Registration, since: datetime) -> str:
    return f"deal:{registration.id}:decision:{int(since.timestamp())}"


def protection_key(registration: Registration) -> str:
    return f"deal:{registration.id}:protection:{registration.extensions}"


def change_key(change: DealChange) -> str:
    return f"deal:{change.registration_id}:change:{change.id}"


def plan_decision(
    session: Session,
    registration: Registration,
    partnership: Partnership,
    terms: Terms,
    since: datetime | None = None,
) -> bool:
    """Plan the nudge to the approvers for when the decision is overdue (``since``: when the
    wait began: the registration, or the partner's answer to a question)."""
    start = since or registration.created_at
    return outbox.enqueue(
        session,
        DECISION,
        decision_key(registration, start),
        terms.decide_by(start, partnership),
        partnership_id=partnership.id,
        subject_id=registration.id,
        payload={
            "since": start.isoformat(),
            "business_days": terms.decision_business_days,
            "source": terms.source,
        },
    )


def decision_still_due(
    session: Session, registration: Registration | None, payload: dict
) -> str | None:
    """Why a planned decision nudge should not go out any more (None when it should)."""
    if registration is None:
        return "the registration is gone"
    if registration.status is not RegistrationStatus.SUBMITTED:
        return f"the registration is {registration.status.value}"
    since = datetime.fromisoformat(str(payload.get("since")))
    asked = session.scalar(
        select(DealChange.id).where(
            DealChange.registration_id == registration.id,
            DealChange.kind == DealChangeKind.ASKED,
            DealChange.changed_at >= since,
        )
    )
    return "the vendor asked for more meanwhile" if asked is not None else None


def plan_protection(session: Session, registration: Registration, partnership: Partnership) -> bool:
    """Plan the reminder that the protection window is ending: 14 days before its end (or
    halfway through a shorter window)."""
    end = registration.protected_until
    if end is None:
        return False
    now = utcnow()
    lead = min(REMIND_BEFORE, max(end - now, timedelta(0)) / 2)
    return outbox.enqueue(
        session,
        PROTECTION,
        protection_key(registration),
        end - lead,
        partnership_id=partnership.id,
        subject_id=registration.id,
        payload={"protected_until": end.isoformat(), "extensions": registration.extensions},
    )


def protection_still_due(registration: Registration | None, payload: dict) -> str | None:
    """Why a planned protection reminder should not go out any more (None when it should)."""
    if registration is None:
        return "the registration is gone"
    if registration.status is not RegistrationStatus.APPROVED:
        return f"the registration is {registration.status.value}"
    if payload.get("extensions") != registration.extensions:
        return "the protection was extended"
    return None


def protection_recipients(partnership: Partnership, registration: Registration) -> list[str]:
    """The partner rep (or the partner-side person who registered it) and the owners."""
    rep = registration.partner_rep
    if rep is None and registration.registered_by_side is Side.PARTNER:
        rep = registration.registered_by
    owners = [m.user_id for m in partnership.members if m.is_owner]
    return [u for u in dict.fromkeys([rep, *owners]) if u]


def cancel(session: Session, registration: Registration) -> None:
    """Drop the reminders still planned for a registration that is won or lost."""
    outbox.cancel(session, DECISION, registration.id)
    outbox.cancel(session, PROTECTION, registration.id)


def reopen(
    session: Session,
    registration: Registration,
    partnership: Partnership,
    terms: Terms,
    since: datetime,
) -> None:
    """Plan again what ``cancel`` dropped, for a registration open again (its win was
    withdrawn): the decision nudge while it waits (``since``: when the wait began), the
    protection reminder while it is approved. One sent already isn't sent twice."""
    now = utcnow()
    if registration.status is RegistrationStatus.SUBMITTED:
        if not outbox.reopen(session, decision_key(registration, since), now):
            plan_decision(session, registration, partnership, terms, since=since)
        return
    if registration.status is RegistrationStatus.APPROVED and not outbox.reopen(
        session, protection_key(registration), now
    ):
        plan_protection(session, registration, partnership)


def announce(session: Session, change: DealChange, partnership_id: int, at: datetime) -> bool:
    """Plan the line in the card's thread that says what changed (and the card's update)."""
    return outbox.enqueue(
        session,
        CHANGE,
        change_key(change),
        at,
        partnership_id=partnership_id,
        subject_id=change.id,
    )


def expire_due(session: Session, now: datetime) -> int:
    """Approved registrations whose protection ended by ``now`` become expired, each with a
    line in its card's thread; returns how many. One indexed query on (status,
    protected_until); a registration expires once, whichever ticker gets there first."""
    due = session.execute(
        select(Registration.id, Registration.partnership_id, Partnership.status)
        .join(Partnership, Partnership.id == Registration.partnership_id)
        .where(
            Registration.status == RegistrationStatus.APPROVED,
            Registration.protected_until <= now,
        )
        .order_by(Registration.protected_until, Registration.id)
        .limit(EXPIRE_BATCH)
    ).all()
    expired = 0
    for registration_id, partnership_id, partnership_status in due:
        claimed = session.execute(
            update(Registration)
            .where(
                Registration.id == registration_id,
                Registration.status == RegistrationStatus.APPROVED,
                Registration.protected_until <= now,
            )
            .values(status=RegistrationStatus.EXPIRED)
            .execution_options(synchronize_session=False)
        )
        if not claimed.rowcount:  # type: ignore[attr-defined]
            continue
        change = DealChange(
            registration_id=registration_id,
            kind=DealChangeKind.EXPIRED,
            changed_by=BY_PARTNERBOT,
            side=None,
            changed_at=now,
            before={"status": RegistrationStatus.APPROVED.value},
            after={"status": RegistrationStatus.EXPIRED.value},
        )
        session.add(change)
        session.flush()
        if partnership_status is not PartnershipStatus.ENDED:
            announce(session, change, partnership_id, now)
        expired += 1
    return expired
