"""wins

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SIDE = sa.Enum("vendor", "partner", name="side", native_enum=False, length=32)


def upgrade() -> None:
    op.create_table(
        "product_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_key", sa.String(length=100), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_product_lines_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_lines")),
        sa.UniqueConstraint(
            "partnership_id", "name_key", name=op.f("uq_product_lines_partnership_id_name_key")
        ),
    )
    op.create_table(
        "wins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("submission_key", sa.String(length=64), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("deal", "milestone", name="winkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("headline", sa.String(length=150), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("product_line_id", sa.Integer(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=False),
        sa.Column("story", sa.Text(), nullable=True),
        sa.Column("logged_by", sa.String(length=32), nullable=False),
        sa.Column("logged_by_side", SIDE, nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("copy_channel_id", sa.String(length=32), nullable=True),
        sa.Column("copy_ts", sa.String(length=32), nullable=True),
        sa.Column("created_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("edited_at", storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_wins_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_line_id"],
            ["product_lines.id"],
            name=op.f("fk_wins_product_line_id_product_lines"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wins")),
        sa.UniqueConstraint("submission_key", name=op.f("uq_wins_submission_key")),
    )
    with op.batch_alter_table("wins", schema=None) as batch_op:
        batch_op.create_index(
            "ix_wins_partnership_id_created_at", ["partnership_id", "created_at"], unique=False
        )

    op.create_table(
        "win_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("win_id", sa.Integer(), nullable=False),
        sa.Column(
            "change",
            sa.Enum("edited", "withdrawn", name="winchangekind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("changed_by", sa.String(length=32), nullable=False),
        sa.Column("changed_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("submission_key", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["win_id"], ["wins.id"], name=op.f("fk_win_changes_win_id_wins"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_win_changes")),
        sa.UniqueConstraint("submission_key", name=op.f("uq_win_changes_submission_key")),
    )
    with op.batch_alter_table("win_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_win_changes_win_id"), ["win_id"], unique=False)

    op.create_table(
        "win_credits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("win_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("side", SIDE, nullable=False),
        sa.ForeignKeyConstraint(
            ["win_id"], ["wins.id"], name=op.f("fk_win_credits_win_id_wins"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_win_credits")),
        sa.UniqueConstraint("win_id", "user_id", name=op.f("uq_win_credits_win_id_user_id")),
    )
    with op.batch_alter_table("win_credits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_win_credits_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("win_credits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_win_credits_user_id"))
    op.drop_table("win_credits")
    with op.batch_alter_table("win_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_win_changes_win_id"))
    op.drop_table("win_changes")
    with op.batch_alter_table("wins", schema=None) as batch_op:
        batch_op.drop_index("ix_wins_partnership_id_created_at")
    op.drop_table("wins")
    op.drop_table("product_lines")
