"""Lanes and replicas: one poller per source (a lease on its state row), outbox rows leased
by one owner, and pages that failed to parse remembered so they are not fetched again.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("source_state") as batch:
        batch.add_column(sa.Column("poll_owner", sa.String(64)))
        batch.add_column(sa.Column("poll_until", sa.DateTime(timezone=True)))
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(64)))
        batch.create_index("ix_deliveries_lane", ["destination", "status", "next_attempt_at"])
    op.create_table(
        "page_failures",
        sa.Column("url", sa.String(2048), primary_key=True),
        sa.Column("source", sa.String(64), nullable=False, index=True),
        sa.Column("error_code", sa.String(64), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("content_hash", sa.String(64)),
        sa.Column("etag", sa.String(512)),
        sa.Column("last_modified", sa.String(64)),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retry_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("page_failures")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_index("ix_deliveries_lane")
        batch.drop_column("claimed_by")
    with op.batch_alter_table("source_state") as batch:
        batch.drop_column("poll_until")
        batch.drop_column("poll_owner")
