"""robots.txt outlives a fetcher: saved in the store with its validators, fetched once per
host per day across runs and replicas, then re-checked with a conditional request."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from syndicator.config import parse_config
from syndicator.demo.languages import demo_source
from syndicator.demo.site import SampleSite
from syndicator.errors import FetchError
from syndicator.http import Fetcher
from syndicator.poller import StoredRobots
from syndicator.robots import TTL_S
from syndicator.scheduler import run_once
from syndicator.store import RobotsCopy, Store, open_store
from tests.http.scripted import Reply, ScriptServer, settings

_ROBOTS = b"User-agent: *\nDisallow: /private/\n"
_TEXT = {"content-type": "text/plain"}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'robots.sqlite3'}")
    yield opened
    opened.close()


async def _get_twice(server: ScriptServer, store: Store) -> None:
    """One "run": a fetcher of its own, an allowed page and a disallowed one."""
    async with Fetcher(settings(respect_robots=True), robots=StoredRobots(store)) as fetcher:
        assert await fetcher.get(server.url + "public/") is not None
        with pytest.raises(FetchError) as caught:
            await fetcher.get(server.url + "private/page")
    assert caught.value.code == "fetch.robots_disallowed"


def _age(store: Store, origin: str, seconds: float) -> None:
    """Make the saved copy ``seconds`` old, as if that much time had passed."""
    copy = store.robots_copy(origin)
    assert copy is not None
    fetched_at = datetime.now(UTC) - timedelta(seconds=seconds)
    aged = RobotsCopy(copy.status, copy.body, copy.etag, copy.last_modified, fetched_at)
    store.save_robots(origin, aged)


def _robots_requests(server: ScriptServer) -> list[dict[str, str]]:
    return [seen.headers for seen in server.seen if seen.path == "/robots.txt"]


async def test_two_fetchers_on_one_store_fetch_robots_once_then_conditionally(
    server: ScriptServer, store: Store
) -> None:
    server.script(
        "/robots.txt",
        Reply(200, {**_TEXT, "etag": '"r1"'}, _ROBOTS),
        Reply(304, {"etag": '"r1"'}),
    )
    server.script("/public/", Reply(200, body=b"ok"))
    origin = server.url.rstrip("/")
    await _get_twice(server, store)
    await _get_twice(server, store)  # another run (or replica): the saved copy is used
    assert len(_robots_requests(server)) == 1
    _age(store, origin, TTL_S - 60)
    await _get_twice(server, store)  # a day is not over yet
    assert len(_robots_requests(server)) == 1

    _age(store, origin, TTL_S + 1)
    await _get_twice(server, store)  # one conditional request; the 304 keeps the rules
    await _get_twice(server, store)  # ... and restarts the clock
    first, second = _robots_requests(server)
    assert "if-none-match" not in first
    assert second["if-none-match"] == '"r1"'
    saved = store.robots_copy(origin)
    assert saved is not None and saved.body == _ROBOTS and saved.etag == '"r1"'
    assert saved.fetched_at > datetime.now(UTC) - timedelta(minutes=1)


async def test_a_changed_robots_txt_replaces_the_saved_copy(
    server: ScriptServer, store: Store
) -> None:
    server.script(
        "/robots.txt",
        Reply(200, {**_TEXT, "last-modified": "Mon, 02 Mar 2026 08:00:00 GMT"}, b""),
        Reply(200, _TEXT, _ROBOTS),
    )
    server.script("/private/page", Reply(200, body=b"ok"))
    origin = server.url.rstrip("/")
    async with Fetcher(settings(respect_robots=True), robots=StoredRobots(store)) as fetcher:
        assert await fetcher.get(server.url + "private/page") is not None
    _age(store, origin, TTL_S + 1)
    async with Fetcher(settings(respect_robots=True), robots=StoredRobots(store)) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(server.url + "private/page")
    assert caught.value.code == "fetch.robots_disallowed"
    assert _robots_requests(server)[1]["if-modified-since"] == "Mon, 02 Mar 2026 08:00:00 GMT"
    saved = store.robots_copy(origin)
    assert saved is not None and saved.body == _ROBOTS and saved.last_modified is None


async def test_missing_robots_is_saved_and_a_server_error_is_not(
    server: ScriptServer, store: Store
) -> None:
    server.script("/robots.txt", Reply(503), Reply(404))
    server.script("/private/page", Reply(200, body=b"ok"))
    origin = server.url.rstrip("/")
    async with Fetcher(settings(respect_robots=True), robots=StoredRobots(store)) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(server.url + "private/page")
    assert caught.value.code == "fetch.robots_unavailable"
    assert store.robots_copy(origin) is None  # the next run asks again
    for _run in range(2):
        async with Fetcher(settings(respect_robots=True), robots=StoredRobots(store)) as fetcher:
            assert await fetcher.get(server.url + "private/page") is not None
    saved = store.robots_copy(origin)
    assert saved is not None and saved.status == 404
    assert len(_robots_requests(server)) == 2  # the 503, then the 404 once


async def test_consecutive_poll_once_runs_fetch_robots_once(tmp_path: Path, store: Store) -> None:
    with SampleSite() as sample:
        listing = f"{sample.url}ajankohtaista/tiedotteet/"
        config = parse_config(
            f"""
[service]
database_url = "sqlite:///{tmp_path / "robots.sqlite3"}"
allow_fast_polling = true
[http]
allow_private_networks = true
min_host_delay = "0s"
{demo_source("robots-probe", listing, "fi", catch_up=True)}
""",
            "robots.toml",
            {},
        )
        [first] = await run_once(config, store)
        [second] = await run_once(config, store)
        robots = [r for r in sample.requests if r.path == "/robots.txt"]
    assert first.ok and second.ok
    assert len(robots) == 1
