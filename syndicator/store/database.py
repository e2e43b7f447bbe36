"""Engine creation, the store's error boundary and schema migration (Alembic, at start-up).

Every failure of the database reaches the rest of syndicator as ``StoreError``:

- ``store.unreachable``: no connection could be made or kept (server down, wrong port,
  an SQLite file that cannot be opened, a dropped connection);
- ``store.conflict``: a write broke a unique or foreign key (another process wrote first);
- ``store.error``: anything else the database or SQLAlchemy raised (locked, bad schema, no
  free connection in the pool).

The message names the cause (the driver's own words), never the statement or parameters.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.util import CommandError
from sqlalchemy.engine import ExceptionContext, make_url

from syndicator.errors import StoreError

__all__ = ["POOL_SIZE", "create_engine", "map_errors", "migrate", "store_error"]

_MIGRATIONS = Path(__file__).parent / "migrations"

# One connection per thread of syndicator.offload's pool (8), plus calls made on the loop
# or by the CLI; overflow covers bursts. Waiting longer than pool_timeout is store.error.
POOL_SIZE = 10
_POOL = {"pool_size": POOL_SIZE, "max_overflow": POOL_SIZE, "pool_timeout": 30}
# PostgreSQL: fail in seconds, not after the kernel's TCP timeout, when the host is gone.
_CONNECT_TIMEOUT = 10
# SQLite waits this long for another writer. Store calls run off the event loop
# (syndicator.offload), so a long wait holds one pool thread, never the web server.
_SQLITE_BUSY_MS = 30_000
# pg_advisory_xact_lock key serialising migrations across replicas ("synd").
_MIGRATION_LOCK = 0x73796E64


def create_engine(url: str) -> sa.Engine:
    """An engine for ``url`` whose errors are StoreErrors; SQLite gets WAL, a busy timeout
    and foreign keys, PostgreSQL a connect timeout and a ping before each checkout."""
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError as exc:
        raise StoreError(f"database_url is not a database URL: {exc}", code="store.error") from None
    try:
        if parsed.get_backend_name() == "sqlite":
            engine = _sqlite_engine(url, parsed.database)
        else:
            connect_args = {}
            if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
                connect_args["connect_timeout"] = _CONNECT_TIMEOUT
            engine = sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args, **_POOL)
    except (sa.exc.ArgumentError, ImportError) as exc:  # unknown dialect, driver not installed
        raise StoreError(f"database_url {parsed!r}: {exc}", code="store.error") from None
    map_errors(engine)
    return engine


def _sqlite_engine(url: str, database: str | None) -> sa.Engine:
    if database and database != ":memory:" and not database.startswith("file:"):
        try:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"database unreachable: cannot create {Path(database).parent}: {exc.strerror}",
                code="store.unreachable",
            ) from None
    pool = _POOL if database and database != ":memory:" else {}
    engine = sa.create_engine(url, connect_args={"timeout": _SQLITE_BUSY_MS / 1000}, **pool)

    @sa.event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_MS}")
        _enable_wal(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def _enable_wal(cursor: Any) -> None:
    """WAL mode (persistent in the file, so usually already on). Switching needs the file to
    itself and SQLite answers "database is locked" at once, without its busy handler, while
    another process migrates a new file: wait for it like the busy timeout would."""
    deadline = time.monotonic() + _SQLITE_BUSY_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def map_errors(engine: sa.Engine) -> None:
    """Raise StoreError for every driver error on ``engine`` (idempotent).

    SQLAlchemy's ``handle_error`` event sees each one, also failures to connect (then it
    has no connection), which is how ``store.unreachable`` is told from a failed statement.
    """
    if not sa.event.contains(engine, "handle_error", _on_error):
        sa.event.listen(engine, "handle_error", _on_error)


def _on_error(context: ExceptionContext) -> BaseException | None:
    if context.is_pre_ping:
        return None  # a dead pooled connection: SQLAlchemy reconnects, or comes back here
    if not isinstance(context.original_exception, Exception):
        return None  # cancellation, KeyboardInterrupt, SystemExit pass through untouched
    unreachable = (
        context.connection is None
        or context.is_disconnect
        or _unopenable(context.original_exception)
    )
    return store_error(context.sqlalchemy_exception or context.original_exception, unreachable)


def _unopenable(exc: BaseException) -> bool:
    """SQLite opens files lazily: a missing directory, a directory in place of the file or
    no permission can fail the first statement on a connection that "succeeded" (and an
    ATTACH fails the same way) — the file is unreachable, whichever call came first."""
    text = str(exc) if isinstance(exc, sqlite3.OperationalError) else ""
    return text.startswith("unable to open database")


def store_error(exc: BaseException, unreachable: bool = False) -> StoreError:
    """The StoreError for ``exc``; its message is the driver's cause, on one line."""
    cause = getattr(exc, "orig", None) or exc
    text = " ".join(str(cause).split()) or type(cause).__name__
    if isinstance(exc, sa.exc.TimeoutError):
        text = f"no free database connection: {text}"
    text = text.split("(Background on this error")[0].strip()[:400]
    if unreachable:
        return StoreError(f"database unreachable: {text}", code="store.unreachable")
    if isinstance(exc, sa.exc.IntegrityError):
        return StoreError(f"conflicting write: {text}", code="store.conflict")
    return StoreError(f"database error: {text}", code="store.error")


def migrate(engine: sa.Engine) -> None:
    """Bring the schema to the newest revision, one process at a time.

    PostgreSQL: a transaction-scoped advisory lock on a fixed key, taken before Alembic
    looks at ``alembic_version``, so replicas starting together on an empty database queue
    up; each later one finds the schema current. SQLite: ``BEGIN IMMEDIATE`` takes the
    write lock first (the driver would otherwise run each CREATE outside a transaction).
    """
    config = AlembicConfig()
    config.set_main_option("script_location", str(_MIGRATIONS))
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_MIGRATION_LOCK)))
        elif connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        config.attributes["connection"] = connection
        try:
            command.upgrade(config, "head")
        except CommandError as exc:  # e.g. a database migrated by a newer syndicator
            raise StoreError(f"cannot migrate the store: {exc}", code="store.error") from None
        connection.commit()
