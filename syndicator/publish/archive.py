"""PURE: RFC 5005 archived feeds — which items each archive page holds and how the pages link.

The subscription document (``feeds/atom.xml``, ``feeds/sv/rss.xml``,
``feeds/source/{name}/feed.json``, …) stays the newest ``feeds.max_entries`` by publication
time. Every item ever stored in its language (all languages for the combined feed; the
source's, for a source's feed) is on exactly one archive page: ordered by item id,
page k holds the k-th block of ``feeds.archive_page_size`` (page 1 the oldest). Ids only
grow and items are never deleted, so a page's membership never changes when a backdated
release arrives (publication-time order would reshuffle every later page). A withdrawn item
keeps its place (the page does not shift) but is not shown, as in the feeds.

A page is complete once the next one has started; complete pages carry ``fh:archive``.
The newest page, still filling, is an archive page too but without the marker: the
subscription document's ``prev-archive`` points to it, so walking ``prev-archive`` from the
subscription document reaches every item — the union of the subscription document and the
pages is every item not withdrawn, even when the newest page holds more than the
subscription document shows (a client should fetch the unmarked newest page again, as
RFC 5005 lets it assume only marked pages are stable).

Filter feeds have no archives: a filter's matches change with its settings (and would need
a scan of every item per page), and the combined archive already holds every match.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from syndicator.config import Config
from syndicator.model import Entry
from syndicator.publish.channel import Feed
from syndicator.publish.history import History

__all__ = [
    "ArchiveReader",
    "archive_page",
    "has_archive",
    "is_complete",
    "page_count",
    "page_history",
    "subscription_history",
]


class ArchiveReader(Protocol):
    """What archive pages read (``Store`` implements it; blocking calls)."""

    def archive_count(self, lang: str | None, source: str | None = None) -> int:
        """Every item of ``lang`` (``None``: all) or of ``source`` ever stored, withdrawn
        ones included."""
        ...

    def archive_entries(
        self, lang: str | None, page: int, size: int, source: str | None = None
    ) -> list[Entry]:
        """The shown entries of page ``page`` (from 1) of ``size`` items, newest first."""
        ...


def has_archive(feed: Feed) -> bool:
    """The combined, per-language and per-source documents (and their pages); not filters'."""
    return feed.filter is None


def page_count(items: int, size: int) -> int:
    """How many pages ``items`` items fill, the last one possibly partly."""
    return -(-items // size)


def is_complete(page: int, pages: int) -> bool:
    """A page is complete (``fh:archive``) once a newer one has started."""
    return 1 <= page < pages


def archive_page(feed: Feed, page: int) -> Feed:
    """The archive page ``page`` of the subscription document ``feed``, same format."""
    return replace(feed, page=page)


def subscription_history(feed: Feed, pages: int, config: Config) -> History:
    """The subscription document: ``current`` is itself; ``prev-archive`` the newest page."""
    newest = archive_page(feed, pages).url(config) if pages else None
    return History(current=feed.url(config), prev_archive=newest)


def page_history(feed: Feed, pages: int, config: Config) -> History:
    """Archive page ``feed.page`` of ``pages``: its neighbours and its subscription document."""
    page = feed.page
    assert page is not None and 1 <= page <= pages, (page, pages)
    return History(
        current=replace(feed, page=None).url(config),
        prev_archive=archive_page(feed, page - 1).url(config) if page > 1 else None,
        next_archive=archive_page(feed, page + 1).url(config) if page < pages else None,
        archive=is_complete(page, pages),
        is_page=True,
    )
