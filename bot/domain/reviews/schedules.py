"""Review cadences: setting them, and turning due reviews into outbox occurrences."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from bot.domain import outbox, text
from bot.domain.clock import utcnow
from bot.domain.errors import Conflict, NotFound, collect
from bot.domain.fields import CadenceField
from bot.domain.partners.service import require_vendor
from bot.domain.people import Actor
from bot.domain.reviews import cadence as cad
from storage.models import (
    Occurrence,
    OccurrenceStatus,
    Partnership,
    PartnershipStatus,
    ReviewSchedule,
    Workspace,
)
from storage.queries import loaded

log = logging.getLogger(__name__)

PROMPT = "review_prompt"
MAX_CATCH_UP = 520  # ten years of weekly reviews: more is a data error, not downtime
CHUNK = 500


def prompt_key(schedule_id: int, nominal_on: date) -> str:
    return f"review:{schedule_id}:{nominal_on.isoformat()}"


def cadence_of(schedule: ReviewSchedule, partnership: Partnership) -> cad.Cadence:
    return cad.Cadence(
        every_weeks=schedule.every_weeks,
        weekday=schedule.weekday,
        at=schedule.at,
        time_zone=partnership.time_zone,
        holiday_country=partnership.holiday_country,
        anchor_on=schedule.anchor_on,
    )


# Read by every partnership summary: built once.
_SCHEDULE_OF = select(ReviewSchedule).where(
    ReviewSchedule.partnership_id == bindparam("partnership_id")
)


def schedule_of(session: Session, partnership_id: int) -> ReviewSchedule | None:
    return session.scalar(_SCHEDULE_OF, {"partnership_id": partnership_id})


def schedule_with(session: Session, partnership: Partnership) -> ReviewSchedule | None:
    """The partnership's schedule: as read with it (the hot reads join it in), else read."""
    if loaded(partnership, "review_schedule"):
        return partnership.review_schedule
    return schedule_of(session, partnership.id)


# -- materializing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Due:
    schedule_id: int
    partnership_id: int
    cadence: cad.Cadence
    next_on: date
    next_due_at: datetime


def _catch_up(due: _Due, now: datetime) -> tuple[list[cad.Slot], cad.Slot]:
    """The slots due by ``now`` (oldest first) and the first one after it."""
    passed = [cad.Slot(due.next_on, due.next_due_at)]  # its send time may have been moved
    for candidate in cad.slots(due.cadence, due.next_on + timedelta(days=1)):
        if candidate.due_at > now or len(passed) >= MAX_CATCH_UP:
            return passed, candidate
        passed.append(candidate)
    raise AssertionError("a weekly rule never ends")


def materialize_due(session: Session, now: datetime) -> int:
    """Enqueue the prompt of every review due by ``now``; returns how many were new.

    After downtime only the latest overdue review of a schedule is left pending; the older
    ones are recorded as skipped, and so is any older prompt still waiting for a retry.
    Schedules of partnerships that are not active, or of uninstalled workspaces, wait.
    On PostgreSQL concurrent tickers skip each other's schedules (SKIP LOCKED).
    """
    rows = session.execute(
        select(
            ReviewSchedule.id,
            ReviewSchedule.partnership_id,
            ReviewSchedule.every_weeks,
            ReviewSchedule.weekday,
            ReviewSchedule.at,
            ReviewSchedule.anchor_on,
            ReviewSchedule.next_on,
            ReviewSchedule.next_due_at,
            Partnership.time_zone,
            Partnership.holiday_country,
        )
        .join(Partnership, Partnership.id == ReviewSchedule.partnership_id)
        .join(Workspace, Workspace.team_id == Partnership.vendor_team_id)
        .where(
            ReviewSchedule.paused.is_(False),
            ReviewSchedule.next_due_at <= now,
            ReviewSchedule.next_on.is_not(None),
            Partnership.status == PartnershipStatus.ACTIVE,
            Workspace.active.is_(True),
        )
        .with_for_update(skip_locked=True, of=ReviewSchedule)
    ).all()
    if not rows:
        return 0
    occurrences: list[dict] = []
    advanced: list[dict] = []
    for r in rows:
        due = _Due(
            schedule_id=r.id,
            partnership_id=r.partnership_id,
            cadence=cad.Cadence(
                r.every_weeks, r.weekday, r.at, r.time_zone, r.holiday_country, r.anchor_on
            ),
            next_on=r.next_on,
            next_due_at=r.next_due_at,
        )
        passed, following = _catch_up(due, now)
        for index, slot in enumerate(passed):
            latest = index == len(passed) - 1
            occurrences.append(
                outbox.row(
                    PROMPT,
                    prompt_key(due.schedule_id, slot.nominal_on),
                    slot.due_at,
                    partnership_id=due.partnership_id,
                    subject_id=due.schedule_id,
                    payload={"nominal_on": slot.nominal_on.isoformat()},
                    status=OccurrenceStatus.PENDING if latest else OccurrenceStatus.SKIPPED,
                )
            )
        advanced.append(
            {
                "id": due.schedule_id,
                "next_on": following.nominal_on,
                "next_due_at": following.due_at,
            }
        )
    ids = [a["id"] for a in advanced]
    for start in range(0, len(ids), CHUNK):
        # Older prompts still waiting for a retry are superseded by the one due now.
        session.execute(
            update(Occurrence)
            .where(
                Occurrence.kind == PROMPT,
                Occurrence.subject_id.in_(ids[start : start + CHUNK]),
                Occurrence.status == OccurrenceStatus.PENDING,
            )
            .values(
                status=OccurrenceStatus.SKIPPED,
                last_error="superseded by a later review",
                finished_at=now,
            )
            .execution_options(synchronize_session=False)
        )
    added = outbox.enqueue_many(session, occurrences)
    session.execute(update(ReviewSchedule), advanced)
    log.debug("materialized %s review prompts (%s new rows)", len(advanced), added)
    return len(advanced)


def superseded(session: Session, occurrence: Occurrence) -> bool:
    """Whether a later prompt of the same schedule exists (this one is stale)."""
    later = session.scalar(
        select(Occurrence.id).where(
            Occurrence.kind == PROMPT,
            Occurrence.subject_id == occurrence.subject_id,
            Occurrence.due_at > occurrence.due_at,
            Occurrence.status != OccurrenceStatus.SKIPPED,
        )
    )
    return later is not None


# -- setting the cadence -----------------------------------------------------------------------


@dataclass(frozen=True)
class CadenceForm:
    """What the cadence modal says, as typed (validated by ``set_cadence``)."""

    every_weeks: str
    weekday: str
    at: str
    starting_on: date | None = None


def _parse(form: CadenceForm, today: date) -> tuple[int, int, time, date]:
    errors: dict[str, str] = {}
    every = weekday = 0
    at = time()
    try:
        every = int(form.every_weeks)
        if not cad.MIN_WEEKS <= every <= cad.MAX_WEEKS:
            raise ValueError
    except ValueError:
        errors[CadenceField.EVERY_WEEKS] = f"Choose every 1 to {cad.MAX_WEEKS} weeks."
    try:
        weekday = int(form.weekday)
        if not 0 <= weekday <= 4:
            raise ValueError
    except ValueError:
        errors[CadenceField.WEEKDAY] = "Choose a weekday, Monday to Friday."
    try:
        at = time.fromisoformat(form.at)
        if at.second or at.microsecond:
            raise ValueError
    except ValueError:
        errors[CadenceField.AT] = "Pick a time of day, e.g. 10:00."
    if form.starting_on is not None and form.starting_on < today - timedelta(days=366):
        errors[CadenceField.STARTING_ON] = "Start the cadence within the last year or later."
    collect(errors)
    start = form.starting_on or today
    return every, weekday, at, cad.first_on_or_after(start, weekday)


def _advance(schedule: ReviewSchedule, partnership: Partnership, now: datetime) -> None:
    upcoming = cad.next_slot(cadence_of(schedule, partnership), now)
    schedule.next_on, schedule.next_due_at = upcoming.nominal_on, upcoming.due_at


def local_today(partnership: Partnership, now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(ZoneInfo(partnership.time_zone)).date()


def set_cadence(
    session: Session, partnership: Partnership, form: CadenceForm, actor: Actor
) -> ReviewSchedule:
    """Create or change a partnership's review cadence (vendor side); resumes it if paused."""
    require_vendor(partnership, actor, "set the review cadence")
    _require_live(partnership)
    now = utcnow()
    every, weekday, at, anchor = _parse(form, local_today(partnership, now))
    schedule = schedule_of(session, partnership.id)
    if schedule is None:
        schedule = ReviewSchedule(partnership_id=partnership.id)
        session.add(schedule)
    schedule.every_weeks, schedule.weekday, schedule.at = every, weekday, at
    schedule.anchor_on = anchor
    schedule.paused, schedule.paused_reason = False, None
    schedule.updated_by, schedule.updated_at = actor.user_id, now
    _advance(schedule, partnership, now)
    session.flush()
    return schedule


def _require_live(partnership: Partnership) -> None:
    if partnership.status is PartnershipStatus.ENDED:
        raise Conflict("This partnership has ended; it has no reviews any more.")


def _require_schedule(session: Session, partnership: Partnership) -> ReviewSchedule:
    schedule = schedule_of(session, partnership.id)
    if schedule is None:
        raise NotFound(
            "{} has no review cadence yet. Run `/partner cadence` to set one.",
            quoting=(partnership.partner_name,),
        )
    return schedule


def pause(
    session: Session, partnership: Partnership, actor: Actor | None, reason: str
) -> ReviewSchedule:
    """Stop prompting reviews until someone resumes; ``actor`` None is partnerbot itself."""
    if actor is not None:
        require_vendor(partnership, actor, "pause the reviews")
    schedule = _require_schedule(session, partnership)
    schedule.paused, schedule.paused_reason = True, reason
    schedule.updated_by = actor.user_id if actor else "partnerbot"
    schedule.updated_at = utcnow()
    session.flush()
    return schedule


def resume(session: Session, partnership: Partnership, actor: Actor) -> ReviewSchedule:
    """Prompt again from the next review on the cadence (missed ones are not sent)."""
    require_vendor(partnership, actor, "resume the reviews")
    _require_live(partnership)
    schedule = _require_schedule(session, partnership)
    if not schedule.paused:
        raise Conflict("The reviews are not paused.")
    now = utcnow()
    schedule.paused, schedule.paused_reason = False, None
    schedule.updated_by, schedule.updated_at = actor.user_id, now
    _advance(schedule, partnership, now)
    session.flush()
    return schedule


def move_next(
    session: Session, partnership: Partnership, actor: Actor, day: date | None, at: str
) -> ReviewSchedule:
    """Move just the next review's prompt; the cadence after it is unchanged."""
    require_vendor(partnership, actor, "move the next review")
    schedule = _require_schedule(session, partnership)
    if schedule.paused:
        raise Conflict("The reviews are paused. Resume them first with `/partner cadence`.")
    errors: dict[str, str] = {}
    moment: datetime | None = None
    if day is None:
        errors[CadenceField.MOVE_ON] = "Pick the day of the next review."
    try:
        when = time.fromisoformat(at)
    except ValueError:
        errors[CadenceField.MOVE_AT] = "Pick a time of day, e.g. 10:00."
        when = None
    if day is not None and when is not None:
        moment = cad.to_utc(day, when, partnership.time_zone)
        if moment <= utcnow():
            errors[CadenceField.MOVE_ON] = "Pick a time in the future."
    collect(errors)
    assert moment is not None
    assert schedule.next_on is not None
    following = next(cad.slots(cadence_of(schedule, partnership), schedule.next_on + timedelta(1)))
    if moment >= following.due_at:
        raise Conflict(
            "That is on or after the review that follows it "
            f"({text.day(following.nominal_on)}); pick an earlier day, or change the cadence.",
            field=CadenceField.MOVE_ON,
        )
    schedule.next_due_at = moment
    schedule.updated_by, schedule.updated_at = actor.user_id, utcnow()
    session.flush()
    return schedule


@dataclass(frozen=True)
class Upcoming:
    partnership: Partnership
    due_at: datetime
    nominal_on: date


def upcoming_reviews(session: Session, now: datetime, until: datetime) -> list[Upcoming]:
    """Review prompts going out between now and ``until``, soonest first (for the CLI)."""
    found: list[Upcoming] = []
    rows = session.execute(
        select(ReviewSchedule, Partnership)
        .join(Partnership, Partnership.id == ReviewSchedule.partnership_id)
        .where(
            ReviewSchedule.paused.is_(False),
            ReviewSchedule.next_on.is_not(None),
            Partnership.status == PartnershipStatus.ACTIVE,
        )
    ).all()
    for schedule, partnership in rows:
        assert schedule.next_on is not None and schedule.next_due_at is not None
        if schedule.next_due_at <= until:
            found.append(Upcoming(partnership, schedule.next_due_at, schedule.next_on))
        for slot in cad.slots(cadence_of(schedule, partnership), schedule.next_on + timedelta(1)):
            if slot.due_at > until:
                break
            found.append(Upcoming(partnership, slot.due_at, slot.nominal_on))
    return sorted(found, key=lambda u: (u.due_at, u.partnership.partner_name))
