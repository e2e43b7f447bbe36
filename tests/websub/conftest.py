"""Shared by the WebSub tests: a config whose feeds live under ``BASE``, a real store and
a real subscriber on 127.0.0.1 (``subscriber.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from syndicator.config import (
    Config,
    FeedFilter,
    FeedSettings,
    HttpSettings,
    ServiceSettings,
    WebSubSettings,
)
from syndicator.deliver.subscriptions import hub_url
from syndicator.sources import feed
from syndicator.store import Store, open_store
from tests.deliver.conftest import database_url, postgres_url
from tests.websub.subscriber import Subscriber

__all__ = ["database_url", "postgres_url"]  # the outbox tests' databases, as fixtures here

BASE = "https://tiedotteet.vaasa.example/"
FI_ATOM = BASE + "feeds/fi/atom.xml"
SV_ATOM = BASE + "feeds/sv/atom.xml"
ALL_JSON = BASE + "feeds/feed.json"
SOURCE_ATOM = BASE + "feeds/source/vaasa-fi/atom.xml"  # the source the tests save under
POOL_RSS = BASE + "feeds/filter/uimahalli/rss.xml"  # a saved filter: "uimahalli*" in the text
ENERGY_ATOM = BASE + "feeds/filter/energia/atom.xml"  # a saved filter: category "energia"


def make_config(*, allow_private: bool = True, enabled: bool = True) -> Config:
    filters = (
        FeedFilter(name="uimahalli", keywords=("uimahalli*",)),
        FeedFilter(name="energia", categories=("energia",)),
    )
    sources = tuple(
        feed.Config(name=name, kind="feed", url=f"https://www.vaasa.fi/{name}.xml")
        for name in ("vaasa-fi", "vaasa-sv")
    )
    return Config(
        service=ServiceSettings(base_url=BASE),
        http=HttpSettings(allow_private_networks=allow_private),
        websub=WebSubSettings(enabled=enabled, lease_default="1h", lease_max="2h"),
        feeds=FeedSettings(filters=filters),
        sources=sources,
    )


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """An empty store: an SQLite file, and a PostgreSQL database (as replicas use)."""
    opened = open_store(database_url)
    yield opened
    opened.close()


@pytest.fixture
def subscriber() -> Iterator[Subscriber]:
    """Subscribed with the secret ``geheim`` to ``FI_ATOM``."""
    with Subscriber("geheim") as sink:
        sink.hub, sink.topic = hub_url(make_config()), FI_ATOM
        yield sink
