"""Feed routes at unit level (ASGI transport): 404s, conditional requests.

Store failures: ``test_store_down.py``, with the real store on a broken database."""

from __future__ import annotations

import feedparser
import httpx
import pytest

from syndicator.publish import feed_documents
from tests.publish.samples import URLS, EntryList, make_config, sample_entries
from tests.web.conftest import MemoryStore


async def test_served_bytes_equal_the_built_documents(
    client: httpx.AsyncClient, store: MemoryStore
) -> None:
    documents = feed_documents(EntryList(sample_entries()), make_config(), store)
    assert "feeds/fi/archive/1/feed.json" in documents  # the archive pages too
    for path, (data, content_type) in documents.items():
        response = await client.get("/" + path)
        assert response.content == data, path
        assert response.headers["content-type"] == content_type


@pytest.mark.parametrize(
    "path", ["/feeds/de/atom.xml", "/feeds/fi/atom.rss", "/feeds/index.html", "/feeds/fi/x/y"]
)
async def test_unknown_feeds_are_404(client: httpx.AsyncClient, path: str) -> None:
    assert (await client.get(path)).status_code == 404


async def test_language_feed_holds_its_language(client: httpx.AsyncClient) -> None:
    parsed = feedparser.parse((await client.get("/feeds/en/atom.xml")).content)
    assert parsed.bozo == 0
    assert [entry.id for entry in parsed.entries] == [URLS["en"]]


async def test_etag_changes_when_an_entry_is_edited(
    client: httpx.AsyncClient, store: MemoryStore
) -> None:
    from tests.publish.samples import edited

    before = await client.get("/feeds/fi/atom.xml")
    store.entries[0] = edited(store.entries[0])
    stale = await client.get(
        "/feeds/fi/atom.xml", headers={"If-None-Match": before.headers["etag"]}
    )
    assert stale.status_code == 200
    assert stale.headers["etag"] != before.headers["etag"]
    assert stale.headers["last-modified"] != before.headers["last-modified"]


@pytest.mark.parametrize(
    ("header", "value", "status"),
    [
        ("If-None-Match", '"other", W/"{etag}"', 304),
        ("If-None-Match", "*", 304),
        ("If-None-Match", '"other"', 200),
        ("If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT", 200),
        ("If-Modified-Since", "Fri, 01 Jan 2100 00:00:00 GMT", 304),
        ("If-Modified-Since", "not a date", 200),
    ],
)
async def test_conditional_headers(
    client: httpx.AsyncClient, header: str, value: str, status: int
) -> None:
    etag = (await client.get("/feeds/rss.xml")).headers["etag"].strip('"')
    response = await client.get("/feeds/rss.xml", headers={header: value.format(etag=etag)})
    assert response.status_code == status


async def test_if_none_match_wins_over_if_modified_since(client: httpx.AsyncClient) -> None:
    headers = {"If-None-Match": '"other"', "If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}
    assert (await client.get("/feeds/rss.xml", headers=headers)).status_code == 200
