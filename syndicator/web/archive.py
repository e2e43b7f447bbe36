"""RFC 5005 archive pages over HTTP: ``/feeds/archive/{page}/{file}`` (all languages),
``/feeds/{lang}/archive/{page}/{file}`` and ``/feeds/source/{name}/archive/{page}/{file}``;
404 beyond the newest page (``publish.archive``).

Rendered once per store version like the feeds, in their own cache bounded to the
``ARCHIVE_KEPT`` most recently used pages (there is no end to the pages, as there is to
the feeds). An edit of an old release still changes its page, so pages are not
``immutable``: complete ones may be kept an hour, the newest (still filling) as the feeds.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from syndicator.config import Config
from syndicator.offload import offload
from syndicator.publish import Feed, feed_changed
from syndicator.publish.archive import ArchiveReader, is_complete, page_count
from syndicator.publish.channel import FILENAMES
from syndicator.publish.documents import render_archive_page
from syndicator.store.releases import StoreVersion
from syndicator.web.cache import PageCache, Rendered, encode
from syndicator.web.conditional import conditional_response, feed_headers

__all__ = ["ARCHIVE_KEPT", "COMPLETE_CACHE_CONTROL", "ArchiveStore", "archive_routes"]

ARCHIVE_KEPT = 96  # rendered pages kept (8 documents × 3 formats × the 4 newest pages)
COMPLETE_CACHE_CONTROL = "public, max-age=3600"


class ArchiveStore(ArchiveReader, Protocol):
    """What archive pages read (blocking; ``syndicator.store.Store`` implements it)."""

    def store_version(self) -> StoreVersion: ...


def archive_routes(config: Config, store: ArchiveStore, versions: PageCache) -> list[Route]:
    """The routes; ``versions`` is the feeds' cache, whose store version they share."""
    pages = _ArchivePages(config, store, versions)
    return [
        Route(f"/feeds{folder}/archive/{{page:int}}/{{filename}}", pages.page, methods=["GET"])
        for folder in ("", "/{lang}", "/source/{source}")
    ]


class _ArchivePages:
    def __init__(self, config: Config, store: ArchiveStore, versions: PageCache) -> None:
        self.config = config
        self.store = store
        self.versions = versions
        self.kept = PageCache(store.store_version, max_kept=ARCHIVE_KEPT)
        self.formats = {filename: fmt for fmt, filename in FILENAMES.items()}
        self.sources = {source.name for source in config.sources}
        # (lang, source) → (store version, item count): counted once per version
        self.counts: dict[tuple[str | None, str | None], tuple[int, int]] = {}

    async def page(self, request: Request) -> Response:
        feed = self._feed(request.path_params)
        if feed is None or feed.page is None:
            return _not_found()
        version = await self.versions.version()
        pages = page_count(await self._count(feed, version.events), self._size)
        if not 1 <= feed.page <= pages:
            return _not_found()
        render = functools.partial(self._render, feed, pages)
        rendered = await self.kept.get(feed.path, version.events, render)
        headers = dict(feed_headers(feed))  # shared: never changed in place
        if is_complete(feed.page, pages):
            headers["Cache-Control"] = COMPLETE_CACHE_CONTROL
        return conditional_response(request, rendered, headers)

    def _feed(self, params: Mapping[str, Any]) -> Feed | None:
        """The page the path names, if we publish its feed."""
        fmt = self.formats.get(params["filename"])
        lang, source = params.get("lang"), params.get("source")
        if fmt is None or (lang is not None and lang not in self.config.feeds.languages):
            return None
        if source is not None and source not in self.sources:
            return None
        return Feed(lang, fmt, source, page=params["page"])

    @property
    def _size(self) -> int:
        return self.config.feeds.archive_page_size

    async def _count(self, feed: Feed, events: int) -> int:
        """The feed's item count at this store version."""
        known = self.counts.get((feed.lang, feed.source))
        if known is not None and known[0] == events:
            return known[1]
        count = await offload(self.store.archive_count, feed.lang, feed.source)
        self.counts[(feed.lang, feed.source)] = (events, count)
        return count

    def _render(self, feed: Feed, pages: int) -> Rendered:
        assert feed.page is not None
        entries = self.store.archive_entries(feed.lang, feed.page, self._size, feed.source)
        body = render_archive_page(feed, entries, pages, self.config)
        return encode(body, feed.content_type, feed_changed(entries))


def _not_found() -> Response:
    return PlainTextResponse("Not Found", status_code=404)
