"""Make-good promises: making one, who may do what to it, and its reminders in the outbox.

Every change is a guarded UPDATE (``WHERE state IN ...``), so a double click or a resubmitted
modal changes nothing the second time and gets a plain explanation instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain import outbox
from bot.domain.clock import utcnow
from bot.domain.errors import Conflict, NotAllowed, NotFound, collect
from bot.domain.fields import PromiseField
from bot.domain.partners.service import (
    is_owner,
    mentions,
    named_approvers,
    owners,
    require_side,
    require_vendor,
    side_of,
)
from bot.domain.people import Actor, known
from bot.domain.promises import plan as plan
from bot.domain.text import clean_text as without_format_characters
from storage.models import (
    OPEN_STATES,
    Partnership,
    PartnershipStatus,
    Promise,
    PromiseEvent,
    PromiseEventKind,
    PromiseState,
    Side,
)

REMINDER_KIND = "promise_reminder"
MAX_TEXT = 1000
MAX_NOTE = 500


@dataclass(frozen=True)
class PromiseForm:
    owed_to: str | None
    raw_deal: str
    promise: str
    due_date: date | None


def calendar_of(promise: Promise) -> plan.Calendar:
    return plan.Calendar(promise.time_zone, promise.partnership.holiday_country)


def get_promise(session: Session, promise_id: int) -> Promise:
    promise = session.get(Promise, promise_id)
    if promise is None:
        raise NotFound("That promise no longer exists.")
    return promise


def record_event(
    session: Session, promise: Promise, kind: PromiseEventKind, actor: str | None, **values: Any
) -> None:
    session.add(
        PromiseEvent(promise_id=promise.id, kind=kind, actor_id=actor, at=utcnow(), **values)
    )


def clean_text(value: str, limit: int, field: str, what: str, errors: dict[str, str]) -> str:
    """A text a person typed, trimmed and without invisible format characters (zero-width,
    bidi overrides); an error in ``errors`` if it is empty or too long."""
    value = without_format_characters(value)
    if not value:
        errors[field] = f"Say {what}."
    elif len(value) > limit:
        errors[field] = f"Keep it under {limit} characters."
    return value


# -- who may do what ---------------------------------------------------------------------------
def require_maker_or_owner(promise: Promise, actor: Actor, doing: str) -> None:
    p = promise.partnership
    require_side(p, actor)  # an outsider learns nothing of who or which partner
    if side_of(p, actor.team_id) is Side.VENDOR and (
        actor.user_id == promise.maker_id or is_owner(p, actor.user_id)
    ):
        return
    raise NotAllowed(
        f"Only <@{promise.maker_id}>, who made this promise, or an owner of the "
        f"{{}} partnership ({mentions(owners(p))}) can {doing}. Nothing was changed.",
        quoting=(p.partner_name,),
    )


def require_owed_to(promise: Promise, actor: Actor, doing: str) -> None:
    p = promise.partnership
    require_side(p, actor)  # an outsider learns nothing of who or which partner
    allowed = [promise.owed_to_id, *named_approvers(p, Side.PARTNER)]
    if side_of(p, actor.team_id) is Side.PARTNER and actor.user_id in allowed:
        return
    raise NotAllowed(
        f"Only {mentions(dict.fromkeys(allowed))} at {{}}, to whom this promise was "
        f"made, can {doing}. Nothing was changed.",
        quoting=(p.partner_name,),
    )


def closed_message(promise: Promise) -> str:
    if promise.state is PromiseState.KEPT:
        return "This promise is already kept and closed; nothing was changed."
    if promise.state is PromiseState.RELEASED:
        return "The partner already released this promise; nothing was changed."
    if promise.state is PromiseState.MADE_GOOD:
        return (
            f"This promise is already marked made good and waits for <@{promise.owed_to_id}> "
            "to confirm it; nothing was changed."
        )
    return "This promise is still open: it hasn't been marked made good yet."


def transition(
    session: Session,
    promise: Promise,
    from_states: tuple[PromiseState, ...],
    *conditions: Any,
    **values: Any,
) -> bool:
    """Change a promise only if it is still in one of ``from_states`` (and ``conditions``).

    Raises Conflict, saying why, when the state has moved on; returns False when only the
    extra conditions did not hold (the same change was already made).
    """
    result = session.execute(
        update(Promise)
        .where(Promise.id == promise.id, Promise.state.in_(from_states), *conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.refresh(promise)
    if result.rowcount:  # type: ignore[attr-defined]
        return True
    if promise.state not in from_states:
        raise Conflict(closed_message(promise))
    return False


# -- reminders in the outbox -------------------------------------------------------------------
def _enqueue_reminder(session: Session, promise: Promise, number: int, at: datetime) -> None:
    outbox.enqueue(
        session,
        REMINDER_KIND,
        f"promise:{promise.id}:{promise.reminder_plan}:{number}",
        at,
        partnership_id=promise.partnership_id,
        subject_id=promise.id,
        payload={"plan": promise.reminder_plan, "number": number},
    )


def plan_next_reminder(session: Session, promise: Promise, after: datetime) -> datetime | None:
    """Enqueue the promise's next reminder after ``after``; returns when it goes."""
    at = plan.next_reminder(promise.due_date, calendar_of(promise), after)
    if at is not None:
        _enqueue_reminder(session, promise, promise.reminders_sent + 1, at)
    return at


def replan(session: Session, promise: Promise, first_at: datetime | None) -> None:
    """Drop pending reminders and plan anew (the promise's reminder_plan was bumped)."""
    outbox.cancel(session, REMINDER_KIND, promise.id)
    if promise.state is not PromiseState.OPEN:
        return
    if first_at is not None:
        _enqueue_reminder(session, promise, promise.reminders_sent + 1, first_at)
    else:
        plan_next_reminder(session, promise, utcnow())


def reminder_is_current(promise: Promise | None, payload: dict[str, Any]) -> str | None:
    """Why a reminder should not be sent (None if it should)."""
    if promise is None:
        return "the promise no longer exists"
    if promise.state is not PromiseState.OPEN:
        return f"the promise is {promise.state.value}"
    if promise.partnership.status is PartnershipStatus.ENDED:
        return "the partnership has ended"
    if payload.get("plan") != promise.reminder_plan:
        return "the reminders were planned again"
    return None


def reminded(session: Session, promise: Promise, number: int, now: datetime) -> datetime | None:
    """Record a reminder that went out and enqueue the one after it."""
    session.execute(
        update(Promise)
        .where(Promise.id == promise.id)
        .values(reminders_sent=number)
        .execution_options(synchronize_session=False)
    )
    session.refresh(promise)
    record_event(session, promise, PromiseEventKind.REMINDED, None, reminder_number=number)
    return plan_next_reminder(session, promise, now)


# -- making a promise --------------------------------------------------------------------------
def make_promise(
    session: Session,
    partnership: Partnership,
    form: PromiseForm,
    actor: Actor,
    maker_time_zone: str,
    submission_key: str,
) -> tuple[Promise, bool]:
    """Record a promise; returns it and whether it is new (a resubmitted view is not)."""
    require_vendor(partnership, actor, "make promises to their partner")
    existing = session.scalar(select(Promise).where(Promise.submission_key == submission_key))
    if existing is not None:
        return existing, False
    errors: dict[str, str] = {}
    raw_deal = clean_text(
        form.raw_deal, MAX_TEXT, PromiseField.RAW_DEAL, "what they accepted", errors
    )
    text = clean_text(form.promise, MAX_TEXT, PromiseField.TEXT, "what you promise", errors)
    calendar = plan.Calendar(maker_time_zone, partnership.holiday_country)
    if form.due_date is None:
        errors[PromiseField.DUE] = "Pick the date you'll make good by."
    elif form.due_date < calendar.today(utcnow()):
        errors[PromiseField.DUE] = "That date is in the past; pick today or a later date."
    person = known(session, [form.owed_to]).get(form.owed_to or "") if form.owed_to else None
    if not form.owed_to:
        errors[PromiseField.OWED_TO] = "Pick the partner contact you make the promise to."
    elif person is None or person.team_id is None:
        errors[PromiseField.OWED_TO] = f"Couldn't look up <@{form.owed_to}>; try again in a moment."
    elif side_of(partnership, person.team_id) is not Side.PARTNER:
        errors[PromiseField.OWED_TO] = (
            f"<@{form.owed_to}> isn't at {partnership.partner_name}: a make-good promise is made "
            "to someone on the partner side."
        )
    collect(errors)
    assert form.due_date is not None and form.owed_to is not None
    now = utcnow()
    promise = Promise(
        partnership_id=partnership.id,
        maker_id=actor.user_id,
        owed_to_id=form.owed_to,
        raw_deal=raw_deal,
        promise=text,
        due_date=form.due_date,
        due_at=plan.due_at(form.due_date, maker_time_zone),
        time_zone=maker_time_zone,
        state=PromiseState.OPEN,
        submission_key=submission_key,
        made_at=now,
        reminder_plan=1,
        reminders_sent=0,
        proposal_seq=0,
        in_thread=False,
    )
    try:
        with session.begin_nested():
            session.add(promise)
            session.flush()
    except IntegrityError:  # the same view submitted twice at once
        existing = session.scalar(select(Promise).where(Promise.submission_key == submission_key))
        if existing is None:
            raise
        return existing, False
    promise.partnership = partnership
    record_event(session, promise, PromiseEventKind.MADE, actor.user_id, on_date=form.due_date)
    plan_next_reminder(session, promise, now)
    return promise, True


def partner_note_sent(
    session: Session, promise: Promise, channel: str, ts: str, in_thread: bool
) -> None:
    """Remember where the partner's note went, so later notes follow it there."""
    promise.partner_channel, promise.partner_ts, promise.in_thread = channel, ts, in_thread
    session.flush()


@dataclass(frozen=True)
class OpenPromises:
    """A partnership's promises not yet closed; ``overdue`` are those of them past due."""

    open: list[Promise]
    overdue: list[Promise]


def promises_open_and_overdue(session: Session, partnership_id: int, now: datetime) -> OpenPromises:
    """What a review goes over: promises not closed yet (those made good but waiting for the
    partner's confirmation included), by due date, and the overdue ones: still open (not
    marked made good) at or after the end of their due date."""
    rows = list(
        session.scalars(
            select(Promise)
            .where(Promise.partnership_id == partnership_id, Promise.state.in_(OPEN_STATES))
            .order_by(Promise.due_at, Promise.id)
        )
    )
    overdue = [p for p in rows if p.state is PromiseState.OPEN and p.due_at <= now]
    return OpenPromises(open=rows, overdue=overdue)
