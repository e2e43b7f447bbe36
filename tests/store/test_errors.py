"""Every database failure leaves the store as a StoreError with a code and its cause.

Real failures only: an SQLite path that cannot be opened, a port nobody listens on, a
PostgreSQL server that stops under an open store, a server that never answers, a pool
with no free connection. Each mixin (releases, deliveries, sources) is covered.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from syndicator.errors import StoreError
from syndicator.store import Store, open_store
from syndicator.store.database import create_engine
from tests.postgres import Cluster, create_database, postgres_cluster
from tests.store.test_store import FI, _save

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)

# One call into each part of the Store: releases, deliveries, sources, and the probe.
CALLS: dict[str, Callable[[Store], object]] = {
    "latest_entries": lambda store: store.latest_entries(None, 10),
    "find_item": lambda store: store.find_item(FI.url),
    "claim_next": lambda store: store.claim_next("hook", owner="t", now=NOW, lease=60),
    "count_deliveries": lambda store: store.count_deliveries(),
    "source_states": lambda store: store.source_states(),
    "record_poll": lambda store: store.record_poll("vaasa", NOW),
    "check": lambda store: store.check(),
}


def _fails_with(store: Store, code: str, cause: str) -> None:
    for name, call in CALLS.items():
        with pytest.raises(StoreError) as caught:
            call(store)
        assert caught.value.code == code, name
        assert cause in caught.value.message, (name, caught.value.message)
        assert "SELECT" not in caught.value.message  # the cause, not the statement


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """A private server this module may stop (the session's is shared)."""
    with postgres_cluster() as started:
        if started is None:
            pytest.skip("no PostgreSQL server binaries here")
        yield started


def test_unopenable_sqlite_file_is_unreachable(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}"  # a directory: SQLite cannot open it as a database
    with pytest.raises(StoreError) as caught:
        open_store(url)
    assert caught.value.code == "store.unreachable"
    assert "unable to open database file" in caught.value.message
    _fails_with(Store(create_engine(url)), "store.unreachable", "unable to open database file")


def test_a_file_sqlite_cannot_open_on_a_live_connection_is_unreachable_too(
    tmp_path: Path,
) -> None:
    """SQLite opens lazily: "unable to open database file" may come from a statement on a
    connection that was made (seen once in CI on the index page), not only from connecting."""
    store = open_store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    missing = tmp_path / "no-such-dir" / "other.sqlite3"
    with pytest.raises(StoreError) as caught, store.engine.connect() as connection:
        connection.exec_driver_sql(f"ATTACH DATABASE '{missing}' AS other")
    assert caught.value.code == "store.unreachable"
    store.close()


def test_closed_port_is_unreachable_at_once(cluster: Cluster) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    store = Store(create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"))
    started = time.monotonic()
    _fails_with(store, "store.unreachable", "Connection refused")
    assert time.monotonic() - started < 5


def test_silent_server_fails_within_the_connect_timeout() -> None:
    """A host that takes the TCP connection and says nothing (a hung server, a firewall
    half-open): the store gives up after its 10 s connect timeout, not the kernel's."""
    outcome: list[BaseException | float] = []

    def probe(store: Store) -> None:
        started = time.monotonic()
        try:
            store.check()
        except BaseException as exc:
            outcome.extend([exc, time.monotonic() - started])

    with socket.socket() as silent:  # accepts TCP connections, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        port = silent.getsockname()[1]
        store = Store(create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"))
        worker = threading.Thread(target=probe, args=(store,), daemon=True)
        worker.start()
        worker.join(timeout=30)
    assert outcome, "still connecting after 30 s"
    error, elapsed = outcome
    assert isinstance(error, StoreError) and error.code == "store.unreachable"
    assert "timeout" in error.message
    assert isinstance(elapsed, float) and 8 < elapsed < 15


def test_server_stopped_under_an_open_store(cluster: Cluster) -> None:
    store = open_store(create_database(cluster.url))
    try:
        _save(store, FI)
        cluster.stop()
        try:
            started = time.monotonic()
            _fails_with(store, "store.unreachable", "Connection refused")
            assert time.monotonic() - started < 5
        finally:
            cluster.start()
        assert store.latest_entries(None, 10)[0].article.url == FI.url  # back by itself
    finally:
        store.close()


def test_no_free_connection_is_a_store_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    open_store(url).close()
    engine = sa.create_engine(url, pool_size=1, max_overflow=0, pool_timeout=0.1)
    store = Store(engine)
    with engine.connect(), pytest.raises(StoreError) as caught:  # the only connection is busy
        store.latest_entries(None, 1)
    assert caught.value.code == "store.error"
    assert "pool" in caught.value.message.lower()
    assert store.latest_entries(None, 1) == []


def test_every_public_method_is_behind_the_boundary() -> None:
    """Methods added later (by any mixin) are mapped too: none can leak SQLAlchemy's errors."""
    public = [name for name in dir(Store) if not name.startswith("_")]
    assert {"save_article", "claim_next", "record_poll", "check"} <= set(public)
    for name in public:
        assert hasattr(getattr(Store, name), "__wrapped__"), name
