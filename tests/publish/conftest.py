"""The demo site after its first poll, through the real pipeline: the feeds it publishes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from syndicator.demo.command import demo_config
from syndicator.demo.site import SampleSite
from syndicator.publish import feed_documents
from syndicator.scheduler import run_once
from syndicator.store import open_store

Documents = dict[str, tuple[bytes, str]]


@pytest.fixture(scope="module")
def demo_documents(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Documents]:
    """Every feed document of ``syndicator demo`` after one poll of the sample site (dated
    relative to now, as the demo is)."""
    workdir = tmp_path_factory.mktemp("demo")
    with SampleSite() as site:
        config = demo_config(site.url, 8099, workdir)
        store = open_store(config.service.database_url)
        try:
            asyncio.run(run_once(config, store))
            yield feed_documents(store.latest_entries, config)
        finally:
            store.close()
