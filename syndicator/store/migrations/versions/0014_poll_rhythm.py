"""Adaptive polling: a source's current interval, why (the slot and its share of releases,
or how many releases the rhythm rests on) and when it is polled next.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("source_state") as batch:
        batch.add_column(sa.Column("poll_interval", sa.Float))
        batch.add_column(sa.Column("poll_slot", sa.Integer))
        batch.add_column(sa.Column("poll_share", sa.Float))
        batch.add_column(sa.Column("poll_seen", sa.Float))
        batch.add_column(sa.Column("next_poll_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("source_state") as batch:
        for column in ("next_poll_at", "poll_seen", "poll_share", "poll_slot", "poll_interval"):
            batch.drop_column(column)
