"""installations (tokens sealed) and OAuth states, for multi-workspace distribution

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "installations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("bot_user_id", sa.String(length=32), nullable=True),
        sa.Column("bot_token_expires_at", storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("installed_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_installations")),
    )
    with op.batch_alter_table("installations", schema=None) as batch_op:
        batch_op.create_index("ix_installations_team", ["enterprise_id", "team_id"], unique=True)
    op.create_table(
        "oauth_states",
        sa.Column("state", sa.String(length=64), nullable=False),
        sa.Column("expires_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("state", name=op.f("pk_oauth_states")),
    )


def downgrade() -> None:
    op.drop_table("oauth_states")
    with op.batch_alter_table("installations", schema=None) as batch_op:
        batch_op.drop_index("ix_installations_team")
    op.drop_table("installations")
