"""RFC 5005 archived feeds served by the real app over the real store (SQLite), through a real
uvicorn socket: a new subscriber walking ``prev-archive`` from the subscription document
collects every item not withdrawn; complete pages keep their membership (and their bytes)
when a backdated release arrives; every page is W3C-clean."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from lxml import etree

from syndicator.config import Config
from syndicator.sources import wordpress
from syndicator.store import Store, open_store
from syndicator.store.schema import items
from syndicator.web import create_app
from tests.publish.samples import BASE, T0, make_config, make_entry
from tests.publish.w3c import check
from tests.web.bulkstore import LANGS, fill_items
from tests.web.conftest import serve
from tests.web.pagestore import save

ITEMS = 537  # combined: 5 complete pages of 100 and 37; each language: 100 and 79
ATOM = "{http://www.w3.org/2005/Atom}"
HISTORY = "{http://purl.org/syndication/history/1.0}"
_NUMBER = re.compile(r"tiedote-(\d+)/$")


def _withdrawn(number: int) -> bool:
    return number % 50 == 0


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """``ITEMS`` items, fi/sv/en in turn; every 7th published long before the others (out of
    id order), every 50th withdrawn."""
    opened = open_store(f"sqlite:///{tmp_path / 'archive.sqlite3'}")
    fill_items(opened.engine, ITEMS)
    with opened.engine.begin() as connection:
        for number in range(7, ITEMS + 1, 7):
            backdated = T0 - timedelta(days=number)
            connection.execute(
                items.update().where(items.c.id == number).values(published=backdated)
            )
        withdrawn_at = T0 + timedelta(days=1)
        for number in filter(_withdrawn, range(1, ITEMS + 1)):
            connection.execute(
                items.update().where(items.c.id == number).values(withdrawn_at=withdrawn_at)
            )
    yield opened
    opened.close()


def _config() -> Config:
    """With the sources ``fill_items`` names (``vaasa-{lang}``): their feeds have archives."""
    sources = tuple(
        wordpress.Config(name=f"vaasa-{lang}", kind="wordpress", url="https://www.vaasa.fi/")
        for lang in LANGS
    )
    return make_config().model_copy(update={"sources": sources})


@pytest.fixture
async def client(store: Store) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        serve(create_app(_config(), store, key_ttl_s=0)) as url,
        httpx.AsyncClient(base_url=url) as client,
    ):
        yield client


FOLDERS = {"feeds": None, **{f"feeds/{lang}": lang for lang in LANGS}}
FOLDERS.update({f"feeds/source/vaasa-{lang}": lang for lang in LANGS})  # a source per language


@pytest.mark.parametrize("filename", ["atom.xml", "rss.xml", "feed.json"])
@pytest.mark.parametrize("folder", list(FOLDERS))
async def test_walking_prev_archive_backfills_every_item(
    client: httpx.AsyncClient, folder: str, filename: str
) -> None:
    lang = FOLDERS[folder]
    seen, visited = await _walk(client, f"/{folder}/{filename}")
    of_lang = [n for n in range(1, ITEMS + 1) if lang is None or LANGS[n % 3] == lang]
    assert seen == {n for n in of_lang if not _withdrawn(n)}
    pages = -(-len(of_lang) // 100)
    archive = [f"/{folder}/archive/{page}/{filename}" for page in range(pages, 0, -1)]
    assert visited == [f"/{folder}/{filename}", *archive]


async def test_pages_link_both_ways_and_only_complete_ones_are_marked(
    client: httpx.AsyncClient,
) -> None:
    for page in range(1, 7):
        root = etree.fromstring((await client.get(f"/feeds/archive/{page}/atom.xml")).content)
        links = {link.get("rel"): link.get("href") for link in root.iter(f"{ATOM}link")}
        assert links["self"] == f"{BASE}feeds/archive/{page}/atom.xml"
        assert links["current"] == root.findtext(f"{ATOM}id") == f"{BASE}feeds/atom.xml"
        assert links.get("prev-archive") == (
            f"{BASE}feeds/archive/{page - 1}/atom.xml" if page > 1 else None
        )
        assert links.get("next-archive") == (
            f"{BASE}feeds/archive/{page + 1}/atom.xml" if page < 6 else None
        )
        assert (root.find(f"{HISTORY}archive") is not None) == (page < 6)
    subscription = etree.fromstring((await client.get("/feeds/atom.xml")).content)
    links = {link.get("rel"): link.get("href") for link in subscription.iter(f"{ATOM}link")}
    assert links["current"] == links["self"] == f"{BASE}feeds/atom.xml"
    assert subscription.find(f"{HISTORY}archive") is None
    page = json.loads((await client.get("/feeds/sv/archive/1/feed.json")).content)
    assert "next_url" not in page  # the oldest page
    assert page["_syndicator"] == {
        "current": f"{BASE}feeds/sv/feed.json",
        "archive": True,
        "next_archive": f"{BASE}feeds/sv/archive/2/feed.json",
    }


async def test_every_document_of_the_archive_is_w3c_clean(client: httpx.AsyncClient) -> None:
    found = {}
    for folder in FOLDERS:
        for filename in ("atom.xml", "rss.xml", "feed.json"):
            _seen, visited = await _walk(client, f"/{folder}/{filename}")
            for path in visited:
                data = (await client.get(path)).content
                findings = check(path, data)
                if findings:
                    found[path] = [f"{f.code} {f.where} {f.detail}"[:160] for f in findings]
    assert found == {}


async def test_a_backdated_release_leaves_complete_pages_as_they_were(
    client: httpx.AsyncClient, store: Store
) -> None:
    before = {page: await client.get(f"/feeds/archive/{page}/atom.xml") for page in range(1, 7)}
    base = make_entry("sv").article
    url = "https://www.vaasa.fi/sv/nyheter/tiedote-9001/"
    article = replace(base, url=url, alternates=(), published=T0 - timedelta(days=3000))
    assert save(store, article) == ITEMS + 1
    for page in range(1, 6):
        etag = before[page].headers["etag"]
        again = await client.get(f"/feeds/archive/{page}/atom.xml", headers={"If-None-Match": etag})
        assert again.status_code == 304, page
    newest = (await client.get("/feeds/archive/6/atom.xml")).content
    assert newest != before[6].content and url.encode() in newest
    assert url.encode() not in (await client.get("/feeds/atom.xml")).content  # too old for it
    seen, _visited = await _walk(client, "/feeds/sv/atom.xml")
    assert 9001 in seen  # the number in its URL


async def test_complete_pages_may_be_kept_an_hour_and_the_newest_as_feeds(
    client: httpx.AsyncClient,
) -> None:
    complete = await client.get("/feeds/fi/archive/1/rss.xml")
    newest = await client.get("/feeds/fi/archive/2/rss.xml")
    assert complete.headers["cache-control"] == "public, max-age=3600"
    assert newest.headers["cache-control"] == "public, max-age=60"
    assert complete.headers["content-type"] == "application/rss+xml; charset=utf-8"
    json_page = await client.get("/feeds/archive/3/feed.json")
    assert json_page.headers["access-control-allow-origin"] == "*"
    again = await client.get(
        "/feeds/fi/archive/1/rss.xml", headers={"If-None-Match": complete.headers["etag"]}
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/archive/7/atom.xml",  # beyond the newest page
        "/feeds/archive/0/atom.xml",
        "/feeds/fi/archive/3/feed.json",
        "/feeds/de/archive/1/atom.xml",  # not a configured language
        "/feeds/source/nobody/archive/1/atom.xml",  # not a configured source
        "/feeds/source/vaasa-sv/archive/3/rss.xml",
        "/feeds/filter/x/archive/1/atom.xml",  # filters have no archive
        "/feeds/archive/1/index.html",
        "/feeds/archive/x/atom.xml",
    ],
)
async def test_pages_that_do_not_exist_are_404(client: httpx.AsyncClient, path: str) -> None:
    assert (await client.get(path)).status_code == 404


async def test_an_empty_store_has_no_archive(tmp_path: Path) -> None:
    config: Config = make_config()
    store = open_store(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    try:
        async with (
            serve(create_app(config, store, key_ttl_s=0)) as url,
            httpx.AsyncClient(base_url=url) as client,
        ):
            seen, visited = await _walk(client, "/feeds/fi/atom.xml")
            assert (seen, visited) == (set(), ["/feeds/fi/atom.xml"])
            assert (await client.get("/feeds/archive/1/atom.xml")).status_code == 404
    finally:
        store.close()


async def _walk(client: httpx.AsyncClient, path: str | None) -> tuple[set[int], list[str]]:
    """Follow ``prev-archive`` (JSON Feed: ``next_url``) from ``path``: the item numbers
    seen and the paths visited, in order."""
    seen: set[int] = set()
    visited: list[str] = []
    while path is not None:
        response = await client.get(path)
        assert response.status_code == 200, path
        visited.append(path)
        ids, older = _read(path, response.content)
        seen |= {int(_NUMBER.search(entry_id).group(1)) for entry_id in ids}  # type: ignore[union-attr]
        path = None if older is None else "/" + older.removeprefix(BASE)
        assert len(visited) < 20, visited
    return seen, visited


def _read(path: str, data: bytes) -> tuple[list[str], str | None]:
    """The entry ids of a document and its ``prev-archive``."""
    if path.endswith(".json"):
        document = json.loads(data)
        return [item["id"] for item in document["items"]], document.get("next_url")
    root = etree.fromstring(data)
    parent = root if path.endswith("atom.xml") else root.find("channel")
    if path.endswith("atom.xml"):
        ids = [entry.findtext(f"{ATOM}id") for entry in root.iter(f"{ATOM}entry")]
    else:
        ids = [item.findtext("guid") for item in parent.iter("item")]
    prev = parent.find(f"{ATOM}link[@rel='prev-archive']")
    return [str(entry_id) for entry_id in ids], None if prev is None else prev.get("href")
