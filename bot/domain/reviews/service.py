"""Reviews: a prompted cycle is held (with notes), snoozed a day, or skipped.

Anyone from either organization in the partnership may do these; outsiders may not.
Every change is a guarded UPDATE on the review's status, so double clicks and two people
acting at once change it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.domain import outbox
from bot.domain.clock import utcnow
from bot.domain.errors import Conflict, NotFound, collect
from bot.domain.fields import ReviewField
from bot.domain.partners.service import get_partnership, require_side
from bot.domain.people import Actor
from bot.domain.reviews import cadence as cad
from bot.domain.text import clean_text
from storage.models import Partnership, Review, ReviewSchedule, ReviewStatus
from storage.queries import insert_ignore

OVERDUE = "review_overdue"
SNOOZED = "review_snoozed"
PAUSED = "review_paused"
OVERDUE_AFTER_BUSINESS_DAYS = 2
MAX_TEXT = 2900
MAX_ATTENDEES = 50


def get_review(session: Session, review_id: int) -> Review:
    review = session.get(Review, review_id)
    if review is None:
        raise NotFound("That review no longer exists.")
    return review


def open_review(
    session: Session, partnership: Partnership, nominal_on: date, due_at: datetime
) -> Review:
    """The review of one cycle, created on its first prompt (idempotent)."""
    insert_ignore(
        session,
        Review,
        [
            {
                "partnership_id": partnership.id,
                "nominal_on": nominal_on,
                "due_at": due_at,
                "status": ReviewStatus.DUE,
                "snoozes": 0,
                "created_at": utcnow(),
            }
        ],
    )
    review = session.scalar(
        select(Review).where(
            Review.partnership_id == partnership.id, Review.nominal_on == nominal_on
        )
    )
    assert review is not None
    return review


def overdue_key(review: Review) -> str:
    return f"review-overdue:{review.id}:{review.snoozes}"


def prompted(session: Session, review: Review, partnership: Partnership, channel: str, ts: str):
    """The prompt is in the channel: remember where, and watch for it going unanswered."""
    review.channel, review.ts = channel, ts
    start = max(review.due_at, utcnow())
    outbox.enqueue(
        session,
        OVERDUE,
        overdue_key(review),
        cad.add_business_days(
            start, OVERDUE_AFTER_BUSINESS_DAYS, partnership.time_zone, partnership.holiday_country
        ),
        partnership_id=partnership.id,
        subject_id=review.id,
    )


def last_held(session: Session, partnership_id: int) -> Review | None:
    return session.scalar(
        select(Review)
        .where(Review.partnership_id == partnership_id, Review.status == ReviewStatus.HELD)
        .order_by(Review.held_on.desc(), Review.id.desc())
        .limit(1)
    )


def agenda_since(session: Session, partnership: Partnership) -> datetime:
    """Where the agenda starts: the day of the last review held, or the partnership's start."""
    held = last_held(session, partnership.id)
    if held is not None and held.held_on is not None:
        return datetime.combine(held.held_on, time(), ZoneInfo(partnership.time_zone)).astimezone(
            UTC
        )
    return partnership.created_at


@dataclass(frozen=True)
class HeldForm:
    """What the "Review held" modal says."""

    held_on: date | None
    attendees: list[str]
    notes: str
    next_steps: str


def _stop_reminders(session: Session, review: Review) -> None:
    outbox.cancel(session, OVERDUE, review.id)
    outbox.cancel(session, SNOOZED, review.id)


def _participant(session: Session, review: Review, actor: Actor) -> Partnership:
    partnership = get_partnership(session, review.partnership_id)
    require_side(partnership, actor)
    return partnership


def already_closed(review: Review) -> Conflict:
    if review.status is ReviewStatus.HELD:
        return Conflict(f"<@{review.closed_by}> already marked this review held.")
    return Conflict(f"<@{review.closed_by}> already skipped this review.")


def _guarded(session: Session, review: Review, **values: object) -> None:
    """Change an open review; refuse if someone closed it meanwhile."""
    result = session.execute(
        update(Review)
        .where(Review.id == review.id, Review.status == ReviewStatus.DUE)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.refresh(review)
    if not result.rowcount:  # type: ignore[attr-defined]
        raise already_closed(review)


def mark_held(session: Session, review_id: int, actor: Actor, form: HeldForm) -> Review:
    """Record that the review took place, with who attended, notes and next steps."""
    review = get_review(session, review_id)
    partnership = _participant(session, review, actor)
    today = utcnow().astimezone(ZoneInfo(partnership.time_zone)).date()
    errors: dict[str, str] = {}
    if form.held_on is None:
        errors[ReviewField.HELD_ON] = "Pick the day the review took place."
    elif form.held_on > today + timedelta(days=1):
        errors[ReviewField.HELD_ON] = "That day is still to come; record the review once held."
    if not form.attendees:
        errors[ReviewField.ATTENDEES] = "Name at least one person who attended."
    elif len(form.attendees) > MAX_ATTENDEES:
        errors[ReviewField.ATTENDEES] = f"Name up to {MAX_ATTENDEES} people."
    notes, next_steps = clean_text(form.notes), clean_text(form.next_steps)
    for name, value in (("review_notes", notes), ("review_next_steps", next_steps)):
        if len(value) > MAX_TEXT:
            errors[name] = f"Keep this under {MAX_TEXT} characters."
    collect(errors)
    if review.status is not ReviewStatus.DUE:
        raise already_closed(review)
    _guarded(
        session,
        review,
        status=ReviewStatus.HELD,
        held_on=form.held_on,
        attendees=form.attendees,
        notes=notes or None,
        next_steps=next_steps or None,
        closed_by=actor.user_id,
        closed_at=utcnow(),
    )
    _stop_reminders(session, review)
    return review


def snooze(session: Session, review_id: int, actor: Actor) -> Review:
    """Put the review off a day: a reminder in the thread tomorrow, overdue counted from it."""
    review = get_review(session, review_id)
    partnership = _participant(session, review, actor)
    if review.status is not ReviewStatus.DUE:
        raise already_closed(review)
    snoozes = review.snoozes
    result = session.execute(
        update(Review)
        .where(
            Review.id == review.id,
            Review.status == ReviewStatus.DUE,
            Review.snoozes == snoozes,
        )
        .values(snoozes=snoozes + 1)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise Conflict("Someone else just snoozed or closed this review.")
    session.refresh(review)
    _stop_reminders(session, review)
    remind_at = utcnow() + timedelta(days=1)
    outbox.enqueue(
        session,
        SNOOZED,
        f"review-snoozed:{review.id}:{review.snoozes}",
        remind_at,
        partnership_id=partnership.id,
        subject_id=review.id,
        payload={"by": actor.user_id},
    )
    outbox.enqueue(
        session,
        OVERDUE,
        overdue_key(review),
        cad.add_business_days(
            remind_at,
            OVERDUE_AFTER_BUSINESS_DAYS,
            partnership.time_zone,
            partnership.holiday_country,
        ),
        partnership_id=partnership.id,
        subject_id=review.id,
    )
    return review


def skip(session: Session, review_id: int, actor: Actor) -> Review:
    """Skip this cycle; the cadence goes on."""
    review = get_review(session, review_id)
    _participant(session, review, actor)
    if review.status is not ReviewStatus.DUE:
        raise already_closed(review)
    _guarded(
        session, review, status=ReviewStatus.SKIPPED, closed_by=actor.user_id, closed_at=utcnow()
    )
    _stop_reminders(session, review)
    return review


def still_open(review: Review) -> bool:
    return review.status is ReviewStatus.DUE


def notice_paused(
    session: Session, schedule: ReviewSchedule, partnership: Partnership, reason: str, key: str
) -> None:
    """After the cadence was paused by a Slack error, tell the owners (through the outbox)."""
    outbox.enqueue(
        session,
        PAUSED,
        f"review-paused:{key}",
        utcnow(),
        partnership_id=partnership.id,
        subject_id=schedule.id,
        payload={"reason": reason},
    )
