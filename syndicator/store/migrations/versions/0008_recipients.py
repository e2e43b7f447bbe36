"""Per-recipient outcomes of an e-mail delivery that some recipients refused, so a retry
sends only to those not yet delivered and the refused ones are shown and dead-lettered.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delivery_recipients",
        sa.Column("delivery_id", sa.Integer, sa.ForeignKey("deliveries.id"), primary_key=True),
        sa.Column("address", sa.String(320), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("code", sa.Integer),
        sa.Column("error", sa.Text),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("delivery_recipients")
