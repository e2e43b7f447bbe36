"""The sample site after its first poll, through the real pipeline: the feeds it publishes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from syndicator.config import Config, parse_config
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
        yield _first_poll(demo_config(site.url, 8099, workdir))


@pytest.fixture(scope="module")
def wordpress_documents(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Documents]:
    """Every feed document after one poll of the sample site's WordPress REST API, with the
    source at its default settings."""
    workdir = tmp_path_factory.mktemp("wordpress")
    with SampleSite() as site:
        yield _first_poll(parse_config(_wordpress(site.url, workdir), "feeds.toml", {}))


def _first_poll(config: Config) -> Documents:
    store = open_store(config.service.database_url)
    try:
        asyncio.run(run_once(config, store))
        return feed_documents(store, config, store)  # and the archive pages
    finally:
        store.close()


def _wordpress(site_url: str, workdir: Path) -> str:
    return f"""
[service]
database_url = "sqlite:///{workdir / "wp.sqlite3"}"
base_url = "http://127.0.0.1:8099/"
allow_fast_polling = true
[http]
allow_private_networks = true
min_host_delay = "0.1s"
[[sources]]
name = "demo-wp"
kind = "wordpress"
url = "{site_url}"
post_type = "tiedote"
"""
