"""The Alembic migrations build exactly the tables ``store.schema`` declares (SQLite and
PostgreSQL): a column added to one and not the other fails here."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from syndicator.store import Store
from syndicator.store.schema import metadata


def test_migrations_match_the_schema(store: Store) -> None:
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
