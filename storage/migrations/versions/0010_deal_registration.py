"""Deal registration: registrations, their changes and conflicts; deal approvers; rule terms

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deal_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("vendor_team_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("submission_key", sa.String(length=64), nullable=True),
        sa.Column("crm_id", sa.String(length=64), nullable=True),
        sa.Column("account_name", sa.String(length=200), nullable=False),
        sa.Column("account_key", sa.String(length=200), nullable=False),
        sa.Column("account_domain", sa.String(length=200), nullable=True),
        sa.Column("opportunity", sa.String(length=150), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("product_line_id", sa.Integer(), nullable=True),
        sa.Column("close_on", sa.Date(), nullable=False),
        sa.Column(
            "stage",
            sa.Enum(
                "qualifying",
                "discovery",
                "proposal",
                "negotiation",
                "commit",
                name="dealstage",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("partner_rep", sa.String(length=32), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "more_info",
                "approved",
                "rejected",
                "expired",
                "won",
                "lost",
                name="registrationstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("registered_by", sa.String(length=32), nullable=False),
        sa.Column(
            "registered_by_side",
            sa.Enum("vendor", "partner", name="side", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("decided_at", storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("rule_number", sa.Integer(), nullable=True),
        sa.Column("rule_version", sa.Integer(), nullable=True),
        sa.Column("protected_until", storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("extensions", sa.Integer(), nullable=False),
        sa.Column("win_id", sa.Integer(), nullable=True),
        sa.Column("lost_reason", sa.Text(), nullable=True),
        sa.Column("created_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_deal_registrations_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_line_id"],
            ["product_lines.id"],
            name=op.f("fk_deal_registrations_product_line_id_product_lines"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["win_id"],
            ["wins.id"],
            name=op.f("fk_deal_registrations_win_id_wins"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal_registrations")),
        sa.UniqueConstraint(
            "partnership_id", "number", name=op.f("uq_deal_registrations_partnership_id_number")
        ),
        sa.UniqueConstraint("submission_key", name=op.f("uq_deal_registrations_submission_key")),
        sa.UniqueConstraint(
            "vendor_team_id", "crm_id", name=op.f("uq_deal_registrations_vendor_team_id_crm_id")
        ),
        sa.UniqueConstraint("win_id", name=op.f("uq_deal_registrations_win_id")),
    )
    with op.batch_alter_table("deal_registrations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deal_registrations_partnership_status", ["partnership_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_deal_registrations_status_protected_until",
            ["status", "protected_until"],
            unique=False,
        )
        batch_op.create_index(
            "ix_deal_registrations_vendor_account_domain",
            ["vendor_team_id", "account_domain"],
            unique=False,
        )
        batch_op.create_index(
            "ix_deal_registrations_vendor_account_key",
            ["vendor_team_id", "account_key"],
            unique=False,
        )

    op.create_table(
        "deal_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "registered",
                "imported",
                "updated",
                "approved",
                "rejected",
                "asked",
                "answered",
                "extended",
                "expired",
                "won",
                "lost",
                name="dealchangekind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("changed_by", sa.String(length=32), nullable=False),
        sa.Column(
            "side",
            sa.Enum("vendor", "partner", name="side", native_enum=False, length=32),
            nullable=True,
        ),
        sa.Column("changed_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("submission_key", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["deal_registrations.id"],
            name=op.f("fk_deal_changes_registration_id_deal_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal_changes")),
        sa.UniqueConstraint("submission_key", name=op.f("uq_deal_changes_submission_key")),
    )
    with op.batch_alter_table("deal_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_deal_changes_registration_id"), ["registration_id"], unique=False
        )

    op.create_table(
        "deal_conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column(
            "reason",
            sa.Enum(
                "same_account",
                "same_domain",
                "already_won",
                name="conflictreason",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("other_partnership_id", sa.Integer(), nullable=True),
        sa.Column("other_registration_id", sa.Integer(), nullable=True),
        sa.Column("win_id", sa.Integer(), nullable=True),
        sa.Column("found_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["other_partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_deal_conflicts_other_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["other_registration_id"],
            ["deal_registrations.id"],
            name=op.f("fk_deal_conflicts_other_registration_id_deal_registrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["deal_registrations.id"],
            name=op.f("fk_deal_conflicts_registration_id_deal_registrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["win_id"], ["wins.id"], name=op.f("fk_deal_conflicts_win_id_wins"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal_conflicts")),
        sa.UniqueConstraint(
            "registration_id",
            "other_registration_id",
            "win_id",
            "reason",
            name=op.f("uq_deal_conflicts_registration_id_other_registration_id_win_id_reason"),
        ),
    )
    with op.batch_alter_table("deal_conflicts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_deal_conflicts_registration_id"), ["registration_id"], unique=False
        )

    with op.batch_alter_table("partnership_members", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "is_deal_approver", sa.Boolean(), server_default=sa.text("false"), nullable=False
            )
        )

    with op.batch_alter_table("rule_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("terms", sa.JSON(), nullable=True))

    with op.batch_alter_table("rules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("terms", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rules", schema=None) as batch_op:
        batch_op.drop_column("terms")

    with op.batch_alter_table("rule_versions", schema=None) as batch_op:
        batch_op.drop_column("terms")

    with op.batch_alter_table("partnership_members", schema=None) as batch_op:
        batch_op.drop_column("is_deal_approver")

    with op.batch_alter_table("deal_conflicts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deal_conflicts_registration_id"))

    op.drop_table("deal_conflicts")
    with op.batch_alter_table("deal_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deal_changes_registration_id"))

    op.drop_table("deal_changes")
    with op.batch_alter_table("deal_registrations", schema=None) as batch_op:
        batch_op.drop_index("ix_deal_registrations_vendor_account_key")
        batch_op.drop_index("ix_deal_registrations_vendor_account_domain")
        batch_op.drop_index("ix_deal_registrations_status_protected_until")
        batch_op.drop_index("ix_deal_registrations_partnership_status")

    op.drop_table("deal_registrations")
