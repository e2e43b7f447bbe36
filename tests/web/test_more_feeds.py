"""Per-source and saved-filter feeds (issue 8): ``/feeds/source/{name}/…`` and
``/feeds/filter/{name}/…`` in three formats, through the page cache like every feed:
W3C-clean, exactly their entries, 404 for unknown names, ETag/304, listed on the index.
The store's query: ``tests/store/test_feed_queries.py``; the matching:
``tests/publish/test_filters.py``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import feedparser
import httpx
import pytest
from lxml import html

from syndicator.config import (
    Config,
    FeedFilter,
    FeedSettings,
    ServiceSettings,
    WebSubSettings,
)
from syndicator.model import Entry
from syndicator.sources import wordpress
from syndicator.web import create_app
from tests.publish.samples import BASE, sample_entries
from tests.publish.w3c import check
from tests.web.conftest import MemoryStore, sample_states

FORMATS = ("atom.xml", "rss.xml", "feed.json")
MAX_ENTRIES = 3
FILTERS = (
    FeedFilter(
        name="energia",
        title={"fi": "Energia", "sv": "Energi"},
        categories=("energia",),
        languages=("fi",),
    ),
    FeedFilter(name="aurinko", keywords=("aurinkovoima*",)),
    FeedFilter(name="suomeksi", languages=("fi",)),
    FeedFilter(name="ei-mitaan", title={"en": "Nothing"}, categories=("puuttuu",)),
)
# feed folder under feeds/ → the item ids it shows (newest first), from ``_entries``
SHOWS = {
    "source/vaasa-fi": [1, 3, 4],
    "source/vaasa-sv": [2],
    "source/quiet": [],
    "filter/energia": [1, 4, 6],
    "filter/aurinko": [1, 3, 6],
    "filter/suomeksi": [1, 4, 5],
    "filter/ei-mitaan": [],
}
# a filter's own title, else "Vaasa: name"; a source's feed is named by its publisher (the
# organisation of its newest entry), never by the internal source name
TITLES = {
    "filter/energia": "Energia",
    "filter/ei-mitaan": "Nothing",
    "source/vaasa-fi": "Vaasa: Vaasan kaupunki",
    "source/vaasa-sv": "Vaasa: Vasa stad",
    "source/quiet": "Vaasa",
}
ORGANISATION = {"fi": "Vaasan kaupunki", "sv": "Vasa stad", "en": "City of Vaasa"}


def _config() -> Config:
    sources = tuple(
        wordpress.Config(
            name=name, kind="wordpress", url="https://www.vaasa.fi/", organisation=ORGANISATION
        )
        for name in ("vaasa-fi", "vaasa-sv", "quiet")
    )
    return Config(
        service=ServiceSettings(base_url=BASE),
        feeds=FeedSettings(title="Vaasa", max_entries=MAX_ENTRIES, filters=FILTERS),
        websub=WebSubSettings(enabled=False),
        sources=sources,
    )


def _entries() -> list[Entry]:
    """The sample entries (newest first: ids 1–8, 2 Swedish, 3 English, the rest Finnish),
    the Swedish one from ``vaasa-sv``; "Energia" on 1, 2, 4, 6 and 7; "aurinkovoimala" in
    the text of 1, 3, 6 and 8."""
    entries = []
    for entry in sample_entries():
        article = entry.article
        if entry.item_id in (1, 2, 4, 6, 7):
            article = replace(article, categories=("Energia", "Asuminen"))
        if entry.item_id in (1, 3, 6, 8):
            article = replace(article, text=article.text + " Uusi aurinkovoimala.")
        source = "vaasa-sv" if article.lang == "sv" else entry.source
        entries.append(replace(entry, article=article, source=source))
    return entries


@pytest.fixture
def sources_store() -> MemoryStore:
    return MemoryStore(_entries(), sample_states())


@pytest.fixture
async def sources_client(sources_store: MemoryStore) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(_config(), sources_store, key_ttl_s=0)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.mark.parametrize("folder", list(SHOWS))
@pytest.mark.parametrize("filename", FORMATS)
async def test_new_feeds_pass_the_w3c_checks(
    sources_client: httpx.AsyncClient, folder: str, filename: str
) -> None:
    path = f"feeds/{folder}/{filename}"
    response = await sources_client.get("/" + path)
    assert response.status_code == 200
    assert check(path, response.content) == []


@pytest.mark.parametrize(("folder", "expected"), list(SHOWS.items()))
async def test_a_feed_holds_exactly_its_releases(
    sources_client: httpx.AsyncClient, folder: str, expected: list[int]
) -> None:
    """A source's newest, or a filter's newest matches, at most ``MAX_ENTRIES``."""
    numbers = {entry.article.url: entry.item_id for entry in _entries()}
    for filename in ("atom.xml", "rss.xml"):
        response = await sources_client.get(f"/feeds/{folder}/{filename}")
        parsed = feedparser.parse(response.content)
        assert parsed.bozo == 0, filename
        assert [numbers[item.id] for item in parsed.entries] == expected, filename
        assert parsed.feed.title == TITLES.get(folder, f"Vaasa: {folder.split('/')[1]}")
        assert f"{BASE}feeds/{folder}/{filename}" in response.text  # rel="self"
    feed = (await sources_client.get(f"/feeds/{folder}/feed.json")).json()
    assert [numbers[item["id"]] for item in feed["items"]] == expected
    assert feed["feed_url"] == f"{BASE}feeds/{folder}/feed.json"


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/source/nobody/atom.xml",
        "/feeds/source/vaasa-fi/atom.rss",
        "/feeds/source/vaasa-fi/x/atom.xml",
        "/feeds/source/atom.xml",
        "/feeds/filter/nothing-saved/atom.xml",
        "/feeds/filter/energia/energia.xml",
        "/feeds/filter/feed.json",
    ],
)
async def test_unknown_source_feeds_are_404(sources_client: httpx.AsyncClient, path: str) -> None:
    assert (await sources_client.get(path)).status_code == 404


@pytest.mark.parametrize(
    ("path", "gone", "left"),
    [
        ("/feeds/source/vaasa-sv/atom.xml", 1, 0),  # the Swedish release, its only one
        ("/feeds/filter/aurinko/rss.xml", 2, 3),  # the English release: 1, 6 and now 8
    ],
)
async def test_a_feed_answers_304_until_its_entries_change(
    sources_client: httpx.AsyncClient, sources_store: MemoryStore, path: str, gone: int, left: int
) -> None:
    etag = (await sources_client.get(path)).headers["etag"]
    again = await sources_client.get(path, headers={"If-None-Match": etag})
    assert (again.status_code, again.content) == (304, b"")
    del sources_store.entries[gone]
    changed = await sources_client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert len(feedparser.parse(changed.content).entries) == left


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


async def test_index_lists_every_filter_feed(sources_client: httpx.AsyncClient) -> None:
    page = html.fromstring((await sources_client.get("/?lang=fi")).content)
    [section] = page.xpath('//section[@id="feeds-filter"]')
    hrefs = section.xpath(".//a/@href")
    assert hrefs == [
        f"{BASE}feeds/{folder}/{filename}"
        for folder in SHOWS
        if folder.startswith("filter/")
        for filename in FORMATS
    ]
    labels = [item.text_content().split(":")[0] for item in section.xpath(".//li")]
    assert labels == ["Energia", "Vaasa", "Vaasa", "Nothing"]


@pytest.mark.parametrize(
    "path", ["/feeds/source/vaasa-fi/feed.json", "/feeds/filter/energia/atom.xml"]
)
async def test_new_feeds_are_served_from_the_page_cache(
    sources_store: MemoryStore, path: str
) -> None:
    """Within the version TTL a kept document answers without reading the store again:
    the same bytes and ETag, even though the entries changed meanwhile."""
    app = create_app(_config(), sources_store, key_ttl_s=3600)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        first = await client.get(path)
        sources_store.entries.clear()
        kept = await client.get(path, headers={"If-None-Match": first.headers["etag"]})
        plain = await client.get(path)
    assert kept.status_code == 304
    assert (plain.status_code, plain.content) == (200, first.content)
    assert plain.headers["etag"] == first.headers["etag"]
