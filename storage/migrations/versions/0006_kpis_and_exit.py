"""kpis and exit: an index for reading a partnership's wins by close date

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("wins", schema=None) as batch_op:
        batch_op.create_index(
            "ix_wins_partnership_id_closed_on", ["partnership_id", "closed_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("wins", schema=None) as batch_op:
        batch_op.drop_index("ix_wins_partnership_id_closed_on")
