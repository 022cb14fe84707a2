"""Rules of engagement: numbered rules, the versions proposed for them, and who decided what."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base
from storage.models.partnerships import Side, str_enum
from storage.types import UtcDateTime


class RuleCategory(StrEnum):
    DEAL_REGISTRATION = "deal_registration"
    ACCOUNT_OWNERSHIP = "account_ownership"
    LEAD_SHARING = "lead_sharing"
    PRICING_AND_DISCOUNTS = "pricing_and_discounts"
    CONFLICT_RESOLUTION = "conflict_resolution"
    COMMUNICATION = "communication"
    OTHER = "other"


class RuleStatus(StrEnum):
    IN_FORCE = "in_force"
    RETIRED = "retired"


class ProposalStatus(StrEnum):
    PENDING = "pending"
    CHANGES_REQUESTED = "changes_requested"
    AGREED = "agreed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


OPEN_PROPOSAL = (ProposalStatus.PENDING, ProposalStatus.CHANGES_REQUESTED)


class DecisionKind(StrEnum):
    PROPOSE = "propose"
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"
    AMEND = "amend"
    WITHDRAW = "withdraw"


class Rule(Base):
    """An agreed rule, numbered R-1, R-2 ... per partnership; its text in force is copied here.

    The number is given when the first version is agreed and never changes or gets reused;
    an agreed replacement becomes the rule's next version under the same number.
    """

    __tablename__ = "rules"
    __table_args__ = (UniqueConstraint("partnership_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[RuleStatus] = mapped_column(str_enum(RuleStatus), default=RuleStatus.IN_FORCE)
    title: Mapped[str] = mapped_column(String(150))
    text: Mapped[str] = mapped_column(Text)
    category: Mapped[RuleCategory] = mapped_column(str_enum(RuleCategory))
    # Structured terms both sides agreed with the text (deal registration: protection days,
    # decision deadline in business days, whether a registration can be extended).
    terms: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer)
    agreed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    @property
    def label(self) -> str:
        return f"R-{self.number}"


class Proposal(Base):
    """A proposal in a channel thread: a new rule, a replacement of one, or retiring one."""

    __tablename__ = "rule_proposals"
    __table_args__ = (
        # One open proposal per rule at a time: a second replacement waits for the first.
        Index(
            "uq_rule_proposals_open_rule",
            "rule_id",
            unique=True,
            postgresql_where=text("status IN ('pending', 'changes_requested')"),
            sqlite_where=text("status IN ('pending', 'changes_requested')"),
        ),
        Index("ix_rule_proposals_partnership_id_status", "partnership_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    # The rule replaced or retired; for a new rule, set once it is agreed.
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("rules.id", ondelete="SET NULL"))
    status: Mapped[ProposalStatus] = mapped_column(
        str_enum(ProposalStatus), default=ProposalStatus.PENDING
    )
    current_version: Mapped[int] = mapped_column(Integer)
    proposed_by: Mapped[str] = mapped_column(String(32))
    proposer_side: Mapped[Side] = mapped_column(str_enum(Side))
    channel_id: Mapped[str] = mapped_column(String(32))
    parent_ts: Mapped[str | None] = mapped_column(String(32))
    buttons_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    versions: Mapped[list[RuleVersion]] = relationship(
        back_populates="proposal", order_by="RuleVersion.number", lazy="selectin"
    )


class RuleVersion(Base):
    """One wording put to both sides; amending a proposal adds a version and voids approvals."""

    __tablename__ = "rule_versions"
    __table_args__ = (UniqueConstraint("proposal_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("rule_proposals.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(150))
    text: Mapped[str] = mapped_column(Text)
    category: Mapped[RuleCategory] = mapped_column(str_enum(RuleCategory))
    terms: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    replaces_rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("rules.id", ondelete="SET NULL")
    )
    retires: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    proposal: Mapped[Proposal] = relationship(back_populates="versions")


class Decision(Base):
    """The append-only log: who, on which side, did what, when, on which version.

    The unique key makes a repeated decision (a double click, two tabs) one row.
    """

    __tablename__ = "rule_decisions"
    __table_args__ = (UniqueConstraint("proposal_id", "version", "user_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("rule_proposals.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[str] = mapped_column(String(32))
    side: Mapped[Side] = mapped_column(str_enum(Side))
    kind: Mapped[DecisionKind] = mapped_column(str_enum(DecisionKind))
    comment: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime)
