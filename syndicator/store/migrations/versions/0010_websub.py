"""WebSub subscriptions to our feeds (the built-in hub).

Chained after 0008 for now: the feed-index lane adds 0009; the lead re-chains this one
onto it (``down_revision = "0009"``) when both are merged.

Revision ID: 0010
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "websub_subscriptions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("callback", sa.String(2048), nullable=False),
        sa.Column("topic", sa.String(2048), nullable=False),
        sa.Column("lang", sa.String(8)),
        sa.Column("secret", sa.String(200)),
        sa.Column("lease_seconds", sa.Integer, nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("callback", "topic"),
    )
    op.create_index("ix_websub_subscriptions_expires_at", "websub_subscriptions", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_websub_subscriptions_expires_at", "websub_subscriptions")
    op.drop_table("websub_subscriptions")
