"""Indexes the feeds read newest-first: ``items (lang, published, id)`` for a language's
feed and ``items (published, id)`` for the combined one, so "the newest N" walks an index
backwards and stops after N instead of sorting every item of the language. They replace
the single-column indexes on ``lang`` and ``published``, which each is a prefix of (and
which PostgreSQL's planner preferred, filtering and sorting instead).

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_items_lang_published_id", "items", ["lang", "published", "id"])
    op.create_index("ix_items_published_id", "items", ["published", "id"])
    op.drop_index("ix_items_lang", table_name="items")
    op.drop_index("ix_items_published", table_name="items")


def downgrade() -> None:
    op.create_index("ix_items_published", "items", ["published"])
    op.create_index("ix_items_lang", "items", ["lang"])
    op.drop_index("ix_items_published_id", table_name="items")
    op.drop_index("ix_items_lang_published_id", table_name="items")
