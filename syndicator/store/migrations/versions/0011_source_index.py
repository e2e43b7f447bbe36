"""The per-source feeds' index: ``items (source, published, id)``, so a source's "newest N"
walks it backwards and stops after N. It replaces the single-column index on ``source``,
its prefix (which ``find_item``'s look-up by source and post id still uses), as 0009 did.

Revision ID: 0011
Revises: 0010
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_items_source_published_id", "items", ["source", "published", "id"])
    op.drop_index("ix_items_source", table_name="items")


def downgrade() -> None:
    op.create_index("ix_items_source", "items", ["source"])
    op.drop_index("ix_items_source_published_id", table_name="items")
