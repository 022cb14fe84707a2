"""The shared funnel: both sides keep a registration's stage, amount and close date current
and extend its protection when the terms allow (closing it, won or lost: ``outcomes``).

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
from bot.domain.deals.form import close_date_error, read_amount, read_stage
from bot.domain.deals.service import approvers, company, get_registration, status_word
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
from storage.models import (
    ACTIVE_REGISTRATION,
    DealChange,
    DealChangeKind,
    Partnership,
    PartnershipStatus,
    Registration,
    RegistrationStatus,
    Side,
)

# In the funnel: waiting for a decision (or the partner's answer), or approved.
OPEN = ACTIVE_REGISTRATION
# May still be marked won or lost: open, or its protection ended without an outcome.
CLOSABLE = (*ACTIVE_REGISTRATION, RegistrationStatus.EXPIRED)


# --- who may ------------------------------------------------------------------------------


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
    says who may and whom to ask, by name (an outsider is told nothing about the
    partnership)."""
    side = require_side(partnership, actor)
    if may_work(partnership, registration, actor):
        return side
    vendor = company(partnership, Side.VENDOR)
    if side is Side.PARTNER:
        named = [u for u in (registration.partner_rep, registration.registered_by) if u]
        ask = f"Ask {mentions(dict.fromkeys(named))}, or ask " if named else "Ask "
        raise NotAllowed(
            "Only the deal's rep, whoever registered it and the people of {} named in the "
            f"partnership can {doing}. {ask}one of the owners at {{}} "
            f"({mentions(owners(partnership))}) to add you to the partnership's contacts.",
            quoting=(partnership.partner_name, vendor),
        )
    raise NotAllowed(
        "Only the partnership's owners, its deal approvers and whoever registered the deal "
        f"can {doing}. Ask {mentions(owners(partnership))} to name you a deal approver in "
        "the setup."
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
    if partnership.status is PartnershipStatus.ENDED:
        raise Conflict("This partnership has ended; its deals stay on record as they are.")
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
    if seen_submission(session, submission_key):
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


def seen_submission(session: Session, submission_key: str | None) -> bool:
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
        if change.submission_key and seen_submission(session, change.submission_key):
            return False
        raise
    return True


def claim(
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
    claim(
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
