"""feed_documents and write_feeds: every path, determinism, atomic writes."""

from __future__ import annotations

import os
import time
from pathlib import Path

import feedparser
import pytest

import syndicator.publish
from syndicator.publish import feed_documents, write_feeds
from tests.publish.samples import URLS, EntryList, make_config, sample_entries

PATHS = {
    f"feeds/{folder}{name}"
    for folder in ("", "fi/", "sv/", "en/")
    for name in ("atom.xml", "rss.xml", "feed.json")
}


def test_public_surface() -> None:
    assert sorted(syndicator.publish.__all__) == [
        "EntryReader",
        "Feed",
        "all_feeds",
        "feed_changed",
        "feed_documents",
        "feed_entries",
        "feed_updated",
        "published_feeds",
        "render_feed",
        "source_feeds",
        "write_feeds",
    ]


def test_every_path_with_its_content_type() -> None:
    documents = feed_documents(EntryList(sample_entries()), make_config())
    assert set(documents) == PATHS
    assert documents["feeds/sv/atom.xml"][1] == "application/atom+xml; charset=utf-8"
    assert documents["feeds/rss.xml"][1] == "application/rss+xml; charset=utf-8"
    assert documents["feeds/en/feed.json"][1] == "application/feed+json"
    for path, (data, _content_type) in documents.items():
        if not path.endswith(".json"):
            assert feedparser.parse(data).bozo == 0, path


def test_one_query_per_language_with_the_configured_limit() -> None:
    entries_for = EntryList(sample_entries())
    feed_documents(entries_for, make_config(max_entries=7))
    assert entries_for.calls == [(None, 7), ("fi", 7), ("sv", 7), ("en", 7)]


def test_language_feeds_hold_only_their_language() -> None:
    documents = feed_documents(EntryList(sample_entries()), make_config())
    parsed = feedparser.parse(documents["feeds/sv/atom.xml"][0])
    assert [entry.link for entry in parsed.entries] == [URLS["sv"]]
    assert len(feedparser.parse(documents["feeds/fi/rss.xml"][0]).entries) == 6


def test_identical_input_identical_bytes_whatever_the_clock() -> None:
    first = feed_documents(EntryList(sample_entries()), make_config())
    empty = feed_documents(EntryList([]), make_config())
    time.sleep(1.05)  # across a second boundary: a clock read anywhere would show
    assert feed_documents(EntryList(sample_entries()), make_config()) == first
    assert feed_documents(EntryList([]), make_config()) == empty


def test_write_feeds_writes_every_file_readable_by_all(tmp_path: Path) -> None:
    documents = feed_documents(EntryList(sample_entries()), make_config())
    write_feeds(tmp_path, documents)
    for path, (data, _content_type) in documents.items():
        target = tmp_path / path
        assert target.read_bytes() == data
        assert target.stat().st_mode & 0o777 == 0o644
    leftovers = [p.name for p in tmp_path.rglob(".*")]
    assert leftovers == []


def test_write_feeds_replaces_changed_and_keeps_unchanged(tmp_path: Path) -> None:
    write_feeds(tmp_path, {"feeds/atom.xml": (b"one", "x"), "feeds/rss.xml": (b"same", "x")})
    os.utime(tmp_path / "feeds/rss.xml", (1_000_000, 1_000_000))
    write_feeds(tmp_path, {"feeds/atom.xml": (b"two", "x"), "feeds/rss.xml": (b"same", "x")})
    assert (tmp_path / "feeds/atom.xml").read_bytes() == b"two"
    assert (tmp_path / "feeds/rss.xml").stat().st_mtime == 1_000_000


@pytest.mark.parametrize("bad", ["../escape.xml", "/etc/passwd", ""])
def test_write_feeds_refuses_paths_outside_out_dir(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError):
        write_feeds(tmp_path, {bad: (b"x", "x")})
