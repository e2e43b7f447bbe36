"""All feed documents at once (for ``feeds build`` and the out_dir rebuild), and atomic writes.

Given an ``ArchiveReader`` (the store), the subscription documents name their archive
(``publish.archive``) and the archive pages are rendered too: every page for ``feeds build``;
for the out_dir rebuild after each change only the two newest (the growing page, and the one
its start just completed, which gains ``fh:archive`` and ``next-archive``) and pages not yet
written, so a rebuild does not grow with the archive. An edit of an older release reaches
its page's file at the next ``feeds build``; the web app always serves pages current.

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
from syndicator.progress import QUIET, Tracker
from syndicator.publish.archive import (
    ArchiveReader,
    archive_page,
    has_archive,
    page_count,
    page_history,
    subscription_history,
)
from syndicator.publish.atom import render_atom
from syndicator.publish.channel import FILENAMES, Channel, Feed
from syndicator.publish.filters import filter_feeds, matching, scan_language, scan_limit
from syndicator.publish.history import History
from syndicator.publish.jsonfeed import render_json_feed
from syndicator.publish.rss import render_rss

__all__ = [
    "REWRITTEN_PAGES",
    "EntryReader",
    "all_feeds",
    "feed_documents",
    "feed_entries",
    "published_feeds",
    "render_archive_page",
    "render_feed",
    "source_feeds",
    "write_feeds",
]


class EntryReader(Protocol):
    """The store calls the documents read (blocking)."""

    def latest_entries(self, lang: str | None, limit: int) -> list[Entry]: ...

    def source_entries(self, source: str, limit: int) -> list[Entry]: ...


REWRITTEN_PAGES = 2  # the newest archive pages rendered even when already written

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


def render_feed(
    feed: Feed, entries: Sequence[Entry], config: Config, archive_pages: int | None = None
) -> bytes:
    """One document from newest-first entries, cut to ``feeds.max_entries``; with
    ``archive_pages`` (how many archive pages it has) its RFC 5005 ``current`` and
    ``prev-archive`` links."""
    newest = list(entries)[: config.feeds.max_entries]
    history = None
    if archive_pages is not None and has_archive(feed):
        history = subscription_history(feed, archive_pages, config)
    return _render(feed, newest, config, history)


def render_archive_page(feed: Feed, entries: Sequence[Entry], pages: int, config: Config) -> bytes:
    """Archive page ``feed.page`` of ``pages``, with all its (newest-first) entries."""
    return _render(feed, entries, config, page_history(feed, pages, config))


def _render(feed: Feed, entries: Sequence[Entry], config: Config, history: History | None) -> bytes:
    return _RENDERERS[feed.format](Channel.build(feed, entries, config, history), entries)


def feed_documents(
    reader: EntryReader,
    config: Config,
    archive: ArchiveReader | None = None,
    written: Callable[[str], bool] | None = None,
    tracker: Tracker = QUIET,
) -> dict[str, tuple[bytes, str]]:
    """Relative path → (bytes, content type) for every published document (combined, per
    language, per source, per saved filter) and, with ``archive``, their archive pages —
    except, when ``written`` is given, the pages it says exist, beyond the
    ``REWRITTEN_PAGES`` newest. No clock: an empty feed's ``updated`` is a fixed date, so
    the bytes depend on the store alone. One read per distinct query. ``tracker`` counts
    documents: the subscription ones, then the archive pages once they are counted."""
    documents: dict[str, tuple[bytes, str]] = {}
    read: dict[tuple[str | None, str | None, str | None], list[Entry]] = {}
    pages: dict[tuple[str | None, str | None], int] = {}
    feeds = published_feeds(config)
    tracker.expect(len(feeds))
    for feed in feeds:
        key = (feed.lang, feed.source, feed.filter)
        if key not in read:
            read[key] = feed_entries(reader, feed, config)
        count = None
        if archive is not None and has_archive(feed):
            where = (feed.lang, feed.source)
            if where not in pages:
                size = config.feeds.archive_page_size
                pages[where] = page_count(archive.archive_count(*where), size)
            count = pages[where]
        body = render_feed(feed, read[key], config, count)
        documents[feed.path] = (body, feed.content_type)
        tracker.advance()
    if archive is not None:
        tracker.expect(sum(pages.values()) * len(FILENAMES))
        for (lang, source), count in pages.items():
            documents.update(
                _archive_documents(archive, lang, source, count, config, written, tracker)
            )
    return documents


def _archive_documents(
    archive: ArchiveReader,
    lang: str | None,
    source: str | None,
    pages: int,
    config: Config,
    written: Callable[[str], bool] | None,
    tracker: Tracker,
) -> dict[str, tuple[bytes, str]]:
    """The archive pages of the documents of ``lang`` or ``source``, in every format (see
    ``feed_documents`` for which)."""
    documents: dict[str, tuple[bytes, str]] = {}
    size = config.feeds.archive_page_size
    for page in range(1, pages + 1):
        feeds = [archive_page(Feed(lang, fmt, source), page) for fmt in FILENAMES]
        if written is not None and page <= pages - REWRITTEN_PAGES:
            feeds = [feed for feed in feeds if not written(feed.path)]
        tracker.advance(len(FILENAMES) - len(feeds))  # already written: done
        if not feeds:
            continue
        entries = archive.archive_entries(lang, page, size, source)
        for feed in feeds:
            body = render_archive_page(feed, entries, pages, config)
            documents[feed.path] = (body, feed.content_type)
            tracker.advance()
    return documents


def write_feeds(
    out_dir: Path, documents: dict[str, tuple[bytes, str]], tracker: Tracker = QUIET
) -> None:
    """Write each document under ``out_dir``, atomically per file; unchanged files are left
    alone (their mtime keeps serving as Last-Modified for a static web server)."""
    for relative, (data, _content_type) in sorted(documents.items()):
        target = out_dir / _safe_relative(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not (target.is_file() and target.read_bytes() == data):
            _replace(target, data)
        tracker.advance()


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
