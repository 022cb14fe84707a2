"""Workspaces, the people we know, partnerships and who plays which part in them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base
from storage.types import UtcDateTime

if TYPE_CHECKING:
    from storage.models.reviews import ReviewSchedule


def str_enum(enum: type[StrEnum]) -> SAEnum:
    """Store a StrEnum as its value in a VARCHAR (portable, easy to migrate)."""
    return SAEnum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
    )


class Side(StrEnum):
    VENDOR = "vendor"
    PARTNER = "partner"


class PartnershipStatus(StrEnum):
    ACTIVE = "active"
    DISCONNECTED = "disconnected"  # the channel stopped being shared
    ENDED = "ended"


class ContactRole(StrEnum):
    EXECUTIVE = "executive"
    SALES = "sales"
    OPERATIONS = "operations"


class Workspace(Base):
    """A Slack workspace that installed partnerbot (the vendor side)."""

    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    installed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    uninstalled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Person(Base):
    """What we last learned about a Slack user (from users.info): their team, name and zone."""

    __tablename__ = "people"

    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_id: Mapped[str | None] = mapped_column(String(32))
    # Their organization on Enterprise Grid (users.info's enterprise_user), else None.
    enterprise_id: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(String(200))
    tz: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Partnership(Base):
    """A vendor workspace working with one partner organization in one shared channel."""

    __tablename__ = "partnerships"
    __table_args__ = (
        # One live partnership per channel; an ended one keeps its record and frees the channel.
        Index(
            "uq_partnerships_live_channel",
            "channel_id",
            unique=True,
            postgresql_where=text("status <> 'ended'"),
            sqlite_where=text("status <> 'ended'"),
        ),
        Index("ix_partnerships_vendor_team_id_status", "vendor_team_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    partner_name: Mapped[str] = mapped_column(String(200))
    # The workspace whose installation of partnerbot linked the channel: the vendor side.
    vendor_team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    partner_team_id: Mapped[str | None] = mapped_column(String(32))
    # On Enterprise Grid, each side's organization (E…): Slack may name a person's side by it.
    vendor_enterprise_id: Mapped[str | None] = mapped_column(String(32))
    partner_enterprise_id: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[PartnershipStatus] = mapped_column(
        str_enum(PartnershipStatus), default=PartnershipStatus.ACTIVE
    )
    time_zone: Mapped[str] = mapped_column(String(64))
    holiday_country: Mapped[str | None] = mapped_column(String(8))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    members: Mapped[list[Member]] = relationship(
        back_populates="partnership",
        cascade="all, delete-orphan",
        order_by="Member.id",
        lazy="selectin",
    )
    # Read with the partnership by the hot reads (bot.domain.partners.service), for the name
    # of the vendor side and the summary's review line. View-only: changed through their own
    # records, so a read earlier in a request doesn't see a later change.
    vendor_workspace: Mapped[Workspace | None] = relationship(viewonly=True)
    review_schedule: Mapped[ReviewSchedule | None] = relationship(viewonly=True)


class Member(Base):
    """A person's part in a partnership: owner, contact (with a role), approver of rules."""

    __tablename__ = "partnership_members"
    __table_args__ = (UniqueConstraint("partnership_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[str] = mapped_column(String(32), index=True)
    side: Mapped[Side] = mapped_column(str_enum(Side))
    is_owner: Mapped[bool] = mapped_column(Boolean, default=False)
    is_approver: Mapped[bool] = mapped_column(Boolean, default=False)
    # Vendor side: may decide deal registrations (owners always may).
    is_deal_approver: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )
    contact_role: Mapped[ContactRole | None] = mapped_column(str_enum(ContactRole))

    partnership: Mapped[Partnership] = relationship(back_populates="members")


class ProcessedEvent(Base):
    """Slack event ids already handled, so a retried delivery has no second effect."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
