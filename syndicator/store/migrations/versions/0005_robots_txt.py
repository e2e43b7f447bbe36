"""Each host's robots.txt with its validators and fetch time, so that it survives restarts
and is shared by replicas (re-fetched conditionally once it is older than a day).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "robots_txt",
        sa.Column("origin", sa.String(2048), primary_key=True),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("etag", sa.String(512)),
        sa.Column("last_modified", sa.String(64)),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("robots_txt")
