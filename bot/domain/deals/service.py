"""Deal registration: registering an opportunity, and the vendor's decisions on it.

Either side of a partnership may register a deal (the partner's people from the buttons on
partnerbot's messages, the vendor's also with ``/deal``); only the vendor's deal approvers
(the partnership's owners and the vendor-side members named deal approvers) decide. Every
registration is checked for conflicts when it is submitted, and every change is kept in its
history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session

from bot.domain.clock import utcnow
from bot.domain.deals import reminders
from bot.domain.deals.conflicts import Found, find_conflicts, record_conflicts
from bot.domain.deals.form import DealForm, ValidDeal, reply_text, validate
from bot.domain.deals.terms import Terms, terms_for
from bot.domain.errors import Conflict, NotAllowed, NotFound, collect
from bot.domain.fields import DealField
from bot.domain.partners.names import vendor_name
from bot.domain.partners.service import (
    NOT_IN_PARTNERSHIP,
    actor_side,
    get_partnership,
    is_owner,
    mentions,
    owners,
    require_side,
)
from bot.domain.people import Actor, display_name, known
from bot.domain.wins import lines
from storage.models import (
    DealChange,
    DealChangeKind,
    Partnership,
    PartnershipStatus,
    Registration,
    RegistrationStatus,
    Side,
)

# Statuses the vendor can still decide on.
UNDECIDED = (RegistrationStatus.SUBMITTED, RegistrationStatus.MORE_INFO)


@dataclass(frozen=True)
class Registered:
    """A registration just stored (``new`` False: the same submission came again), what the
    conflict check found, and the terms that apply."""

    registration: Registration
    new: bool
    conflicts: list[Found]
    terms: Terms


# --- who decides ---------------------------------------------------------------------------


def deal_approvers(partnership: Partnership) -> list[str]:
    """Vendor-side members named deal approvers in the setup."""
    return [m.user_id for m in partnership.members if m.is_deal_approver and m.side is Side.VENDOR]


def approvers(partnership: Partnership) -> list[str]:
    """Whom a registration waits for: the named deal approvers, or the owners when none are
    named (owners may always decide)."""
    return deal_approvers(partnership) or owners(partnership)


def may_decide(partnership: Partnership, actor: Actor) -> bool:
    """The vendor's owners and named deal approvers decide on registrations."""
    if actor_side(partnership, actor) is not Side.VENDOR:
        return False
    return is_owner(partnership, actor.user_id) or actor.user_id in deal_approvers(partnership)


def company(partnership: Partnership, side: Side) -> str:
    """A side's company by name: the partner's, or the vendor's workspace once partnerbot
    knows it ("the vendor" until then)."""
    if side is Side.PARTNER:
        return partnership.partner_name
    session = object_session(partnership)
    vendor = vendor_name(session, partnership.vendor_team_id) if session is not None else None
    return vendor or "the vendor"


def require_decider(partnership: Partnership, actor: Actor) -> None:
    """The vendor's deal approvers decide; anyone else of either company is told who does
    (and, at the vendor, whom to ask to become one); an outsider learns nothing."""
    if may_decide(partnership, actor):
        return
    side = actor_side(partnership, actor)
    if side is None:
        raise NotAllowed(NOT_IN_PARTNERSHIP)
    who = mentions(approvers(partnership))
    if side is Side.PARTNER:
        raise NotAllowed(
            "Deal registrations are decided at {} by " + who + ". Their decision is posted "
            "in the card's thread, mentioning the deal's rep; to tell them more meanwhile, "
            "write in that thread.",
            quoting=(company(partnership, Side.VENDOR),),
        )
    ask = (
        "Ask one of them, or ask an owner (" + mentions(owners(partnership)) + ") to name you "
        if deal_approvers(partnership)
        else "Ask one of them to name you "
    )
    raise NotAllowed(
        "Only the deal approvers at {} decide on registrations: "
        + who
        + ". "
        + ask
        + "a deal approver in the setup.",
        quoting=(company(partnership, Side.VENDOR),),
    )


# --- registering ---------------------------------------------------------------------------


def require_registrable(session: Session, form: DealForm, actor: Actor) -> tuple[Partnership, Side]:
    """The partnership a new registration goes to and the actor's side in it, or a refusal.
    Cheap (the database only): handlers call it before looking anyone up in Slack."""
    if form.partnership_id is None:
        raise NotFound("Choose the partnership this deal belongs to.", field=DealField.PARTNERSHIP)
    partnership = get_partnership(session, form.partnership_id)
    side = require_side(partnership, actor)
    if partnership.status is PartnershipStatus.ENDED:
        raise Conflict(
            "This partnership has ended, so deals can't be registered in it any more; its "
            "registrations stay on record."
        )
    return partnership, side


def rep_error(session: Session, partnership: Partnership, user_id: str | None) -> str | None:
    """The partner rep must be one of the partner's people (when we know their workspace).
    A field error shows plain text, so the person is named, not mentioned."""
    if not user_id:
        return None
    person = known(session, [user_id]).get(user_id)
    team = person.team_id if person is not None else None
    if team is None:
        return None
    partner = partnership.partner_team_id
    if team == partnership.vendor_team_id or (partner is not None and team != partner):
        name = display_name(session, user_id)
        return (
            f"{name} isn't at {partnership.partner_name}: choose someone there who works the deal."
        )
    return None


def next_number(session: Session, partnership: Partnership) -> int:
    if session.get_bind().dialect.name == "postgresql":
        # Two registrations at once in one partnership take numbers in turn.
        session.scalar(
            select(Partnership.id).where(Partnership.id == partnership.id).with_for_update()
        )
    top = session.scalar(
        select(func.max(Registration.number)).where(Registration.partnership_id == partnership.id)
    )
    return (top or 0) + 1


def snapshot(registration: Registration) -> dict[str, Any]:
    """What a registration says, as its history keeps it."""
    return {
        "account": registration.account_name,
        "domain": registration.account_domain,
        "opportunity": registration.opportunity,
        "amount": str(registration.amount) if registration.amount is not None else None,
        "currency": registration.currency,
        "product_line_id": registration.product_line_id,
        "close_on": registration.close_on.isoformat(),
        "stage": registration.stage.value,
        "partner_rep": registration.partner_rep,
        "status": registration.status.value,
    }


def registered(session: Session, submission_key: str) -> Registration | None:
    """The registration this submission already made (Slack delivered it again), if any."""
    return session.scalar(select(Registration).where(Registration.submission_key == submission_key))


def _stored(
    session: Session,
    partnership: Partnership,
    valid: ValidDeal,
    form: DealForm,
    actor: Actor,
    side: Side,
    submission_key: str,
) -> Registration:
    now = utcnow()
    rep = form.partner_rep or (actor.user_id if side is Side.PARTNER else None)
    registration = Registration(
        partnership_id=partnership.id,
        vendor_team_id=partnership.vendor_team_id,
        number=next_number(session, partnership),
        submission_key=submission_key,
        account_name=valid.account,
        account_key=valid.account_key,
        account_domain=valid.domain,
        opportunity=valid.opportunity,
        amount=valid.amount,
        currency=valid.currency,
        close_on=valid.close_on,
        stage=valid.stage,
        partner_rep=rep,
        note=valid.note,
        status=RegistrationStatus.SUBMITTED,
        registered_by=actor.user_id,
        registered_by_side=side,
        channel_id=partnership.channel_id,
        extensions=0,
        created_at=now,
        updated_at=now,
    )
    registration.product_line_id = (
        line.id
        if (
            line := lines.product_line(
                session,
                partnership,
                form.product_line_id,
                form.new_product_line,
                actor,
                DealField.PRODUCT_LINE,
            )
        )
        else None
    )
    session.add(registration)
    session.flush()
    return registration


def register(
    session: Session, form: DealForm, actor: Actor, submission_key: str, tz: str
) -> Registered:
    """Store a registration with its history and what the conflict check found."""
    again = registered(session, submission_key)
    if again is not None:
        return Registered(again, False, [], terms_for(session, again.partnership_id))
    partnership, side = require_registrable(session, form, actor)
    valid, errors = validate(form, tz)
    rep = rep_error(session, partnership, form.partner_rep)
    if rep:
        errors[DealField.PARTNER_REP] = rep
    collect(errors)
    assert valid is not None
    try:
        with session.begin_nested():  # the same view submitted twice at once
            registration = _stored(session, partnership, valid, form, actor, side, submission_key)
    except IntegrityError:
        again = registered(session, submission_key)
        if again is None:
            raise
        return Registered(again, False, [], terms_for(session, again.partnership_id))
    found = find_conflicts(
        session,
        partnership.vendor_team_id,
        registration.account_key,
        registration.account_domain,
        exclude_id=registration.id,
    )
    record_conflicts(session, registration, found, registration.created_at)
    session.add(
        DealChange(
            registration_id=registration.id,
            kind=DealChangeKind.REGISTERED,
            changed_by=actor.user_id,
            side=side,
            changed_at=registration.created_at,
            after=snapshot(registration),
        )
    )
    session.flush()
    terms = terms_for(session, partnership.id)
    reminders.plan_decision(session, registration, partnership, terms)
    return Registered(registration, True, found, terms)


def get_registration(session: Session, registration_id: int) -> Registration:
    registration = session.get(Registration, registration_id)
    if registration is None:
        raise NotFound("That registration no longer exists.")
    return registration


def posted(session: Session, registration_id: int, channel_id: str, ts: str) -> None:
    """Remember where the registration's card is (to update it and reply in its thread)."""
    registration = get_registration(session, registration_id)
    registration.channel_id, registration.message_ts = channel_id, ts


# --- deciding ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """A decision just made: on which registration, by whom, under which terms."""

    registration: Registration
    partnership: Partnership
    kind: DealChangeKind
    terms: Terms
    change: DealChange  # as the registration's history keeps it
    text: str | None = None  # the reason, the question, or the answer


def _undecided(
    session: Session, registration_id: int, actor: Actor
) -> tuple[Registration, Partnership]:
    registration = get_registration(session, registration_id)
    partnership = get_partnership(session, registration.partnership_id)
    require_decider(partnership, actor)
    if registration.status not in UNDECIDED:
        raise Conflict(
            "{} was already decided: it is " + status_word(registration.status) + ".",
            quoting=(registration.label,),
        )
    return registration, partnership


def status_word(status: RegistrationStatus) -> str:
    return {
        RegistrationStatus.SUBMITTED: "waiting for a decision",
        RegistrationStatus.MORE_INFO: "waiting for an answer to a question",
        RegistrationStatus.APPROVED: "approved",
        RegistrationStatus.REJECTED: "rejected",
        RegistrationStatus.EXPIRED: "expired",
        RegistrationStatus.WON: "won",
        RegistrationStatus.LOST: "lost",
    }[status]


def require_decidable(session: Session, registration_id: int, actor: Actor) -> Registration:
    """The registration, if the actor may decide on it now (checked when a decision's modal
    opens, and again when it is submitted)."""
    return _undecided(session, registration_id, actor)[0]


def _claim(
    session: Session,
    registration: Registration,
    frm: tuple[RegistrationStatus, ...],
    values: dict[str, Any],
) -> None:
    """Change the status only if it is still one of ``frm``: a double click decides once."""
    claimed = session.execute(
        update(Registration)
        .where(Registration.id == registration.id, Registration.status.in_(frm))
        .values(**values)
        .execution_options(synchronize_session="fetch")
    )
    if not claimed.rowcount:  # type: ignore[attr-defined]
        session.refresh(registration)
        raise Conflict(
            "{} was already decided: it is " + status_word(registration.status) + ".",
            quoting=(registration.label,),
        )
    session.refresh(registration)


def _change(
    session: Session,
    registration: Registration,
    kind: DealChangeKind,
    actor: Actor,
    side: Side | None,
    at: datetime,
    comment: str | None = None,
    submission_key: str | None = None,
    before: dict[str, Any] | None = None,
) -> DealChange:
    change = DealChange(
        registration_id=registration.id,
        kind=kind,
        changed_by=actor.user_id,
        side=side,
        changed_at=at,
        before=before,
        after=snapshot(registration),
        comment=comment,
        submission_key=submission_key,
    )
    session.add(change)
    session.flush()
    return change


def _seen(session: Session, submission_key: str | None) -> bool:
    if submission_key is None:
        return False
    found = session.scalar(select(DealChange.id).where(DealChange.submission_key == submission_key))
    return found is not None


def approve(
    session: Session, registration_id: int, actor: Actor, submission_key: str | None = None
) -> Decision | None:
    """Approve a registration: its protection window starts now, under the terms in force.
    None when this submission was already handled."""
    if _seen(session, submission_key):
        return None
    registration, partnership = _undecided(session, registration_id, actor)
    terms = terms_for(session, partnership.id)
    now = utcnow()
    before = snapshot(registration)
    _claim(
        session,
        registration,
        UNDECIDED,
        {
            "status": RegistrationStatus.APPROVED,
            "decided_by": actor.user_id,
            "decided_at": now,
            "decision_note": None,
            "rule_number": terms.rule_number,
            "rule_version": terms.rule_version,
            "protected_until": terms.protected_until(now),
        },
    )
    change = _change(
        session,
        registration,
        DealChangeKind.APPROVED,
        actor,
        Side.VENDOR,
        now,
        comment=terms.source,
        submission_key=submission_key,
        before=before,
    )
    reminders.plan_protection(session, registration, partnership)
    return Decision(registration, partnership, DealChangeKind.APPROVED, terms, change)


def reject(
    session: Session,
    registration_id: int,
    reason: str,
    actor: Actor,
    submission_key: str | None = None,
) -> Decision | None:
    """Reject a registration with a reason both sides read."""
    if _seen(session, submission_key):
        return None
    registration, partnership = _undecided(session, registration_id, actor)
    text = reply_text(reason, DealField.REASON, "reason")
    terms = terms_for(session, partnership.id)
    now = utcnow()
    before = snapshot(registration)
    _claim(
        session,
        registration,
        UNDECIDED,
        {
            "status": RegistrationStatus.REJECTED,
            "decided_by": actor.user_id,
            "decided_at": now,
            "decision_note": text,
            "rule_number": terms.rule_number,
            "rule_version": terms.rule_version,
            "protected_until": None,
        },
    )
    change = _change(
        session,
        registration,
        DealChangeKind.REJECTED,
        actor,
        Side.VENDOR,
        now,
        comment=text,
        submission_key=submission_key,
        before=before,
    )
    return Decision(registration, partnership, DealChangeKind.REJECTED, terms, change, text)


def ask(
    session: Session,
    registration_id: int,
    question: str,
    actor: Actor,
    submission_key: str | None = None,
) -> Decision | None:
    """Ask the partner for more before deciding; the registration waits for their answer."""
    if _seen(session, submission_key):
        return None
    registration, partnership = _undecided(session, registration_id, actor)
    text = reply_text(question, DealField.QUESTION, "question")
    terms = terms_for(session, partnership.id)
    now = utcnow()
    _claim(
        session,
        registration,
        UNDECIDED,
        {"status": RegistrationStatus.MORE_INFO, "decision_note": text},
    )
    change = _change(
        session,
        registration,
        DealChangeKind.ASKED,
        actor,
        Side.VENDOR,
        now,
        comment=text,
        submission_key=submission_key,
    )
    return Decision(registration, partnership, DealChangeKind.ASKED, terms, change, text)


def may_answer(partnership: Partnership, registration: Registration, actor: Actor) -> bool:
    """The partner's people answer the vendor's question (and whoever registered the deal)."""
    side = actor_side(partnership, actor)
    return side is Side.PARTNER or (
        side is not None and actor.user_id == registration.registered_by
    )


def require_answerable(session: Session, registration_id: int, actor: Actor) -> Registration:
    registration = get_registration(session, registration_id)
    partnership = get_partnership(session, registration.partnership_id)
    require_side(partnership, actor)
    if not may_answer(partnership, registration, actor):
        rep = registration.partner_rep
        raise NotAllowed(
            "{} answers the question"
            + (f": {mentions([rep])}, the deal's rep, with *Answer*." if rep else " with *Answer*.")
            + " To add something of your own, write in the card's thread.",
            quoting=(partnership.partner_name,),
        )
    if registration.status is not RegistrationStatus.MORE_INFO:
        raise Conflict(
            "{} isn't waiting for an answer: it is " + status_word(registration.status) + ".",
            quoting=(registration.label,),
        )
    return registration


def answer(
    session: Session,
    registration_id: int,
    text: str,
    actor: Actor,
    submission_key: str | None = None,
) -> Decision | None:
    """The partner's answer to the vendor's question: the registration waits for a decision
    again."""
    if _seen(session, submission_key):
        return None
    registration = require_answerable(session, registration_id, actor)
    partnership = get_partnership(session, registration.partnership_id)
    cleaned = reply_text(text, DealField.ANSWER, "answer")
    now = utcnow()
    try:
        _claim(
            session,
            registration,
            (RegistrationStatus.MORE_INFO,),
            {"status": RegistrationStatus.SUBMITTED},
        )
    except Conflict:
        raise Conflict(
            "{} isn't waiting for an answer: it is " + status_word(registration.status) + ".",
            quoting=(registration.label,),
        ) from None
    change = _change(
        session,
        registration,
        DealChangeKind.ANSWERED,
        actor,
        actor_side(partnership, actor),
        now,
        comment=cleaned,
        submission_key=submission_key,
    )
    terms = terms_for(session, partnership.id)
    reminders.plan_decision(session, registration, partnership, terms, since=now)
    return Decision(registration, partnership, DealChangeKind.ANSWERED, terms, change, cleaned)
