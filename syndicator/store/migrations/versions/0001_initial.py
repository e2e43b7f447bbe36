"""Initial schema: source state, HTTP validators, releases, items, versions, events, outbox.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "source_state",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("caught_up", sa.Boolean, nullable=False),
        sa.Column("last_poll_at", _TIME),
        sa.Column("last_success_at", _TIME),
        sa.Column("last_error_code", sa.String(64)),
        sa.Column("last_error", sa.Text),
        sa.Column("consecutive_failures", sa.Integer, nullable=False),
    )
    op.create_table(
        "http_validators",
        sa.Column("url", sa.String(2048), primary_key=True),
        sa.Column("etag", sa.String(512)),
        sa.Column("last_modified", sa.String(64)),
        sa.Column("saved_at", _TIME, nullable=False),
    )
    op.create_table(
        "releases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", _TIME, nullable=False),
    )
    op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "release_id", sa.Integer, sa.ForeignKey("releases.id"), nullable=False, index=True
        ),
        sa.Column("source", sa.String(64), nullable=False, index=True),
        sa.Column("url", sa.String(2048), nullable=False, unique=True),
        sa.Column("post_id", sa.String(64)),
        sa.Column("lang", sa.String(8), index=True),
        sa.Column("published", _TIME, nullable=False, index=True),
        sa.Column("first_seen", _TIME, nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("alternate_urls", sa.JSON, nullable=False),
    )
    op.create_table(
        "versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("article", sa.JSON, nullable=False),
        sa.Column("stored_at", _TIME, nullable=False),
        sa.UniqueConstraint("item_id", "number"),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id"), nullable=False, index=True),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id"), nullable=False),
        sa.Column("destination", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", _TIME, nullable=False),
        sa.Column("claimed_until", _TIME),
        sa.Column("last_error_code", sa.String(64)),
        sa.Column("last_error", sa.Text),
        sa.Column("remote_id", sa.String(512)),
        sa.Column("idempotency_key", sa.String(128), nullable=False, unique=True),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.UniqueConstraint("event_id", "destination"),
    )
    op.create_index("ix_deliveries_due", "deliveries", ["status", "next_attempt_at"])


def downgrade() -> None:
    for table in ("deliveries", "events", "versions", "items", "releases"):
        op.drop_table(table)
    op.drop_table("http_validators")
    op.drop_table("source_state")
