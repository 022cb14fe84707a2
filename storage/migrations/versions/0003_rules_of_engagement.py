"""rules of engagement

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CATEGORY = sa.Enum(
    "deal_registration",
    "account_ownership",
    "lead_sharing",
    "pricing_and_discounts",
    "conflict_resolution",
    "communication",
    "other",
    name="rulecategory",
    native_enum=False,
    length=32,
)
SIDE = sa.Enum("vendor", "partner", name="side", native_enum=False, length=32)
OPEN = "status IN ('pending', 'changes_requested')"


def upgrade() -> None:
    op.create_table(
        "rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("in_force", "retired", name="rulestatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("category", CATEGORY, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("agreed_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("retired_at", storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_rules_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rules")),
        sa.UniqueConstraint(
            "partnership_id", "number", name=op.f("uq_rules_partnership_id_number")
        ),
    )
    with op.batch_alter_table("rules", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rules_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "rule_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "changes_requested",
                "agreed",
                "rejected",
                "withdrawn",
                name="proposalstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("proposed_by", sa.String(length=32), nullable=False),
        sa.Column("proposer_side", SIDE, nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("parent_ts", sa.String(length=32), nullable=True),
        sa.Column("buttons_ts", sa.String(length=32), nullable=True),
        sa.Column("created_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_rule_proposals_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["rules.id"],
            name=op.f("fk_rule_proposals_rule_id_rules"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_proposals")),
    )
    with op.batch_alter_table("rule_proposals", schema=None) as batch_op:
        batch_op.create_index(
            "ix_rule_proposals_partnership_id_status", ["partnership_id", "status"], unique=False
        )
        batch_op.create_index(
            "uq_rule_proposals_open_rule",
            ["rule_id"],
            unique=True,
            postgresql_where=sa.text(OPEN),
            sqlite_where=sa.text(OPEN),
        )

    op.create_table(
        "rule_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("side", SIDE, nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "propose",
                "approve",
                "request_changes",
                "reject",
                "amend",
                "withdraw",
                name="decisionkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("decided_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["rule_proposals.id"],
            name=op.f("fk_rule_decisions_proposal_id_rule_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_decisions")),
        sa.UniqueConstraint(
            "proposal_id",
            "version",
            "user_id",
            "kind",
            name=op.f("uq_rule_decisions_proposal_id_version_user_id_kind"),
        ),
    )
    with op.batch_alter_table("rule_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rule_decisions_proposal_id"), ["proposal_id"], unique=False
        )

    op.create_table(
        "rule_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("category", CATEGORY, nullable=False),
        sa.Column("replaces_rule_id", sa.Integer(), nullable=True),
        sa.Column("retires", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["rule_proposals.id"],
            name=op.f("fk_rule_versions_proposal_id_rule_proposals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["replaces_rule_id"],
            ["rules.id"],
            name=op.f("fk_rule_versions_replaces_rule_id_rules"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_versions")),
        sa.UniqueConstraint(
            "proposal_id", "number", name=op.f("uq_rule_versions_proposal_id_number")
        ),
    )
    with op.batch_alter_table("rule_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rule_versions_proposal_id"), ["proposal_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("rule_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rule_versions_proposal_id"))
    op.drop_table("rule_versions")
    with op.batch_alter_table("rule_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rule_decisions_proposal_id"))
    op.drop_table("rule_decisions")
    with op.batch_alter_table("rule_proposals", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_rule_proposals_open_rule",
            postgresql_where=sa.text(OPEN),
            sqlite_where=sa.text(OPEN),
        )
        batch_op.drop_index("ix_rule_proposals_partnership_id_status")
    op.drop_table("rule_proposals")
    with op.batch_alter_table("rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rules_partnership_id"))
    op.drop_table("rules")
