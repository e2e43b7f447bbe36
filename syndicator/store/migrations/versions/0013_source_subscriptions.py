"""Our subscriptions to the WebSub hubs of our sources (the subscriber side).

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_subscriptions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("hub", sa.String(2048), nullable=False),
        sa.Column("topic", sa.String(2048), nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("secret", sa.String(128), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("lease_seconds", sa.Integer),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
        sa.Column("push_due_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("token"),
        sa.UniqueConstraint("source", "hub", "topic"),
    )


def downgrade() -> None:
    op.drop_table("source_subscriptions")
