"""Per-source feeds (issue 8): ``/feeds/source/{name}/…`` in three formats, through the
page cache like every feed: W3C-clean, that source's entries only, 404 for unknown names,
ETag/304. The store's query: ``tests/store/test_feed_queries.py``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import feedparser
import httpx
import pytest
from lxml import html

from syndicator.config import Config, FeedSettings, ServiceSettings, WebSubSettings
from syndicator.model import Entry
from syndicator.sources import wordpress
from syndicator.web import create_app
from tests.publish.samples import BASE, sample_entries
from tests.publish.w3c import check
from tests.web.conftest import MemoryStore, sample_states

FORMATS = ("atom.xml", "rss.xml", "feed.json")
MAX_ENTRIES = 3


def _config() -> Config:
    sources = tuple(
        wordpress.Config(name=name, kind="wordpress", url="https://www.vaasa.fi/")
        for name in ("vaasa-fi", "vaasa-sv", "quiet")
    )
    return Config(
        service=ServiceSettings(base_url=BASE),
        feeds=FeedSettings(title="Vaasa", max_entries=MAX_ENTRIES),
        websub=WebSubSettings(enabled=False),
        sources=sources,
    )


def _entries() -> list[Entry]:
    """The sample entries, the Swedish one from ``vaasa-sv``: 8 from vaasa-fi, 1 from sv."""
    return [
        replace(entry, source="vaasa-sv") if entry.article.lang == "sv" else entry
        for entry in sample_entries()
    ]


@pytest.fixture
def sources_store() -> MemoryStore:
    return MemoryStore(_entries(), sample_states())


@pytest.fixture
async def sources_client(sources_store: MemoryStore) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(_config(), sources_store, key_ttl_s=0)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.mark.parametrize("source", ["vaasa-fi", "vaasa-sv", "quiet"])
@pytest.mark.parametrize("filename", FORMATS)
async def test_source_feeds_pass_the_w3c_checks(
    sources_client: httpx.AsyncClient, source: str, filename: str
) -> None:
    path = f"feeds/source/{source}/{filename}"
    response = await sources_client.get("/" + path)
    assert response.status_code == 200
    assert check(path, response.content) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [("vaasa-fi", [1, 3, 4]), ("vaasa-sv", [2]), ("quiet", [])],
)
async def test_a_source_feed_holds_that_sources_newest_entries(
    sources_client: httpx.AsyncClient, source: str, expected: list[int]
) -> None:
    numbers = {entry.article.url: entry.item_id for entry in _entries()}
    for filename in ("atom.xml", "rss.xml"):
        response = await sources_client.get(f"/feeds/source/{source}/{filename}")
        parsed = feedparser.parse(response.content)
        assert parsed.bozo == 0, filename
        assert [numbers[item.id] for item in parsed.entries] == expected, filename
        assert parsed.feed.title == f"Vaasa: {source}"
        assert f"{BASE}feeds/source/{source}/{filename}" in response.text  # rel="self"
    feed = (await sources_client.get(f"/feeds/source/{source}/feed.json")).json()
    assert [numbers[item["id"]] for item in feed["items"]] == expected
    assert feed["feed_url"] == f"{BASE}feeds/source/{source}/feed.json"


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/source/nobody/atom.xml",
        "/feeds/source/vaasa-fi/atom.rss",
        "/feeds/source/vaasa-fi/x/atom.xml",
        "/feeds/source/atom.xml",
    ],
)
async def test_unknown_source_feeds_are_404(sources_client: httpx.AsyncClient, path: str) -> None:
    assert (await sources_client.get(path)).status_code == 404


async def test_source_feed_answers_304_until_its_source_changes(
    sources_client: httpx.AsyncClient, sources_store: MemoryStore
) -> None:
    path = "/feeds/source/vaasa-sv/atom.xml"
    first = await sources_client.get(path)
    etag = first.headers["etag"]
    again = await sources_client.get(path, headers={"If-None-Match": etag})
    assert (again.status_code, again.content) == (304, b"")
    sources_store.entries.remove(sources_store.entries[1])  # the Swedish release is gone
    changed = await sources_client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert feedparser.parse(changed.content).entries == []


async def test_index_lists_every_source_feed(sources_client: httpx.AsyncClient) -> None:
    page = html.fromstring((await sources_client.get("/?lang=en")).content)
    [section] = page.xpath('//section[@id="feeds-source"]')
    hrefs = section.xpath(".//a/@href")
    expected = [
        f"{BASE}feeds/source/{name}/{filename}"
        for name in ("vaasa-fi", "vaasa-sv", "quiet")
        for filename in FORMATS
    ]
    assert hrefs == expected
    assert section.xpath("h2/text()") == ["By source"]
