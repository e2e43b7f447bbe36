"""The web app over the REAL store on a broken database: 503 + Retry-After in the reader's
language for feeds, ``/`` and ``/readyz``; ``/healthz`` never waits for the store.

No fake store here: the Store itself must turn SQLite's and PostgreSQL's failures into
``StoreError``, or these pages answer 500.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from syndicator.store import Store, open_store
from syndicator.store.database import create_engine
from syndicator.web import create_app
from tests.postgres import Cluster, create_database, postgres_cluster
from tests.publish.samples import make_config
from tests.store.test_store import FI, _save
from tests.web.conftest import serve

DOWN = {
    "fi": "Tietokanta ei vastaa",
    "sv": "Databasen svarar inte",
    "en": "The database is not responding",
}


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """A private PostgreSQL server these tests may stop and lock."""
    with postgres_cluster() as started:
        if started is None:
            pytest.skip("no PostgreSQL server binaries here")
        yield started


@pytest.fixture
def pg_store(cluster: Cluster) -> Iterator[Store]:
    store = open_store(create_database(cluster.url))
    _save(store, FI)
    yield store
    store.close()


async def _client(store: Store) -> httpx.AsyncClient:
    # key_ttl_s=0: the version is read per request, so a stopped store answers 503 at once
    transport = httpx.ASGITransport(app=create_app(make_config(), store, key_ttl_s=0))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


def _is_503(response: httpx.Response, lang: str) -> None:
    assert response.status_code == 503, response.text
    assert int(response.headers["retry-after"]) > 0
    assert response.headers["cache-control"] == "no-store"
    assert DOWN[lang] in response.text
    assert "store.unreachable" in response.text
    assert "unable to open" not in response.text  # the cause goes to the log only


@pytest.mark.parametrize(
    ("path", "headers", "lang"),
    [
        ("/feeds/atom.xml", {}, "fi"),
        ("/feeds/atom.xml", {"Accept-Language": "sv-FI, sv;q=0.9"}, "sv"),
        ("/feeds/en/rss.xml", {}, "en"),
        ("/feeds/sv/archive/1/feed.json", {}, "sv"),
        ("/", {}, "fi"),
        ("/?lang=en", {"Accept-Language": "sv"}, "en"),
        ("/readyz", {"Accept-Language": "sv"}, "sv"),
    ],
)
async def test_unopenable_sqlite_answers_503(
    tmp_path: Path, path: str, headers: dict[str, str], lang: str
) -> None:
    store = Store(create_engine(f"sqlite:///{tmp_path}"))  # a directory is no database
    async with await _client(store) as client:
        response = await client.get(path, headers=headers)
        _is_503(response, lang)
        if path == "/readyz":
            assert response.json()["store"] == "store.unreachable"
        health = await client.get("/healthz")
    assert (health.status_code, health.text) == (200, "ok")


async def test_stopped_postgresql_answers_503_then_recovers(
    cluster: Cluster, pg_store: Store
) -> None:
    async with await _client(pg_store) as client:
        assert (await client.get("/feeds/atom.xml")).status_code == 200
        cluster.stop()
        try:
            started = time.monotonic()
            for path in ("/feeds/atom.xml", "/", "/readyz"):
                _is_503(await client.get(path), "fi")
            assert time.monotonic() - started < 5
            assert (await client.get("/healthz")).status_code == 200
        finally:
            cluster.start()
        assert (await client.get("/feeds/atom.xml")).status_code == 200
        assert (await client.get("/readyz")).json()["store"] == "ok"


@pytest.fixture
async def locked_items(pg_store: Store) -> AsyncIterator[sa.Connection]:
    """Another connection holds an exclusive lock on ``items``: reads of it wait.

    A timer lets go after 10 s in any case, so a loop that blocks cannot hang the test.
    """
    engine = sa.create_engine(pg_store.engine.url)
    connection = engine.connect()
    connection.execute(sa.text("LOCK TABLE items IN ACCESS EXCLUSIVE MODE"))
    safety = threading.Timer(10, connection.rollback)
    safety.start()
    yield connection
    safety.cancel()
    connection.close()
    engine.dispose()


async def _wait_for_lock_waiter(connection: sa.Connection) -> None:
    query = sa.text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
    engine = sa.create_engine(connection.engine.url)
    try:
        for _ in range(100):
            with engine.connect() as probe:
                if await asyncio.to_thread(lambda: probe.execute(query).scalar()):
                    return
            await asyncio.sleep(0.02)
        raise AssertionError("the feed request never waited for the lock")
    finally:
        engine.dispose()


async def test_healthz_answers_while_a_store_call_is_stuck(
    pg_store: Store, locked_items: sa.Connection
) -> None:
    async with (
        serve(create_app(make_config(), pg_store)) as url,
        httpx.AsyncClient(base_url=url, timeout=5) as client,
    ):
        feed = asyncio.create_task(client.get("/feeds/atom.xml"))
        await _wait_for_lock_waiter(locked_items)
        latencies = []
        for _ in range(20):
            started = time.perf_counter()
            response = await client.get("/healthz")
            latencies.append(time.perf_counter() - started)
            assert response.status_code == 200
        assert not feed.done()  # the store call is still stuck
        print(f"/healthz while stuck: max {max(latencies) * 1000:.1f} ms")
        assert max(latencies) < 0.1
        await asyncio.to_thread(locked_items.rollback)
        assert (await feed).status_code == 200
