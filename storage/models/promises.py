"""Make-good promises a vendor person made to someone at the partner, and their history."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base
from storage.models.partnerships import Partnership, str_enum
from storage.types import UtcDateTime


class PromiseState(StrEnum):
    OPEN = "open"
    # The maker says it is done; only the partner's confirmation makes it kept.
    MADE_GOOD = "made_good_pending_confirmation"
    KEPT = "kept"
    RELEASED = "released"  # the partner let the maker off


OPEN_STATES = (PromiseState.OPEN, PromiseState.MADE_GOOD)


class PromiseEventKind(StrEnum):
    MADE = "made"
    REMINDED = "reminded"
    MADE_GOOD = "made_good"
    CONFIRMED = "confirmed"
    NOT_YET = "not_yet"
    SNOOZED = "snoozed"
    RENEGOTIATION_PROPOSED = "renegotiation_proposed"
    RENEGOTIATION_ACCEPTED = "renegotiation_accepted"
    RENEGOTIATION_DECLINED = "renegotiation_declined"
    RELEASED = "released"
    ACKNOWLEDGED = "acknowledged"  # the partner saw the promise and takes it as made
    DISPUTED = "disputed"  # the partner says it isn't what was agreed (with a note)


class Promise(Base):
    """A make-good promise: "accept this now (``raw_deal``: what the partner gives up) and I'll
    make it up to you by <date>".

    ``due_date`` is a calendar date in the maker's time zone (``time_zone``); ``due_at`` is the
    end of that day there, i.e. the first instant of the next local day, in UTC. A promise is
    overdue from ``due_at`` on, and kept on time when it was made good before ``due_at``.
    """

    __tablename__ = "promises"
    __table_args__ = (
        Index("ix_promises_partnership_id_state", "partnership_id", "state"),
        Index("ix_promises_maker_id_state", "maker_id", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    maker_id: Mapped[str] = mapped_column(String(32))
    owed_to_id: Mapped[str] = mapped_column(String(32))
    raw_deal: Mapped[str] = mapped_column(Text)
    promise: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    time_zone: Mapped[str] = mapped_column(String(64))
    state: Mapped[PromiseState] = mapped_column(str_enum(PromiseState), default=PromiseState.OPEN)
    # The modal submission (view id) that made it: a resubmitted view makes no second promise.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    made_at: Mapped[datetime] = mapped_column(UtcDateTime)
    made_good_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    made_good_note: Mapped[str | None] = mapped_column(Text)
    kept_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    kept_on_time: Mapped[bool | None] = mapped_column(Boolean)
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(32))
    snoozed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Bumped whenever the reminders are planned again (snooze, new date, "not yet").
    reminder_plan: Mapped[int] = mapped_column(Integer, default=1)
    # Reminders sent for the current due date; the next one's number sets its tone.
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    # A new date the maker asked for; it applies only once the partner accepts it.
    proposal_seq: Mapped[int] = mapped_column(Integer, default=0)
    proposed_due_date: Mapped[date | None] = mapped_column(Date)
    proposed_reason: Mapped[str | None] = mapped_column(Text)
    proposed_by: Mapped[str | None] = mapped_column(String(32))
    # Where the partner's note about this promise went (their DM, or the channel thread).
    partner_channel: Mapped[str | None] = mapped_column(String(32))
    partner_ts: Mapped[str | None] = mapped_column(String(32))
    in_thread: Mapped[bool] = mapped_column(Boolean, default=False)

    partnership: Mapped[Partnership] = relationship(lazy="joined")
    events: Mapped[list[PromiseEvent]] = relationship(
        back_populates="promise", order_by="PromiseEvent.id", lazy="selectin"
    )


class PromiseEvent(Base):
    """One step in a promise's life, appended and never changed."""

    __tablename__ = "promise_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    promise_id: Mapped[int] = mapped_column(
        ForeignKey("promises.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[PromiseEventKind] = mapped_column(str_enum(PromiseEventKind))
    actor_id: Mapped[str | None] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    on_date: Mapped[date | None] = mapped_column(Date)  # a proposed or accepted due date
    until: Mapped[datetime | None] = mapped_column(UtcDateTime)  # snoozed until
    reminder_number: Mapped[int | None] = mapped_column(Integer)

    promise: Mapped[Promise] = relationship(back_populates="events")
