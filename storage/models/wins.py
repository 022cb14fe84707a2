"""Wins: closed deals and milestones, who is credited, the product lines, and the audit trail."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base
from storage.models.partnerships import Side, str_enum
from storage.types import UtcDateTime


class WinKind(StrEnum):
    DEAL = "deal"  # an opportunity closed
    MILESTONE = "milestone"  # subtler: a product line ramping, a first order, a certification


class WinChangeKind(StrEnum):
    EDITED = "edited"
    WITHDRAWN = "withdrawn"


class ProductLine(Base):
    """A product line the partner sells, kept per partnership so wins can name it."""

    __tablename__ = "product_lines"
    __table_args__ = (UniqueConstraint("partnership_id", "name_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100))  # casefolded: "Cloud" and "cloud" are one
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Win(Base):
    """A win logged by someone on either side and celebrated in the partnership's channel."""

    __tablename__ = "wins"
    __table_args__ = (Index("ix_wins_partnership_id_created_at", "partnership_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    # The modal's view id: a submission Slack delivers twice logs one win.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[WinKind] = mapped_column(str_enum(WinKind))
    headline: Mapped[str] = mapped_column(String(150))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    currency: Mapped[str | None] = mapped_column(String(3))  # ISO 4217
    product_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("product_lines.id", ondelete="SET NULL")
    )
    closed_on: Mapped[date] = mapped_column(Date)
    story: Mapped[str | None] = mapped_column(Text)
    logged_by: Mapped[str] = mapped_column(String(32))
    logged_by_side: Mapped[Side] = mapped_column(str_enum(Side))
    # The celebration in the partnership channel, and its copy in the internal wins channel.
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    copy_channel_id: Mapped[str | None] = mapped_column(String(32))
    copy_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    edited_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    credits: Mapped[list[WinCredit]] = relationship(
        back_populates="win", cascade="all, delete-orphan", order_by="WinCredit.id", lazy="selectin"
    )
    product_line: Mapped[ProductLine | None] = relationship(lazy="joined")

    def credited(self, side: Side) -> list[str]:
        return [c.user_id for c in self.credits if c.side is side]


class WinCredit(Base):
    """A person credited with a win, on the vendor or the partner side."""

    __tablename__ = "win_credits"
    __table_args__ = (UniqueConstraint("win_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    win_id: Mapped[int] = mapped_column(ForeignKey("wins.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32), index=True)
    side: Mapped[Side] = mapped_column(str_enum(Side))

    win: Mapped[Win] = relationship(back_populates="credits")


class WinChange(Base):
    """The audit trail: each edit or withdrawal of a win, who made it and what was there before."""

    __tablename__ = "win_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    win_id: Mapped[int] = mapped_column(ForeignKey("wins.id", ondelete="CASCADE"), index=True)
    change: Mapped[WinChangeKind] = mapped_column(str_enum(WinChangeKind))
    changed_by: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    before: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The edit modal's view id (a withdrawal has none): an edit delivered twice is one change.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
