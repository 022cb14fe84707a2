"""How much partnerbot posts in partnership channels on people's behalf.

Each effect that posts in a partnership's channel (a win's celebration, a proposal, a shared
rulebook or scorecard) is an outbox occurrence marked ``channel_post`` with the person who
caused it; the limits count those over the last hour, per person and per partnership, so one
person (or a script) can't flood a channel both companies read. Sharing the same thing again
within a few minutes points to the earlier post instead of posting it again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from bot.domain.clock import utcnow
from bot.domain.errors import Conflict
from storage.models import Occurrence, OccurrenceStatus

WINDOW = timedelta(hours=1)
LIMITS = "partnerbot.post_limits"  # where the request's limits travel on its session


@dataclass(frozen=True)
class PostLimits:
    """Posts in partnership channels per hour, and how long a repeated share links back."""

    per_person: int = 20
    per_partnership: int = 60
    repeat_share_minutes: int = 10


def limits_of(session: Session) -> PostLimits:
    limits = session.info.get(LIMITS)
    return limits if isinstance(limits, PostLimits) else PostLimits()


def _posts_since(
    session: Session, since: datetime, *conditions: ColumnElement[bool]
) -> tuple[int, datetime]:
    count, oldest = session.execute(
        select(func.count(), func.min(Occurrence.due_at)).where(
            Occurrence.channel_post.is_(True), Occurrence.due_at >= since, *conditions
        )
    ).one()
    return int(count or 0), oldest or since


def _minutes_until(oldest: datetime, now: datetime) -> int:
    return max(1, math.ceil((oldest + WINDOW - now).total_seconds() / 60))


def require_room(session: Session, partnership_id: int | None, actor: str | None) -> None:
    """Refuse (changing nothing) a post over the person's or the partnership's hourly limit."""
    limits, now = limits_of(session), utcnow()
    since = now - WINDOW
    if actor:
        mine, oldest = _posts_since(session, since, Occurrence.actor == actor)
        if mine >= limits.per_person:
            raise Conflict(
                f"You've had {mine} posts made in partnership channels in the last hour, the "
                f"most partnerbot makes for one person. Nothing was changed; try again in "
                f"{_minutes_until(oldest, now)} minutes."
            )
    if partnership_id is not None:
        ours, oldest = _posts_since(session, since, Occurrence.partnership_id == partnership_id)
        if ours >= limits.per_partnership:
            raise Conflict(
                f"partnerbot has posted {ours} times in this partnership's channel in the last "
                f"hour, the most it posts there. Nothing was changed; try again in "
                f"{_minutes_until(oldest, now)} minutes."
            )


def recent_share(
    session: Session, kind: str, partnership_id: int, digest: str
) -> Occurrence | None:
    """The same content shared in the channel a few minutes ago (sent), if there is one."""
    minutes = limits_of(session).repeat_share_minutes
    if minutes <= 0:
        return None
    since = utcnow() - timedelta(minutes=minutes)
    candidates = session.scalars(
        select(Occurrence)
        .where(
            Occurrence.kind == kind,
            Occurrence.partnership_id == partnership_id,
            Occurrence.status == OccurrenceStatus.SENT,
            Occurrence.due_at >= since,
        )
        .order_by(Occurrence.due_at.desc())
        .limit(5)
    )
    return next((o for o in candidates if (o.payload or {}).get("digest") == digest), None)
