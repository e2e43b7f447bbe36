"""Archive pages (``publish.archive``): membership and links (pure), every page built by
``feeds build`` and the out_dir rebuild, which renders old pages once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from syndicator.config import Config
from syndicator.model import Entry
from syndicator.publish import Feed, feed_documents
from syndicator.publish.archive import (
    has_archive,
    is_complete,
    page_count,
    page_history,
    subscription_history,
)
from syndicator.publish.history import History
from syndicator.scheduler import rebuild_feeds
from syndicator.store import Store, open_store
from tests.publish.samples import BASE, make_config
from tests.web.bulkstore import fill_items

HISTORY = "{http://purl.org/syndication/history/1.0}"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.parametrize(
    ("items", "size", "pages"), [(0, 100, 0), (1, 100, 1), (100, 100, 1), (101, 100, 2)]
)
def test_page_count(items: int, size: int, pages: int) -> None:
    assert page_count(items, size) == pages


def test_only_pages_before_the_newest_are_complete() -> None:
    assert [is_complete(page, 3) for page in (0, 1, 2, 3, 4)] == [False, True, True, False, False]


def test_the_subscription_document_points_to_the_newest_page() -> None:
    config = make_config()
    assert subscription_history(Feed("sv", "rss"), 4, config) == History(
        current=f"{BASE}feeds/sv/rss.xml", prev_archive=f"{BASE}feeds/sv/archive/4/rss.xml"
    )
    assert subscription_history(Feed(None, "atom"), 0, config) == History(
        current=f"{BASE}feeds/atom.xml"
    )


def test_a_page_links_its_neighbours_and_its_subscription_document() -> None:
    config = make_config()
    middle = page_history(Feed(None, "json", page=2), 3, config)
    assert middle == History(
        current=f"{BASE}feeds/feed.json",
        prev_archive=f"{BASE}feeds/archive/1/feed.json",
        next_archive=f"{BASE}feeds/archive/3/feed.json",
        archive=True,
        is_page=True,
    )
    newest = page_history(Feed("fi", "atom", page=3), 3, config)
    assert (newest.next_archive, newest.archive) == (None, False)
    assert newest.links() == [
        ("current", f"{BASE}feeds/fi/atom.xml"),
        ("prev-archive", f"{BASE}feeds/fi/archive/2/atom.xml"),
    ]


def test_filter_feeds_have_no_archive() -> None:
    assert has_archive(Feed("fi", "atom")) and has_archive(Feed(None, "rss"))
    assert has_archive(Feed(None, "atom", source="vaasa-fi"))
    assert not has_archive(Feed(None, "atom", filter="koulut"))
    assert Feed("fi", "rss", page=7).path == "feeds/fi/archive/7/rss.xml"
    assert (
        Feed(None, "json", "vaasa-fi", page=2).path == "feeds/source/vaasa-fi/archive/2/feed.json"
    )


class CountingStore(Store):
    """The real store, counting the archive pages read."""

    pages_read: list[tuple[str | None, int]]

    def archive_entries(
        self, lang: str | None, page: int, size: int, source: str | None = None
    ) -> list[Entry]:
        self.pages_read.append((lang, page))
        return super().archive_entries(lang, page, size, source)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CountingStore]:
    opened = open_store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    counting = CountingStore(opened.engine)
    counting.pages_read = []
    fill_items(counting.engine, 95)  # combined: pages of 10 → 10; each language: 4
    yield counting
    opened.close()


def _config(tmp_path: Path) -> Config:
    config = make_config(archive_page_size=10)
    return config.model_copy(
        update={"feeds": config.feeds.model_copy(update={"out_dir": str(tmp_path / "out")})}
    )


def test_feeds_build_writes_every_page_in_every_format(store: CountingStore) -> None:
    documents = feed_documents(store, make_config(archive_page_size=10), store)
    pages = {path for path in documents if "/archive/" in path}
    assert len(pages) == (10 + 3 * 4) * 3
    assert "feeds/archive/10/atom.xml" in pages and "feeds/en/archive/4/feed.json" in pages
    rss = etree.fromstring(documents["feeds/sv/archive/3/rss.xml"][0])
    channel = rss.find("channel")
    assert channel is not None and channel.find(f"{HISTORY}archive") is not None
    rels = [link.get("rel") for link in channel.iter(f"{ATOM}link")]
    assert rels == ["self", "current", "prev-archive", "next-archive"]
    assert len(channel.findall("item")) == 10
    assert len(store.pages_read) == 10 + 3 * 4  # each page read once for its three formats


def test_the_rebuild_renders_old_pages_once(store: CountingStore, tmp_path: Path) -> None:
    config = _config(tmp_path)
    out = tmp_path / "out"
    rebuild_feeds(config, store)
    assert (out / "feeds/archive/1/atom.xml").is_file()
    assert len(store.pages_read) == 10 + 3 * 4
    store.pages_read.clear()
    fill_items(store.engine, 10, start=96)  # combined: page 11 starts; each language: 35
    rebuild_feeds(config, store)
    assert sorted(store.pages_read, key=str) == sorted(
        [(None, 10), (None, 11), *((lang, page) for lang in ("fi", "sv", "en") for page in (3, 4))],
        key=str,
    )  # the two newest of each; the ones that were already there are left alone
    page_10 = etree.fromstring((out / "feeds/archive/10/atom.xml").read_bytes())
    assert page_10.find(f"{HISTORY}archive") is not None  # completed by page 11
