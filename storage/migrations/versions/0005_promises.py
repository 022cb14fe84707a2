"""promises

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "promises",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("maker_id", sa.String(length=32), nullable=False),
        sa.Column("owed_to_id", sa.String(length=32), nullable=False),
        sa.Column("raw_deal", sa.Text(), nullable=False),
        sa.Column("promise", sa.Text(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("due_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "open",
                "made_good_pending_confirmation",
                "kept",
                "released",
                name="promisestate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("submission_key", sa.String(length=64), nullable=False),
        sa.Column("made_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("made_good_at", storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("made_good_note", sa.Text(), nullable=True),
        sa.Column("kept_at", storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("kept_on_time", sa.Boolean(), nullable=True),
        sa.Column("released_at", storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=32), nullable=True),
        sa.Column("snoozed_until", storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("reminder_plan", sa.Integer(), nullable=False),
        sa.Column("reminders_sent", sa.Integer(), nullable=False),
        sa.Column("proposal_seq", sa.Integer(), nullable=False),
        sa.Column("proposed_due_date", sa.Date(), nullable=True),
        sa.Column("proposed_reason", sa.Text(), nullable=True),
        sa.Column("proposed_by", sa.String(length=32), nullable=True),
        sa.Column("partner_channel", sa.String(length=32), nullable=True),
        sa.Column("partner_ts", sa.String(length=32), nullable=True),
        sa.Column("in_thread", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_promises_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promises")),
        sa.UniqueConstraint("submission_key", name=op.f("uq_promises_submission_key")),
    )
    with op.batch_alter_table("promises", schema=None) as batch_op:
        batch_op.create_index("ix_promises_maker_id_state", ["maker_id", "state"], unique=False)
        batch_op.create_index(
            "ix_promises_partnership_id_state", ["partnership_id", "state"], unique=False
        )

    op.create_table(
        "promise_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("promise_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "made",
                "reminded",
                "made_good",
                "confirmed",
                "not_yet",
                "snoozed",
                "renegotiation_proposed",
                "renegotiation_accepted",
                "renegotiation_declined",
                "released",
                name="promiseeventkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("actor_id", sa.String(length=32), nullable=True),
        sa.Column("at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("on_date", sa.Date(), nullable=True),
        sa.Column("until", storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("reminder_number", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["promise_id"],
            ["promises.id"],
            name=op.f("fk_promise_events_promise_id_promises"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promise_events")),
    )
    with op.batch_alter_table("promise_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_promise_events_promise_id"), ["promise_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("promise_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_promise_events_promise_id"))
    op.drop_table("promise_events")
    with op.batch_alter_table("promises", schema=None) as batch_op:
        batch_op.drop_index("ix_promises_partnership_id_state")
        batch_op.drop_index("ix_promises_maker_id_state")
    op.drop_table("promises")
