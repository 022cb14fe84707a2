"""Review rhythm: each partnership's review cadence and the reviews it prompted."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.models.partnerships import str_enum
from storage.types import UtcDateTime


class ReviewSchedule(Base):
    """A partnership's cadence: every N weeks on a weekday at a local time, from an anchor.

    The zone and holiday country are the partnership's. ``next_on`` is the nominal local date
    of the next review (the cadence's own date, before weekends and holidays move the send);
    ``next_due_at`` is when its prompt goes out (UTC), which an owner may move.
    """

    __tablename__ = "review_schedules"
    __table_args__ = (Index("ix_review_schedules_paused_next_due_at", "paused", "next_due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), unique=True
    )
    every_weeks: Mapped[int] = mapped_column(Integer)
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    at: Mapped[time] = mapped_column(Time)
    anchor_on: Mapped[date] = mapped_column(Date)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_reason: Mapped[str | None] = mapped_column(Text)
    next_on: Mapped[date | None] = mapped_column(Date)
    next_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ReviewStatus(StrEnum):
    DUE = "due"  # prompted, waiting for someone to say it was held
    HELD = "held"
    SKIPPED = "skipped"


class Review(Base):
    """One cycle of a partnership's reviews: prompted on ``nominal_on``, then held or skipped."""

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("partnership_id", "nominal_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    nominal_on: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[ReviewStatus] = mapped_column(str_enum(ReviewStatus), default=ReviewStatus.DUE)
    snoozes: Mapped[int] = mapped_column(Integer, default=0)
    channel: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    held_on: Mapped[date | None] = mapped_column(Date)
    attendees: Mapped[list[Any] | None] = mapped_column(JSON)
    notes: Mapped[str | None] = mapped_column(Text)
    next_steps: Mapped[str | None] = mapped_column(Text)
    closed_by: Mapped[str | None] = mapped_column(String(32))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
