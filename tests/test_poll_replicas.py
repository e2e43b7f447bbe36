"""Two replicas on one PostgreSQL: each source is polled by one of them, once per interval."""

from __future__ import annotations

import asyncio
import itertools
import os
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from syndicator.config import parse_config
from syndicator.demo.languages import demo_source
from syndicator.demo.site import SampleSite
from syndicator.http import Fetcher
from syndicator.parsing import InlineParser
from syndicator.poller import Poller, validator_lookup
from syndicator.store import open_store
from tests.postgres import postgres_server

_counter = itertools.count()


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    with postgres_server() as url:
        if url is None:
            if os.environ.get("CI"):
                pytest.fail("CI must test PostgreSQL: install Debian's postgresql package")
            pytest.skip("no PostgreSQL server binaries here")
        yield url


def _database(server: str) -> str:
    name = f"syndicator_replicas_{os.getpid()}_{next(_counter)}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.rsplit("/", 1)[0] + f"/{name}"


async def test_two_replicas_poll_a_source_once_per_interval(postgres: str) -> None:
    url = _database(postgres)
    with SampleSite() as site:
        listing = f"{site.url}ajankohtaista/tiedotteet/"
        text = f"""
[service]
database_url = "{url}"
[http]
allow_private_networks = true
min_host_delay = "0s"
max_retries = 0
{demo_source("vaasa", listing, "fi", catch_up=True, interval="15m")}
"""
        config = parse_config(text, "replicas.toml", {})
        [source] = config.sources
        stores = [open_store(url) for _ in range(2)]
        fetchers = [Fetcher(config.http, validator_lookup(store)) for store in stores]
        pollers = [
            Poller(config, store, fetcher, InlineParser(), owner=f"replica-{index}")
            for index, (store, fetcher) in enumerate(zip(stores, fetchers, strict=True))
        ]
        try:
            first = await asyncio.gather(*(poller.poll(source) for poller in pollers))
            again = await asyncio.gather(*(poller.poll(source) for poller in pollers))
        finally:
            for fetcher in fetchers:
                await fetcher.aclose()
            for store in stores:
                store.close()
        listings = [r for r in site.requests if r.path == "/ajankohtaista/tiedotteet/"]
    assert sorted(result.skipped for result in first) == [False, True]
    assert next(result for result in first if not result.skipped).created > 0
    assert all(result.skipped for result in again)  # polled a moment ago: not due
    assert len(listings) == 1
