"""The shared funnel: both sides keep a registration's stage, amount and close date current,
mark it won or lost, and extend its protection when the terms allow.

Who may: on the partner side, the deal's partner rep, whoever registered it and the partner's
people named in the partnership (contacts, approvers); on the vendor side, the partnership's
owners, its deal approvers and whoever registered it. Anyone else of either side is told whom
to ask; an outsider learns nothing. Every change is kept in the registration's history
(``DealChange``) with who made it, when, and what was there before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain.clock import utcnow
from bot.domain.deals import reminders
from bot.domain.deals.form import close_date_error, read_amount, read_stage, reply_text
from bot.domain.deals.service import approvers, get_registration, status_word
from bot.domain.deals.terms import Terms, terms_for
from bot.domain.errors import Conflict, DomainError, NotAllowed, collect
from bot.domain.fields import DealField
from bot.domain.partners.service import (
    actor_side,
    get_partnership,
    is_owner,
    mentions,
    owners,
    require_side,
)
from bot.domain.people import Actor
from bot.domain.wins.form import MAX_HEADLINE, WinForm, today_in
from bot.domain.wins.money import format_plain
from storage.models import (
    ACTIVE_REGISTRATION,
    DealChange,
    DealChangeKind,
    Partnership,
    Registration,
    RegistrationStatus,
    Side,
    Win,
    WinKind,
)

# In the funnel: waiting for a decision (or the partner's answer), or approved.
OPEN = ACTIVE_REGISTRATION
# May still be marked won or lost: open, or its protection ended without an outcome.
CLOSABLE = (*ACTIVE_REGISTRATION, RegistrationStatus.EXPIRED)


# --- who may ------------------------------------------------------------------------------


def workers(partnership: Partnership, registration: Registration) -> list[str]:
    """The people who may change a registration's funnel (besides the partner's named
    people, who are many and listed in the setup)."""
    named = [registration.partner_rep, registration.registered_by, *approvers(partnership)]
    return [u for u in dict.fromkeys(named) if u and u != "import"]


def may_work(partnership: Partnership, registration: Registration, actor: Actor) -> bool:
    """Whether the actor may update the deal, mark it won or lost, or extend it."""
    side = actor_side(partnership, actor)
    if side is None:
        return False
    if actor.user_id in (registration.partner_rep, registration.registered_by):
        return True
    if side is Side.PARTNER:
        return any(
            m.user_id == actor.user_id and m.side is Side.PARTNER for m in partnership.members
        )
    return is_owner(partnership, actor.user_id) or actor.user_id in approvers(partnership)


def require_worker(
    partnership: Partnership, registration: Registration, actor: Actor, doing: str
) -> Side:
    """The actor's side, if they may ``doing`` (e.g. "update this deal"); a refusal that
    says whom to ask otherwise (an outsider is told nothing about the partnership)."""
    side = require_side(partnership, actor)
    if may_work(partnership, registration, actor):
        return side
    if side is Side.PARTNER:
        ask = [u for u in (registration.partner_rep, registration.registered_by) if u]
        who = (
            "the deal's partner rep, whoever registered it, or the partner's people named in "
            "the partnership"
        )
    else:
        ask, who = owners(partnership), "the partnership's owners and deal approvers"
    raise NotAllowed(
        f"Only {who} can {doing}." + (f" Ask {mentions(dict.fromkeys(ask))}." if ask else "")
    )


def _require_status(
    registration: Registration, allowed: tuple[RegistrationStatus, ...], doing: str
) -> None:
    if registration.status not in allowed:
        raise Conflict(
            "{} is " + status_word(registration.status) + f", so you can't {doing} any more.",
            quoting=(registration.label,),
        )


def workable(
    session: Session, registration_id: int, actor: Actor, doing: str, *, closing: bool = False
) -> tuple[Registration, Partnership, Side]:
    """The registration, its partnership and the actor's side, if the actor may ``doing`` now
    (checked when a button opens a modal, and again when it is submitted)."""
    registration = get_registration(session, registration_id)
    partnership = get_partnership(session, registration.partnership_id)
    side = require_worker(partnership, registration, actor, doing)
    _require_status(registration, CLOSABLE if closing else OPEN, doing)
    return registration, partnership, side


# --- updating stage, amount, close date ----------------------------------------------------


@dataclass(frozen=True)
class FunnelValues:
    """Stage, amount, currency and close date as a modal shows them (and was opened with)."""

    stage: str
    amount: str  # "125000.00", or "" for none
    currency: str
    close_on: date | None

    def to_json(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "amount": self.amount,
            "currency": self.currency,
            "close_on": self.close_on.isoformat() if self.close_on else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FunnelValues | None:
        try:
            close = data.get("close_on")
            return cls(
                stage=str(data["stage"]),
                amount=str(data.get("amount") or ""),
                currency=str(data.get("currency") or ""),
                close_on=date.fromisoformat(close) if close else None,
            )
        except (KeyError, TypeError, ValueError):
            return None


def values_of(registration: Registration) -> FunnelValues:
    return FunnelValues(
        stage=registration.stage.value,
        amount=str(registration.amount) if registration.amount is not None else "",
        currency=registration.currency or "",
        close_on=registration.close_on,
    )


def _money(values: FunnelValues) -> tuple[Decimal | None, str | None]:
    if not values.amount:
        return None, None
    try:
        return Decimal(values.amount), values.currency or None
    except ArithmeticError:
        return None, None


@dataclass(frozen=True)
class Updated:
    """An update just recorded (``change`` None: nothing new to record, or a repeat)."""

    registration: Registration
    change: DealChange | None


NOTHING_CHANGED = (
    "Nothing to record: change the stage, the amount or the close date (or press Cancel)."
)


def _read(
    form: FunnelValues, opened: FunnelValues, tz: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """The fields the person changed in the modal (against what it was opened with), read
    and validated; unchanged fields are neither read nor checked."""
    wanted: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if form.stage != opened.stage:
        stage = read_stage(form.stage)
        if stage is None:
            errors[DealField.STAGE] = "Choose the stage the deal is in."
        else:
            wanted["stage"] = stage
    amount, currency, money_errors = read_amount(
        form.amount, form.currency, DealField.AMOUNT, DealField.CURRENCY
    )
    if money_errors:
        errors |= money_errors
    elif (amount, currency) != _money(opened):
        wanted["amount"], wanted["currency"] = amount, currency
    if form.close_on != opened.close_on:
        error = close_date_error(form.close_on, tz)
        if error:
            errors[DealField.CLOSE_ON] = error
        else:
            wanted["close_on"] = form.close_on
    return wanted, errors


def _shown(field: str, value: Any) -> Any:
    """A value as the history keeps it (JSON)."""
    if value is None:
        return None
    if field == "stage":
        return value.value
    if field == "close_on":
        return value.isoformat()
    return str(value)


def update_funnel(
    session: Session,
    registration_id: int,
    form: FunnelValues,
    opened: FunnelValues,
    actor: Actor,
    submission_key: str,
    tz: str,
) -> Updated:
    """Record what the person changed of stage, amount (with currency) and close date.

    Only the fields they changed in the modal count (compared with what it showed them), so
    a change someone else made meanwhile to another field is never undone; a field already
    at the value they chose is left out of the record.
    """
    if _seen(session, submission_key):
        return Updated(get_registration(session, registration_id), None)
    registration, _partnership, side = workable(session, registration_id, actor, "update this deal")
    wanted, errors = _read(form, opened, tz)
    collect(errors)
    if not wanted:
        raise DomainError(NOTHING_CHANGED, field=DealField.STAGE)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name, value in wanted.items():
        current = getattr(registration, name)
        if current != value:
            before[name], after[name] = _shown(name, current), _shown(name, value)
    if "amount" in after or "currency" in after:  # money is kept whole: amount and currency
        for name in ("amount", "currency"):
            before[name] = _shown(name, getattr(registration, name))
            after[name] = _shown(name, wanted[name])
    if not after:
        return Updated(registration, None)  # someone made the same change already
    now = utcnow()
    change = DealChange(
        registration_id=registration.id,
        kind=DealChangeKind.UPDATED,
        changed_by=actor.user_id,
        side=side,
        changed_at=now,
        before=before,
        after=after,
        submission_key=submission_key,
    )
    if not _added(session, change):
        return Updated(registration, None)
    for name in after:
        setattr(registration, name, wanted[name])
    registration.updated_at = now
    session.flush()
    return Updated(registration, change)


def _seen(session: Session, submission_key: str | None) -> bool:
    if submission_key is None:
        return False
    found = session.scalar(select(DealChange.id).where(DealChange.submission_key == submission_key))
    return found is not None


def _added(session: Session, change: DealChange) -> bool:
    """Store a change; False if its submission was recorded meanwhile (delivered twice)."""
    try:
        with session.begin_nested():
            session.add(change)
            session.flush()
    except IntegrityError:
        if change.submission_key and _seen(session, change.submission_key):
            return False
        raise
    return True


def _claim(
    session: Session,
    registration: Registration,
    frm: tuple[RegistrationStatus, ...],
    values: dict[str, Any],
    doing: str,
    *extra: Any,
) -> None:
    """Change the registration only if its status is still one of ``frm`` (and ``extra``
    holds): a double click, or both sides at once, changes it once."""
    claimed = session.execute(
        update(Registration)
        .where(Registration.id == registration.id, Registration.status.in_(frm), *extra)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.refresh(registration)
    if not claimed.rowcount:  # type: ignore[attr-defined]
        _require_status(registration, frm, doing)
        raise Conflict("{} was changed meanwhile; look again.", quoting=(registration.label,))


# --- won and lost --------------------------------------------------------------------------


def mark_lost(
    session: Session, registration_id: int, reason: str, actor: Actor, submission_key: str
) -> DealChange | None:
    """The deal was lost, and why; None when this submission was already recorded."""
    if _seen(session, submission_key):
        return None
    registration, _partnership, side = workable(
        session, registration_id, actor, "mark this deal lost", closing=True
    )
    why = reply_text(reason, DealField.LOST_REASON, "reason")
    before = {"status": registration.status.value}
    _claim(
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
    _claim(
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


# --- extending protection ------------------------------------------------------------------


def may_extend(registration: Registration, terms: Terms) -> bool:
    """Whether the terms allow extending this registration now (approved, and not yet
    extended as often as they allow)."""
    return (
        registration.status is RegistrationStatus.APPROVED
        and registration.protected_until is not None
        and registration.extensions < terms.max_extensions
    )


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def extend(
    session: Session, registration_id: int, actor: Actor
) -> tuple[DealChange, Terms, datetime]:
    """Extend an approved registration's protection by another window, as the terms allow;
    returns the change, the terms applied and the new end."""
    doing = "extend this deal's protection"
    registration, partnership, side = workable(session, registration_id, actor, doing)
    _require_status(registration, (RegistrationStatus.APPROVED,), doing)
    terms = terms_for(session, partnership.id)
    if not terms.extendable:
        raise Conflict(
            f"Registrations can't be extended under {terms.source} ({terms.describe()})."
        )
    if not may_extend(registration, terms):
        raise Conflict(
            "{} was already extended: under "
            + f"{terms.source}, a registration can be extended {_times(terms.max_extensions)}.",
            quoting=(registration.label,),
        )
    old = registration.protected_until
    assert old is not None
    new = old + timedelta(days=terms.protection_days)
    _claim(
        session,
        registration,
        (RegistrationStatus.APPROVED,),
        {"protected_until": new, "extensions": registration.extensions + 1},
        doing,
        Registration.extensions == registration.extensions,
    )
    change = DealChange(
        registration_id=registration.id,
        kind=DealChangeKind.EXTENDED,
        changed_by=actor.user_id,
        side=side,
        changed_at=utcnow(),
        before={"protected_until": old.isoformat()},
        after={"protected_until": new.isoformat(), "extensions": registration.extensions},
        comment=terms.source,
    )
    session.add(change)
    session.flush()
    reminders.plan_protection(session, registration, partnership)
    return change, terms, new


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
