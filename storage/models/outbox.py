"""The reminder outbox: every message partnerbot sends on a schedule is an occurrence here."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.models.partnerships import str_enum
from storage.types import UtcDateTime


class OccurrenceStatus(StrEnum):
    PENDING = "pending"  # waiting for its time (or for its next attempt)
    SENDING = "sending"  # claimed by a ticker until lease_until
    SENT = "sent"
    SKIPPED = "skipped"  # nothing to send any more, or superseded by a later occurrence
    FAILED = "failed"  # Slack said it won't pass, or attempts ran out


class Occurrence(Base):
    """One thing to send at one time, with a unique key so it is never sent twice.

    ``next_attempt_at`` is when the occurrence may next be claimed: its due time at first,
    later the time of its next retry.
    """

    __tablename__ = "occurrences"
    __table_args__ = (
        Index("ix_occurrences_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_occurrences_kind_subject_id", "kind", "subject_id"),
        Index("ix_occurrences_actor_due_at", "actor", "due_at"),
        Index("ix_occurrences_partnership_id_due_at", "partnership_id", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(200), unique=True)
    partnership_id: Mapped[int | None] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    subject_id: Mapped[int | None] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[OccurrenceStatus] = mapped_column(
        str_enum(OccurrenceStatus), default=OccurrenceStatus.PENDING
    )
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    channel: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Who made the change an effect follows, and whether it posts in a partnership's channel
    # (what the per-person and per-partnership post limits count).
    actor: Mapped[str | None] = mapped_column(String(32))
    channel_post: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
