"""Serving fast, checked for correctness (speed is ``make bench-serve``'s): content coding,
CORS, security headers, ETag/304 on the index, and "render once per change"."""

from __future__ import annotations

import asyncio
import base64
import functools
import gzip
import hashlib
import re
import threading
from pathlib import Path

import brotli
import httpx
import pytest

from syndicator.model import Entry
from syndicator.publish import feed_documents
from syndicator.store import open_store
from syndicator.store.releases import StoreVersion
from syndicator.web import create_app
from syndicator.web.cache import PageCache, Rendered, encode
from tests.publish.samples import EntryList, edited, make_config, sample_entries
from tests.store.test_store import FI, SV, _save
from tests.web.conftest import MemoryStore, sample_states, serve


class CountingStore(MemoryStore):
    """The in-memory store, counting the reads the app makes of it."""

    def __init__(self) -> None:
        super().__init__(sample_entries(), sample_states())
        self.reads = 0
        self.versions = 0

    def latest_entries(self, lang: str | None, limit: int) -> list[Entry]:
        self.reads += 1
        return super().latest_entries(lang, limit)

    def store_version(self) -> StoreVersion:
        self.versions += 1
        return super().store_version()


def _client(store: MemoryStore, *, key_ttl_s: float = 0) -> httpx.AsyncClient:
    app = create_app(make_config(), store, key_ttl_s=key_ttl_s)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


@pytest.mark.parametrize(
    ("accept", "coding"),
    [
        ("br, gzip", "br"),
        ("gzip, deflate", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("*", "br"),
        ("identity", None),
        ("", None),
    ],
)
async def test_feeds_are_compressed_as_the_client_accepts(
    store: MemoryStore, accept: str, coding: str | None
) -> None:
    expected, _ = feed_documents(EntryList(sample_entries()), make_config(), store)[
        "feeds/atom.xml"
    ]
    async with _client(store) as client:
        response = await client.get("/feeds/atom.xml", headers={"Accept-Encoding": accept})
    assert response.headers.get("content-encoding") == coding
    assert "Accept-Encoding" in response.headers["vary"]
    assert response.content == expected  # decoded by httpx


async def test_compressed_bytes_on_the_wire_decode_to_the_document(store: MemoryStore) -> None:
    expected, _ = feed_documents(EntryList(sample_entries()), make_config(), store)[
        "feeds/fi/rss.xml"
    ]
    decoders = {"br": brotli.decompress, "gzip": gzip.decompress}
    async with _client(store) as client:
        for coding, decode in decoders.items():
            headers = {"Accept-Encoding": coding}
            async with client.stream("GET", "/feeds/fi/rss.xml", headers=headers) as response:
                wire = b"".join([chunk async for chunk in response.aiter_raw()])
            assert response.headers["content-encoding"] == coding
            assert len(wire) < len(expected)
            assert decode(wire) == expected


async def test_any_codings_etag_revalidates(store: MemoryStore) -> None:
    async with _client(store) as client:
        br = await client.get("/feeds/rss.xml", headers={"Accept-Encoding": "br"})
        plain = await client.get("/feeds/rss.xml", headers={"Accept-Encoding": "identity"})
        assert br.headers["etag"] != plain.headers["etag"]  # one strong tag per coding
        for etag in (br.headers["etag"], plain.headers["etag"]):
            again = await client.get(
                "/feeds/rss.xml", headers={"If-None-Match": etag, "Accept-Encoding": "gzip"}
            )
            assert again.status_code == 304
            assert again.headers["etag"].endswith('-gzip"')


async def test_json_feed_allows_any_origin(store: MemoryStore) -> None:
    async with _client(store) as client:
        json_feed = await client.get("/feeds/sv/feed.json")
        atom = await client.get("/feeds/sv/atom.xml")
    assert json_feed.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-origin" not in atom.headers
    assert json_feed.headers["x-content-type-options"] == "nosniff"


async def test_index_has_security_headers_and_its_style_is_allowed(store: MemoryStore) -> None:
    async with _client(store) as client:
        page = await client.get("/?lang=sv")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    policy = dict(
        part.strip().split(" ", 1) for part in page.headers["content-security-policy"].split(";")
    )
    assert policy["default-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "<script>" not in page.text  # no inline script (its one file: test_assets.py)
    [style] = re.findall(r"<style>(.*?)</style>", page.text, re.S)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert policy["style-src"] == f"'sha256-{digest}'"  # the browser would apply the style


async def test_index_answers_304_per_language(store: MemoryStore) -> None:
    async with _client(store) as client:
        fi = await client.get("/?lang=fi")
        same = await client.get("/?lang=fi", headers={"If-None-Match": fi.headers["etag"]})
        sv = await client.get("/?lang=sv", headers={"If-None-Match": fi.headers["etag"]})
        store.entries[0] = edited(store.entries[0])
        changed = await client.get("/?lang=fi", headers={"If-None-Match": fi.headers["etag"]})
    assert same.status_code == 304
    assert same.headers["content-language"] == "fi"
    assert sv.status_code == 200 and sv.headers["content-language"] == "sv"
    assert changed.status_code == 200 and "(päivitetty)" in changed.text
    assert "Accept-Language" in fi.headers["vary"] and "Accept-Encoding" in fi.headers["vary"]


async def test_a_feed_is_rendered_once_per_change() -> None:
    store = CountingStore()
    async with _client(store) as client:
        first = await client.get("/feeds/fi/atom.xml")
        for _ in range(5):
            headers = {"If-None-Match": first.headers["etag"]}
            assert (await client.get("/feeds/fi/atom.xml", headers=headers)).status_code == 304
            assert (await client.get("/feeds/fi/atom.xml")).content == first.content
        assert store.reads == 1
        store.entries[0] = edited(store.entries[0])
        after = await client.get("/feeds/fi/atom.xml")
    assert store.reads == 2
    assert after.headers["etag"] != first.headers["etag"]


async def test_within_the_ttl_the_store_is_not_asked_at_all() -> None:
    store = CountingStore()
    async with _client(store, key_ttl_s=3600) as client:
        first = await client.get("/feeds/atom.xml")
        store.entries[0] = edited(store.entries[0])  # not seen until the TTL has passed
        for _ in range(5):
            headers = {"If-None-Match": first.headers["etag"]}
            assert (await client.get("/feeds/atom.xml", headers=headers)).status_code == 304
    assert (store.versions, store.reads) == (1, 1)


class BlockingStore(MemoryStore):
    """Every feed read waits for ``release``: renders that stay "running" for the test."""

    def __init__(self, renders: int) -> None:
        super().__init__(sample_entries(), sample_states())
        self.release = threading.Event()
        self.all_waiting = threading.Event()
        self._renders, self._waiting, self._lock = renders, 0, threading.Lock()

    def latest_entries(self, lang: str | None, limit: int) -> list[Entry]:
        with self._lock:
            self._waiting += 1
            if self._waiting == self._renders:
                self.all_waiting.set()
        assert self.release.wait(10), "the test never released the renders"
        return super().latest_entries(lang, limit)


async def test_healthz_answers_while_eight_feeds_render() -> None:
    paths = ["/" + path for path in feed_documents(EntryList([]), make_config())][:8]
    store = BlockingStore(len(paths))
    async with (
        serve(create_app(make_config(), store, key_ttl_s=0)) as url,
        httpx.AsyncClient(base_url=url, timeout=10) as client,
    ):
        feeds = [asyncio.create_task(client.get(path)) for path in paths]
        assert await asyncio.to_thread(store.all_waiting.wait, 10)  # eight renders running
        health = [await client.get("/healthz") for _ in range(5)]
        assert not any(feed.done() for feed in feeds)
        store.release.set()
        answers = await asyncio.gather(*feeds)
    assert [response.status_code for response in health] == [200] * 5
    assert [response.status_code for response in answers] == [200] * 8


async def test_the_real_store_moves_the_cached_feed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    store, other_replica = open_store(url), open_store(url)
    try:
        _save(store, FI)
        async with _client(store) as client:
            first = await client.get("/feeds/atom.xml")
            headers = {"If-None-Match": first.headers["etag"]}
            assert (await client.get("/feeds/atom.xml", headers=headers)).status_code == 304
            _save(other_replica, SV)  # another process's write: one more event in the store
            after = await client.get("/feeds/atom.xml", headers=headers)
    finally:
        store.close()
        other_replica.close()
    assert after.status_code == 200
    assert SV.title in after.text and FI.title in after.text


@pytest.mark.parametrize("path", ["/feeds/feed.json", "/feeds/sv/atom.xml"])
async def test_the_cached_fast_path_answers_as_the_full_one(store: MemoryStore, path: str) -> None:
    async with _client(store, key_ttl_s=3600) as client:
        for method in ("GET", "HEAD"):
            rendered = await client.request(method, path)  # renders, through the router
            cached = await client.request(method, path)  # from the cache, before routing
            assert cached.content == rendered.content
            assert cached.headers == rendered.headers
        bad = await client.get(path.replace("feeds/", "feeds/xx/"))
    assert bad.status_code == 404


async def test_the_version_is_read_once_per_ttl_and_shared() -> None:
    now, reads = [0.0], []

    def version() -> StoreVersion:
        reads.append(now[0])
        return StoreVersion(len(reads), None)

    cache = PageCache(version, ttl_s=1.0, clock=lambda: now[0])
    together = await asyncio.gather(*(cache.version() for _ in range(5)))
    assert [v.events for v in together] == [1] * 5  # five requests, one read
    now[0] = 0.9
    assert (await cache.version()).events == 1
    now[0] = 1.0
    assert (await cache.version()).events == 2
    assert reads == [0.0, 1.0]


async def test_a_bounded_cache_keeps_the_most_recently_used() -> None:
    cache = PageCache(lambda: StoreVersion(1, None), max_kept=2)
    renders: list[str] = []

    def render(name: str) -> Rendered:
        renders.append(name)
        return encode(name.encode(), "text/plain", None)

    for name in ("a", "b", "a", "c"):  # "a" used again, so "b" is the one dropped
        assert (await cache.get(name, 1, functools.partial(render, name))).body == name.encode()
    assert renders == ["a", "b", "c"]
    assert cache.cached("a", 1) is not None and cache.cached("c", 1) is not None
    assert cache.cached("b", 1) is None
