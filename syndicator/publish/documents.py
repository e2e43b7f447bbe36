"""All feed documents at once (for ``feeds build`` and the out_dir rebuild), and atomic writes.

The documents depend only on the entries and the configuration — never on the clock — so an
unchanged store rebuilds to identical bytes and the same ETag.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath
from typing import Protocol

from syndicator.config import Config
from syndicator.model import Entry
from syndicator.publish.atom import render_atom
from syndicator.publish.channel import FILENAMES, Channel, Feed
from syndicator.publish.filters import filter_feeds, matching, scan_language, scan_limit
from syndicator.publish.jsonfeed import render_json_feed
from syndicator.publish.rss import render_rss

__all__ = [
    "EntryReader",
    "all_feeds",
    "feed_documents",
    "feed_entries",
    "published_feeds",
    "render_feed",
    "source_feeds",
    "write_feeds",
]


class EntryReader(Protocol):
    """The store calls the documents read (blocking)."""

    def latest_entries(self, lang: str | None, limit: int) -> list[Entry]: ...

    def source_entries(self, source: str, limit: int) -> list[Entry]: ...


_RENDERERS: dict[str, Callable[[Channel, Sequence[Entry]], bytes]] = {
    "atom": render_atom,
    "rss": render_rss,
    "json": render_json_feed,
}


def all_feeds(config: Config) -> list[Feed]:
    """Every document we publish: the combined feeds first, then each configured language."""
    languages: list[str | None] = [None, *config.feeds.languages]
    return [Feed(lang, fmt) for lang in languages for fmt in FILENAMES]


def source_feeds(config: Config) -> list[Feed]:
    """One feed per configured source, in each format: that source's entries only."""
    return [Feed(None, fmt, source.name) for source in config.sources for fmt in FILENAMES]


def published_feeds(config: Config) -> list[Feed]:
    """Every document the web app serves: combined and per language, per source, per filter."""
    return [*all_feeds(config), *source_feeds(config), *filter_feeds(config)]


def feed_entries(reader: EntryReader, feed: Feed, config: Config) -> list[Entry]:
    """The newest entries ``feed`` shows (blocking: store calls)."""
    limit = config.feeds.max_entries
    if feed.source is not None:
        return reader.source_entries(feed.source, limit)
    if feed.filter is not None:
        [feed_filter] = [each for each in config.feeds.filters if each.name == feed.filter]
        newest = reader.latest_entries(scan_language(feed_filter), scan_limit(config))
        return matching(feed_filter, newest, limit)
    return reader.latest_entries(feed.lang, limit)


def render_feed(feed: Feed, entries: Sequence[Entry], config: Config) -> bytes:
    """One document from newest-first entries, cut to ``feeds.max_entries``."""
    newest = list(entries)[: config.feeds.max_entries]
    return _RENDERERS[feed.format](Channel.build(feed, newest, config), newest)


def feed_documents(reader: EntryReader, config: Config) -> dict[str, tuple[bytes, str]]:
    """Relative path → (bytes, content type) for every published document (combined, per
    language, per source, per saved filter). No clock: an empty feed's ``updated`` is a
    fixed date, so the bytes depend on the store alone. One read per distinct query."""
    documents: dict[str, tuple[bytes, str]] = {}
    read: dict[tuple[str | None, str | None, str | None], list[Entry]] = {}
    for feed in published_feeds(config):
        key = (feed.lang, feed.source, feed.filter)
        if key not in read:
            read[key] = feed_entries(reader, feed, config)
        documents[feed.path] = (render_feed(feed, read[key], config), feed.content_type)
    return documents


def write_feeds(out_dir: Path, documents: dict[str, tuple[bytes, str]]) -> None:
    """Write each document under ``out_dir``, atomically per file; unchanged files are left
    alone (their mtime keeps serving as Last-Modified for a static web server)."""
    for relative, (data, _content_type) in sorted(documents.items()):
        target = out_dir / _safe_relative(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_file() and target.read_bytes() == data:
            continue
        _replace(target, data)


def _safe_relative(relative: str) -> Path:
    path = PurePosixPath(relative)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ValueError(f"not a relative feed path: {relative!r}")
    return Path(*path.parts)


def _replace(target: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes 0600; feeds are public
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
