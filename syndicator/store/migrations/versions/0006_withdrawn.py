"""When an item was withdrawn: its page answered 404/410 on two re-checks (or its WordPress
post went to the trash). Feeds leave it out; a page that comes back clears it.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.drop_column("withdrawn_at")
