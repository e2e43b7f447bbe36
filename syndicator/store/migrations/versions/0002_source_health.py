"""Source health: why a source is degraded (its selectors need fixing), if it is.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("source_state") as batch:
        batch.add_column(sa.Column("degraded", sa.String(64)))


def downgrade() -> None:
    with op.batch_alter_table("source_state") as batch:
        batch.drop_column("degraded")
