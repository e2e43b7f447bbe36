"""WebSub subscriptions to our feeds (the built-in hub).

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
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
