"""Migration 0007 creates exactly the ``delivery_attempts`` table that schema.py declares."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from syndicator.store import open_store
from syndicator.store.schema import metadata


def test_the_migration_matches_the_schema(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    try:
        with store.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), metadata)
            revision = MigrationContext.configure(connection).get_current_revision()
    finally:
        store.close()
    assert [d for d in differences if "delivery_attempts" in repr(d)] == []
    assert revision == "0007"  # the head (chained after 0008 until core's 0006 lands)
