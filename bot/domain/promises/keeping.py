"""A promise's life after it is made: made good, confirmed or "not yet", snoozed,
renegotiated, released.

The maker (or an owner of the partnership) marks it made good, snoozes or asks for a new
date; the person it is owed to (or a named partner approver) confirms, says "not yet",
answers the new date or releases the maker. Only a confirmation makes a promise kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from bot.domain import outbox
from bot.domain.clock import utcnow
from bot.domain.errors import Conflict, collect
from bot.domain.fields import PromiseField
from bot.domain.people import Actor
from bot.domain.promises import plan as plan
from bot.domain.promises.service import (
    MAX_NOTE,
    REMINDER_KIND,
    calendar_of,
    clean_text,
    closed_message,
    record_event,
    replan,
    require_maker_or_owner,
    require_owed_to,
    transition,
)
from storage.models import OPEN_STATES, Promise, PromiseEvent, PromiseEventKind, PromiseState


@dataclass(frozen=True)
class Proposal:
    """A new date the maker asked for, as the partner's Accept/Decline buttons name it."""

    promise_id: int
    seq: int


def made_good(session: Session, promise: Promise, actor: Actor, note: str) -> Promise:
    """The maker says the promise is made good; the partner is asked to confirm."""
    require_maker_or_owner(promise, actor, "mark it made good")
    errors: dict[str, str] = {}
    note = clean_text(note, MAX_NOTE, PromiseField.NOTE, "briefly what you did", errors)
    collect(errors)
    transition(
        session,
        promise,
        (PromiseState.OPEN,),
        state=PromiseState.MADE_GOOD,
        made_good_at=utcnow(),
        made_good_note=note,
    )
    outbox.cancel(session, REMINDER_KIND, promise.id)
    record_event(session, promise, PromiseEventKind.MADE_GOOD, actor.user_id, note=note)
    return promise


def confirm(session: Session, promise: Promise, actor: Actor) -> Promise:
    """The partner confirms it was made good: the promise is kept (on time or late)."""
    require_owed_to(promise, actor, "confirm it was made good")
    now = utcnow()
    on_time = promise.made_good_at is not None and promise.made_good_at < promise.due_at
    transition(
        session,
        promise,
        (PromiseState.MADE_GOOD,),
        state=PromiseState.KEPT,
        kept_at=now,
        kept_on_time=on_time,
        closed_by=actor.user_id,
        proposed_due_date=None,
        proposed_reason=None,
        proposed_by=None,
    )
    outbox.cancel(session, REMINDER_KIND, promise.id)
    record_event(session, promise, PromiseEventKind.CONFIRMED, actor.user_id)
    return promise


def not_yet(session: Session, promise: Promise, actor: Actor, comment: str) -> Promise:
    """The partner says it isn't made good yet: it is open again and reminders resume."""
    require_owed_to(promise, actor, "answer whether it was made good")
    errors: dict[str, str] = {}
    comment = clean_text(comment, MAX_NOTE, PromiseField.COMMENT, "what is still missing", errors)
    collect(errors)
    transition(
        session,
        promise,
        (PromiseState.MADE_GOOD,),
        state=PromiseState.OPEN,
        made_good_at=None,
        reminder_plan=Promise.reminder_plan + 1,
    )
    record_event(session, promise, PromiseEventKind.NOT_YET, actor.user_id, note=comment)
    replan(session, promise, None)
    return promise


def snooze(session: Session, promise: Promise, actor: Actor, option: plan.Snooze) -> Promise:
    """No reminder before the chosen business day; the plan goes on from there."""
    require_maker_or_owner(promise, actor, "snooze its reminders")
    until = plan.snooze_until(option, calendar_of(promise), utcnow())
    changed = transition(
        session,
        promise,
        (PromiseState.OPEN,),
        or_(Promise.snoozed_until.is_(None), Promise.snoozed_until != until),
        snoozed_until=until,
        reminder_plan=Promise.reminder_plan + 1,
    )
    if not changed:
        return promise  # the same snooze, clicked twice
    record_event(session, promise, PromiseEventKind.SNOOZED, actor.user_id, until=until)
    replan(session, promise, until)
    return promise


def propose_date(
    session: Session, promise: Promise, actor: Actor, new_date: date | None, reason: str
) -> Proposal:
    """Ask the partner for a new due date; the old one stands until they accept."""
    require_maker_or_owner(promise, actor, "ask for a new date")
    errors: dict[str, str] = {}
    reason = clean_text(reason, MAX_NOTE, PromiseField.REASON, "why you need a new date", errors)
    if new_date is None:
        errors[PromiseField.NEW_DATE] = "Pick the new date you propose."
    elif new_date < calendar_of(promise).today(utcnow()):
        errors[PromiseField.NEW_DATE] = "That date is in the past; pick today or a later date."
    elif new_date == promise.due_date:
        errors[PromiseField.NEW_DATE] = "That is the date already agreed; pick another one."
    collect(errors)
    transition(
        session,
        promise,
        OPEN_STATES,
        proposal_seq=Promise.proposal_seq + 1,
        proposed_due_date=new_date,
        proposed_reason=reason,
        proposed_by=actor.user_id,
    )
    record_event(
        session,
        promise,
        PromiseEventKind.RENEGOTIATION_PROPOSED,
        actor.user_id,
        on_date=new_date,
        note=reason,
    )
    return Proposal(promise.id, promise.proposal_seq)


def _answer_proposal(
    session: Session, promise: Promise, seq: int, accept: bool, actor: Actor
) -> date:
    require_owed_to(promise, actor, "answer a request for a new date")
    proposed = promise.proposed_due_date
    values: dict[str, object] = {
        "proposed_due_date": None,
        "proposed_reason": None,
        "proposed_by": None,
    }
    if accept and proposed is not None:
        values.update(
            due_date=proposed,
            due_at=plan.due_at(proposed, promise.time_zone),
            reminder_plan=Promise.reminder_plan + 1,
            reminders_sent=0,
            snoozed_until=None,
        )
    result = session.execute(
        update(Promise)
        .where(
            Promise.id == promise.id,
            Promise.state.in_(OPEN_STATES),
            Promise.proposal_seq == seq,
            Promise.proposed_due_date.is_not(None),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.refresh(promise)
    if not result.rowcount or proposed is None:  # type: ignore[attr-defined]
        if promise.state not in OPEN_STATES:
            raise Conflict("This promise is already closed; nothing was changed.")
        raise Conflict("This request for a new date was already answered or replaced.")
    kind = (
        PromiseEventKind.RENEGOTIATION_ACCEPTED
        if accept
        else PromiseEventKind.RENEGOTIATION_DECLINED
    )
    record_event(session, promise, kind, actor.user_id, on_date=proposed)
    if accept:
        replan(session, promise, None)
    return proposed


def accept_date(session: Session, promise: Promise, seq: int, actor: Actor) -> date:
    """The partner accepts the new date: it becomes the due date and reminders start over."""
    return _answer_proposal(session, promise, seq, True, actor)


def decline_date(session: Session, promise: Promise, seq: int, actor: Actor) -> date:
    """The partner declines: the agreed date stays."""
    return _answer_proposal(session, promise, seq, False, actor)


def answered_by_partner(promise: Promise) -> PromiseEvent | None:
    """The partner's first answer to the promise as made (acknowledged, or "that's not what
    we agreed"), if they gave one."""
    first = (PromiseEventKind.ACKNOWLEDGED, PromiseEventKind.DISPUTED)
    return next((e for e in promise.events if e.kind in first), None)


def acknowledge(session: Session, promise: Promise, actor: Actor) -> bool:
    """The partner takes the promise as made; the maker is told. False if they (or another
    approver) already answered it: a double click changes nothing."""
    require_owed_to(promise, actor, "acknowledge it")
    return _first_answer(session, promise, actor, PromiseEventKind.ACKNOWLEDGED, None)


def dispute(session: Session, promise: Promise, actor: Actor, note: str) -> bool:
    """The partner says the promise isn't what was agreed, with a note for the maker; it
    stays open (the maker can talk it through, ask for a new date; the partner can still
    release it). False if it was already answered."""
    require_owed_to(promise, actor, "answer it")
    errors: dict[str, str] = {}
    note = clean_text(note, MAX_NOTE, PromiseField.COMMENT, "what you agreed instead", errors)
    collect(errors)
    return _first_answer(session, promise, actor, PromiseEventKind.DISPUTED, note)


def _first_answer(
    session: Session,
    promise: Promise,
    actor: Actor,
    kind: PromiseEventKind,
    note: str | None,
) -> bool:
    # Lock the promise row while deciding (PostgreSQL), so two answers at once record one.
    session.execute(
        update(Promise)
        .where(Promise.id == promise.id)
        .values(reminder_plan=Promise.reminder_plan)
        .execution_options(synchronize_session=False)
    )
    session.refresh(promise, ["state", "events"])
    if promise.state not in OPEN_STATES:
        raise Conflict(closed_message(promise))
    if answered_by_partner(promise) is not None:
        return False
    record_event(session, promise, kind, actor.user_id, note=note)
    session.flush()
    session.refresh(promise, ["events"])
    return True


def release(session: Session, promise: Promise, actor: Actor) -> Promise:
    """The partner lets the maker off the promise; it is closed and no longer reminded."""
    require_owed_to(promise, actor, "release this promise")
    transition(
        session,
        promise,
        OPEN_STATES,
        state=PromiseState.RELEASED,
        released_at=utcnow(),
        closed_by=actor.user_id,
        proposed_due_date=None,
        proposed_reason=None,
        proposed_by=None,
    )
    outbox.cancel(session, REMINDER_KIND, promise.id)
    record_event(session, promise, PromiseEventKind.RELEASED, actor.user_id)
    return promise
