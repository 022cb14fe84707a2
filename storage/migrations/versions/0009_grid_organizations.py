"""Enterprise Grid: each side's organization on a partnership, and a person's organization

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("partnerships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("vendor_enterprise_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("partner_enterprise_id", sa.String(length=32), nullable=True))
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("enterprise_id", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("enterprise_id")
    with op.batch_alter_table("partnerships", schema=None) as batch_op:
        batch_op.drop_column("partner_enterprise_id")
        batch_op.drop_column("vendor_enterprise_id")
