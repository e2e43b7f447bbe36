"""The archive pages' indexes: ``items (lang, id)`` and ``items (source, id)``, so a
language's or a source's page k (the k-th block of its items in id order, ``store.archive``)
walks an index without sorting and without reading other items. The combined archive walks
the primary key.

Revision ID: 0012
Revises: 0011
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_items_lang_id", "items", ["lang", "id"])
    op.create_index("ix_items_source_id", "items", ["source", "id"])


def downgrade() -> None:
    op.drop_index("ix_items_source_id", table_name="items")
    op.drop_index("ix_items_lang_id", table_name="items")
