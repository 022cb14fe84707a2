"""Deal registration: opportunities a partner registers, the vendor's decisions, the funnel.

A registration is numbered D-1, D-2 ... per partnership. Its account is matched across all of
a vendor's partnerships by a normalized name key (and a domain when one is given), which is
what the conflict check reads; every change to a registration is kept in ``deal_changes``.
"""

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
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.models.partnerships import Side, str_enum
from storage.types import UtcDateTime


class DealStage(StrEnum):
    """Where the opportunity stands in the sale; won and lost are statuses, not stages."""

    QUALIFYING = "qualifying"
    DISCOVERY = "discovery"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    COMMIT = "commit"


class RegistrationStatus(StrEnum):
    SUBMITTED = "submitted"  # waiting for the vendor's decision
    MORE_INFO = "more_info"  # the vendor asked a question; waiting for the partner's answer
    APPROVED = "approved"  # protected until ``protected_until``
    REJECTED = "rejected"
    EXPIRED = "expired"  # the protection window ended without a win
    WON = "won"
    LOST = "lost"


# Registrations that still claim their account (the conflict check looks only at these).
ACTIVE_REGISTRATION = (
    RegistrationStatus.SUBMITTED,
    RegistrationStatus.MORE_INFO,
    RegistrationStatus.APPROVED,
)


class DealChangeKind(StrEnum):
    REGISTERED = "registered"
    IMPORTED = "imported"  # created or changed by a CRM import
    UPDATED = "updated"  # stage, amount, close date (``before``/``after`` say which)
    APPROVED = "approved"
    REJECTED = "rejected"
    ASKED = "asked"  # the vendor asked for more
    ANSWERED = "answered"  # the partner answered the question
    EXTENDED = "extended"
    EXPIRED = "expired"
    WON = "won"
    LOST = "lost"
    WIN_WITHDRAWN = "win_withdrawn"  # its win was withdrawn: back to where it was before


class ConflictReason(StrEnum):
    SAME_ACCOUNT = "same_account"  # the same normalized account name is registered and active
    SAME_DOMAIN = "same_domain"  # the same account domain is registered and active
    ALREADY_WON = "already_won"  # a win in a partnership of this vendor names the account


class Registration(Base):
    """One opportunity a partner registered with the vendor, and where it stands."""

    __tablename__ = "deal_registrations"
    __table_args__ = (
        UniqueConstraint("partnership_id", "number"),
        # The CRM's opportunity id is unique per vendor: an import is idempotent by it.
        UniqueConstraint("vendor_team_id", "crm_id"),
        Index("ix_deal_registrations_vendor_account_key", "vendor_team_id", "account_key"),
        Index("ix_deal_registrations_vendor_account_domain", "vendor_team_id", "account_domain"),
        Index("ix_deal_registrations_partnership_status", "partnership_id", "status"),
        Index("ix_deal_registrations_status_protected_until", "status", "protected_until"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    # Copied from the partnership so conflicts across one vendor's partnerships are one index.
    vendor_team_id: Mapped[str] = mapped_column(String(32))
    number: Mapped[int] = mapped_column(Integer)
    # The modal's view id (or the import's row key): a submission delivered twice is one deal.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    crm_id: Mapped[str | None] = mapped_column(String(64))
    account_name: Mapped[str] = mapped_column(String(200))
    account_key: Mapped[str] = mapped_column(String(200))  # normalized: "ACME, Inc." ~ "acme"
    account_domain: Mapped[str | None] = mapped_column(String(200))  # lowercased, no www.
    opportunity: Mapped[str] = mapped_column(String(150))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    currency: Mapped[str | None] = mapped_column(String(3))  # ISO 4217
    product_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("product_lines.id", ondelete="SET NULL")
    )
    close_on: Mapped[date] = mapped_column(Date)
    stage: Mapped[DealStage] = mapped_column(str_enum(DealStage))
    partner_rep: Mapped[str | None] = mapped_column(String(32))  # a Slack user id
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[RegistrationStatus] = mapped_column(
        str_enum(RegistrationStatus), default=RegistrationStatus.SUBMITTED
    )
    registered_by: Mapped[str] = mapped_column(String(32))
    registered_by_side: Mapped[Side] = mapped_column(str_enum(Side))
    # The registration card in the partnership's channel.
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    # The last decision, and the rule (number and version) whose terms it applied; none when
    # the defaults applied.
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)  # a reason, or the question asked
    rule_number: Mapped[int | None] = mapped_column(Integer)
    rule_version: Mapped[int | None] = mapped_column(Integer)
    protected_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    extensions: Mapped[int] = mapped_column(Integer, default=0)
    win_id: Mapped[int | None] = mapped_column(
        ForeignKey("wins.id", ondelete="SET NULL"), unique=True
    )
    lost_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Last change of stage, amount or close date: what "stale" is measured from.
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    @property
    def label(self) -> str:
        return f"D-{self.number}"


class DealChange(Base):
    """The funnel's history: each change to a registration, who made it, when, before/after."""

    __tablename__ = "deal_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("deal_registrations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[DealChangeKind] = mapped_column(str_enum(DealChangeKind))
    changed_by: Mapped[str] = mapped_column(String(32))  # a user id, or "import"
    side: Mapped[Side | None] = mapped_column(str_enum(Side))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)
    # The modal's view id: an update delivered twice is one change.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)


class DealConflict(Base):
    """What the conflict check found when a registration was submitted (or imported)."""

    __tablename__ = "deal_conflicts"
    __table_args__ = (
        UniqueConstraint("registration_id", "other_registration_id", "win_id", "reason"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("deal_registrations.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[ConflictReason] = mapped_column(str_enum(ConflictReason))
    other_partnership_id: Mapped[int | None] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE")
    )
    other_registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("deal_registrations.id", ondelete="CASCADE")
    )
    win_id: Mapped[int | None] = mapped_column(ForeignKey("wins.id", ondelete="CASCADE"))
    found_at: Mapped[datetime] = mapped_column(UtcDateTime)
