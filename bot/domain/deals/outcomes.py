"""A deal's outcome: won, with the win logged for it (partner-sourced), or lost, and why.

The same people who keep the funnel current close it (``changes.require_worker``); a deal
waiting, approved, or whose protection ended can be closed, once. Withdrawing the win of a
won deal opens it again, where it was before it was won.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.clock import utcnow
from bot.domain.deals import reminders
from bot.domain.deals.changes import CLOSABLE, claim, seen_submission, workable
from bot.domain.deals.form import reply_text
from bot.domain.deals.records import last_change, waiting_since
from bot.domain.deals.terms import terms_for
from bot.domain.errors import Conflict
from bot.domain.fields import DealField
from bot.domain.partners.service import actor_side, get_partnership
from bot.domain.people import Actor
from bot.domain.wins.form import MAX_HEADLINE, WinForm, today_in
from bot.domain.wins.money import format_plain
from storage.models import (
    DealChange,
    DealChangeKind,
    Registration,
    RegistrationStatus,
    Side,
    Win,
    WinKind,
)


def mark_lost(
    session: Session, registration_id: int, reason: str, actor: Actor, submission_key: str
) -> DealChange | None:
    """The deal was lost, and why; None when this submission was already recorded."""
    if seen_submission(session, submission_key):
        return None
    registration, _partnership, side = workable(
        session, registration_id, actor, "mark this deal lost", closing=True
    )
    why = reply_text(reason, DealField.LOST_REASON, "reason")
    before = {"status": registration.status.value}
    claim(
        session,
        registration,
        CLOSABLE,
        {"status": RegistrationStatus.LOST, "lost_reason": why},
        "mark this deal lost",
    )
    change = DealChange(
        registration_id=registration.id,
        kind=DealChangeKind.LOST,
        changed_by=actor.user_id,
        side=side,
        changed_at=utcnow(),
        before=before,
        after={"status": RegistrationStatus.LOST.value},
        comment=why,
        submission_key=submission_key,
    )
    session.add(change)
    session.flush()
    reminders.cancel(session, registration)
    return change


def require_winnable(
    session: Session, registration_id: int, partnership_id: int | None, actor: Actor
) -> Registration:
    """The registration a win is about to be logged for, if the actor may mark it won and
    the win goes to the registration's own partnership."""
    registration, _partnership, _side = workable(
        session, registration_id, actor, "mark this deal won", closing=True
    )
    if registration.win_id is not None:
        raise Conflict("{} is already linked to a win.", quoting=(registration.label,))
    if partnership_id != registration.partnership_id:
        raise Conflict("A deal's win is logged in the deal's own partnership.")
    return registration


def mark_won(session: Session, registration_id: int, win: Win, actor: Actor) -> DealChange:
    """Link a win just logged to its registration: the deal is won, and partner-sourced."""
    registration = require_winnable(session, registration_id, win.partnership_id, actor)
    side = actor_side(get_partnership(session, registration.partnership_id), actor)
    before = {"status": registration.status.value}
    claim(
        session,
        registration,
        CLOSABLE,
        {"status": RegistrationStatus.WON, "win_id": win.id},
        "mark this deal won",
        Registration.win_id.is_(None),
    )
    change = DealChange(
        registration_id=registration.id,
        kind=DealChangeKind.WON,
        changed_by=actor.user_id,
        side=side,
        changed_at=utcnow(),
        before=before,
        after={
            "status": RegistrationStatus.WON.value,
            "win_id": win.id,
            "amount": str(win.amount) if win.amount is not None else None,
            "currency": win.currency,
        },
        comment=win.headline,
    )
    session.add(change)
    session.flush()
    reminders.cancel(session, registration)
    return change


def registration_of_win(session: Session, win_id: int) -> Registration | None:
    """The registration a win was logged for (a partner-sourced win), if any."""
    return session.scalar(select(Registration).where(Registration.win_id == win_id))


def win_withdrawn(
    session: Session, win: Win, actor: Actor, at: datetime
) -> tuple[Registration, DealChange] | None:
    """The win of a won deal was withdrawn: the registration is no longer won and goes back
    to where it was when it was marked won (approved with its protection as it was, or
    expired if that protection has ended since; waiting for a decision or an answer; or
    expired), unlinked from the win, with the change kept in its history and its reminders
    planned again. None when the win was logged for no registration."""
    registration = registration_of_win(session, win.id)
    if registration is None or registration.status is not RegistrationStatus.WON:
        return None
    won = last_change(session, registration.id, DealChangeKind.WON)
    try:
        was = RegistrationStatus(str((won.before or {}).get("status"))) if won else None
    except ValueError:
        was = None
    if was is None or was not in CLOSABLE:
        was = (
            RegistrationStatus.APPROVED
            if registration.protected_until
            else (RegistrationStatus.SUBMITTED)
        )
    now_status = was
    ended = registration.protected_until is not None and registration.protected_until <= at
    if was is RegistrationStatus.APPROVED and ended:
        now_status = RegistrationStatus.EXPIRED
    partnership = get_partnership(session, registration.partnership_id)
    claim(
        session,
        registration,
        (RegistrationStatus.WON,),
        {"status": now_status, "win_id": None},
        "withdraw its win",
        Registration.win_id == win.id,
    )
    change = DealChange(
        registration_id=registration.id,
        kind=DealChangeKind.WIN_WITHDRAWN,
        changed_by=actor.user_id,
        side=actor_side(partnership, actor),
        changed_at=at,
        before={
            "status": RegistrationStatus.WON.value,
            "win_id": win.id,
            "restores": was.value,
        },
        after={"status": now_status.value},
        comment=win.headline,
    )
    session.add(change)
    session.flush()
    reminders.reopen(
        session,
        registration,
        partnership,
        terms_for(session, partnership.id),
        waiting_since(session, registration),
    )
    return registration, change


def win_draft(registration: Registration, actor: Actor, side: Side, tz: str) -> WinForm:
    """The /win form pre-filled from a registration: the account and opportunity as its
    headline, the amount, currency and product line, the close date (today at the latest:
    a win is logged once it closed) and the partner rep credited."""
    headline = f"{registration.account_name} — {registration.opportunity}"
    partner = [registration.partner_rep] if registration.partner_rep else []
    if side is Side.PARTNER:
        partner.append(actor.user_id)
    return WinForm(
        partnership_id=registration.partnership_id,
        headline=headline[:MAX_HEADLINE],
        kind=WinKind.DEAL.value,
        amount=format_plain(registration.amount) if registration.amount is not None else "",
        currency=registration.currency or "",
        product_line_id=registration.product_line_id,
        closed_on=min(registration.close_on, today_in(tz)),
        partner_credits=list(dict.fromkeys(partner)),
        vendor_credits=[actor.user_id] if side is Side.VENDOR else [],
    )
