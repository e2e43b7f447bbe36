"""When each item's page was last checked for edits (re-checks back off as items age).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("checked_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.drop_column("checked_at")
