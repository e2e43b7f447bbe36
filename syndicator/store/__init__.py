"""The only module that speaks SQL. SQLite by default, PostgreSQL for several replicas.

Every method raises ``StoreError`` and nothing else from the database (codes in
``store.database``): driver errors are mapped on the engine, SQLAlchemy's own (no free
pooled connection, ...) by the wrapper every public method gets below. Methods block:
async code calls them through ``syndicator.offload.offload``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from syndicator.store.archive import ArchiveRows
from syndicator.store.attempts import AttemptRecord, AttemptRows, ReleaseLabel
from syndicator.store.batch import DigestRows
from syndicator.store.database import create_engine, map_errors, migrate, store_error
from syndicator.store.deliveries import DeliveryRows
from syndicator.store.overview import OverviewRows, PollHold, QueueDepth, StoreSize
from syndicator.store.recipients import RecipientRows
from syndicator.store.releases import ReleaseRows, StoredEvent
from syndicator.store.remote import RemoteRows
from syndicator.store.rhythm import RhythmRows
from syndicator.store.robots import RobotsCopy, RobotsRows
from syndicator.store.source_subscriptions import SourceSubscription, SourceSubscriptionRows
from syndicator.store.sources import SourceRows
from syndicator.store.websub import Subscription, WebSubRows
from syndicator.store.withdrawals import WithdrawalRows

__all__ = [
    "AttemptRecord",
    "PollHold",
    "QueueDepth",
    "ReleaseLabel",
    "RobotsCopy",
    "SourceSubscription",
    "Store",
    "StoreSize",
    "StoredEvent",
    "Subscription",
    "open_store",
]


class Store(
    ReleaseRows,
    ArchiveRows,
    DeliveryRows,
    DigestRows,
    SourceRows,
    RobotsRows,
    RecipientRows,
    RemoteRows,
    WithdrawalRows,
    AttemptRows,
    WebSubRows,
    SourceSubscriptionRows,
    OverviewRows,
    RhythmRows,
):
    """All reads and writes; each method is one short transaction."""

    def __init__(self, engine: sa.Engine) -> None:
        map_errors(engine)
        self.engine = engine

    def check(self) -> None:
        """Raise StoreError unless the database answers."""
        with self.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    def close(self) -> None:
        self.engine.dispose()


def _mapped(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except sa.exc.SQLAlchemyError as exc:  # not the driver's: those are StoreErrors already
            raise store_error(exc) from exc

    return call


for _name in dir(Store):
    if not _name.startswith("_") and callable(getattr(Store, _name)):
        setattr(Store, _name, _mapped(getattr(Store, _name)))


def open_store(url: str) -> Store:
    """Connect and bring the schema up to date."""
    engine = create_engine(url)
    try:
        migrate(engine)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)
