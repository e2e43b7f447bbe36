"""The only module that speaks SQL. SQLite by default, PostgreSQL for several replicas."""

from __future__ import annotations

import sqlalchemy as sa

from syndicator.errors import StoreError
from syndicator.store.database import create_engine, migrate
from syndicator.store.deliveries import DeliveryRows
from syndicator.store.releases import ReleaseRows, StoredEvent
from syndicator.store.sources import SourceRows

__all__ = ["Store", "StoredEvent", "open_store"]


class Store(ReleaseRows, DeliveryRows, SourceRows):
    """All reads and writes. Methods are short transactions, safe to call from async code."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def check(self) -> None:
        """Raise StoreError unless the database answers."""
        try:
            with self.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"store unreachable: {exc}", code="store.unreachable") from None

    def close(self) -> None:
        self.engine.dispose()


def open_store(url: str) -> Store:
    """Connect and bring the schema up to date."""
    engine = create_engine(url)
    migrate(engine)
    return Store(engine)
