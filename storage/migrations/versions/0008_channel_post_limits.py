"""channel post limits: who declared each outbox effect, and whether it posts in a channel

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("occurrences", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("channel_post", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index("ix_occurrences_actor_due_at", ["actor", "due_at"], unique=False)
        batch_op.create_index(
            "ix_occurrences_partnership_id_due_at", ["partnership_id", "due_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("occurrences", schema=None) as batch_op:
        batch_op.drop_index("ix_occurrences_partnership_id_due_at")
        batch_op.drop_index("ix_occurrences_actor_due_at")
        batch_op.drop_column("channel_post")
        batch_op.drop_column("actor")
