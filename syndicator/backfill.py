"""``syndicator backfill``: walk a source's archive into the store and feeds, sending nothing.

The archive of each kind, newest first, page by page (at most ``max_pages``):

- ``html``: each listing URL and the pages its ``selectors.next_page`` links to;
- ``wordpress``: the REST list by publication date, ``page=1, 2, …`` until the
  ``X-WP-TotalPages`` header's last page, an empty page, or the 400
  (``rest_post_invalid_page_number``) WordPress answers past the end;
- ``feed``: only through RFC 5005 ``prev-archive`` links (the feed's own or its ``Link``
  header); a feed without one has no archive, which is a configuration error (exit 2).

Listing pages are fetched unconditionally (a 304 would hide the next page's address), but
through the polling fetcher: robots.txt, per-host delay, retries. Releases already stored
are skipped without a request; new ones go through the pipeline's catch-up path
(``pipeline.save_quietly``): extracted and stored like any poll, routed to no destination
and to no WebSub subscriber, and no hub is pinged. ``since``: releases listed as older are
left out and the walk stops at the first page that shows one (listings are newest first).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from syndicator.config import Config
from syndicator.configbase import SourceBase
from syndicator.errors import ConfigError, ExtractError, FetchError
from syndicator.http import Fetcher, Page
from syndicator.hubs.discovery import header_links
from syndicator.locales import HELSINKI
from syndicator.logs import log_event
from syndicator.model import Candidate
from syndicator.offload import offload
from syndicator.parsing import Parser
from syndicator.pipeline import save_quietly
from syndicator.progress import progress
from syndicator.sources import feed, html_listing, wordpress
from syndicator.store import Store
from syndicator.urls import canonical_url

__all__ = ["DEFAULT_MAX_PAGES", "BackfillResult", "backfill", "parse_since", "run_backfill"]

log = logging.getLogger("syndicator.backfill")
DEFAULT_MAX_PAGES = 50
# Every release of a page is processed: the source's max_items bounds a poll, not the archive.
_ALL = 10_000
_Pages = AsyncGenerator[Sequence[Candidate], None]  # one archive page's releases at a time
# a fetched page → its releases and the next page's URL (given how many pages were walked)
_Reader = Callable[[Page, int], Awaitable[tuple[Sequence[Candidate], str | None]]]


@dataclass(slots=True)
class BackfillResult:
    source: str
    pages: int = 0  # archive pages read
    found: int = 0  # releases listed on them (newer than ``since``)
    stored: int = 0  # language versions newly stored
    skipped: int = 0  # releases already in the store: not fetched
    failed: int = 0  # releases that could not be fetched, extracted or saved
    error: str | None = None  # why the walk stopped early, if it did
    stopped_at_since: bool = False

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.error else 0

    def summary(self) -> str:
        lines = [
            f"{self.source}: {self.pages} pages walked, {self.found} releases found, "
            f"{self.stored} new stored, {self.skipped} skipped (already stored), "
            f"{self.failed} failed; nothing was sent"
        ]
        if self.stopped_at_since:
            lines.append("  stopped at releases older than --since")
        if self.error:
            lines.append(f"  the walk stopped early: {self.error}")
        return "\n".join(lines)


def parse_since(text: str) -> datetime:
    """``YYYY-MM-DD`` (midnight) or an ISO date and time; without a zone, Europe/Helsinki."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a date: {text!r} (expected YYYY-MM-DD)") from None
    if len(text) <= len("YYYY-MM-DD"):
        moment = datetime.combine(date.fromisoformat(text), time())
    return moment if moment.tzinfo else moment.replace(tzinfo=HELSINKI)


def run_backfill(
    config: Config, store: Store, name: str, *, since: datetime | None, max_pages: int
) -> BackfillResult:
    """The command: one walk with the polling fetcher and parse pool, then the feeds."""
    import asyncio

    from syndicator.poller import StoredRobots, validator_lookup
    from syndicator.scheduler import parse_pool, rebuild_feeds

    source = _source(config, name)

    async def walk() -> BackfillResult:
        async with (
            Fetcher(
                config.http, validators=validator_lookup(store), robots=StoredRobots(store)
            ) as fetcher,
            parse_pool(config) as parser,
        ):
            return await backfill(source, store=store, fetcher=fetcher, parser=parser,
                                  languages=config.feeds.languages, since=since,
                                  max_pages=max_pages)  # fmt: skip

    result = asyncio.run(walk())
    rebuild_feeds(config, store)  # only where feeds.out_dir is set
    return result


def _source(config: Config, name: str) -> SourceBase:
    for source in config.sources:
        if source.name == name:
            return source
    known = ", ".join(source.name for source in config.sources)
    raise ConfigError(f"syndicator: no source named {name!r} (sources: {known})",
                      code="config.unknown_source")  # fmt: skip


async def backfill(
    source: SourceBase,
    *,
    store: Store,
    fetcher: Fetcher,
    parser: Parser,
    languages: Sequence[str],
    since: datetime | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> BackfillResult:
    whole = source.model_copy(update={"max_items": _ALL})
    result, seen = BackfillResult(source.name), set[str]()
    pages = _pages(whole, fetcher, parser)
    async with contextlib.aclosing(pages):
        try:
            with progress(f"backfill {source.name}", None) as bar:  # pages: not known ahead
                async for candidates in pages:
                    result.pages += 1
                    bar.advance()
                    fresh, older = await _fresh(store, candidates, since, seen, result)
                    if fresh:
                        saved = await save_quietly(whole, fresh, store=store, fetcher=fetcher,
                                                   parser=parser, languages=languages,
                                                   clock=clock)  # fmt: skip
                        result.stored += saved.created + saved.updated
                        result.failed += saved.errors
                    result.stopped_at_since = older
                    if older or result.pages >= max_pages:
                        break
        except (FetchError, ExtractError) as exc:  # a listing page: the walk ends there
            result.error = exc.message
    log_event(log, logging.INFO, "backfill.done", result.summary().splitlines()[0],
              source=source.name, items=result.found, new=result.stored,
              skipped=result.skipped, errors=result.failed)  # fmt: skip
    return result


async def _fresh(
    store: Store,
    candidates: Sequence[Candidate],
    since: datetime | None,
    seen: set[str],
    result: BackfillResult,
) -> tuple[list[Candidate], bool]:
    """The page's releases not stored yet; and whether it lists one older than ``since``."""
    fresh: list[Candidate] = []
    older = False
    for candidate in candidates:
        if since is not None and candidate.published is not None and candidate.published < since:
            older = True
            continue
        url = canonical_url(candidate.url)
        if url in seen:  # listed on an earlier page too (a release moved down meanwhile)
            continue
        seen.add(url)
        result.found += 1
        if await offload(store.find_item, url) is not None:
            result.skipped += 1
        else:
            fresh.append(candidate)
    return fresh, older


def _pages(source: SourceBase, fetcher: Fetcher, parser: Parser) -> _Pages:
    if isinstance(source, html_listing.Config):
        return _html_pages(source, fetcher, parser)
    if isinstance(source, wordpress.Config):
        return _wordpress_pages(source, fetcher, parser)
    if isinstance(source, feed.Config):
        return _feed_pages(source, fetcher, parser)
    raise ConfigError(f"{source.name}: this kind of source has no archive to walk",
                      code="backfill.no_archive")  # fmt: skip


async def _html_pages(source: html_listing.Config, fetcher: Fetcher, parser: Parser) -> _Pages:
    async def read(page: Page, _: int) -> tuple[Sequence[Candidate], str | None]:
        found = await parser.run(html_listing.read_page, page.text, page.url, source)
        return found.candidates, found.next_page

    for start in source.urls:
        async for candidates in _linked_pages(start, source.name, fetcher, read):
            yield candidates


async def _linked_pages(first: str, name: str, fetcher: Fetcher, read: _Reader) -> _Pages:
    """Page after page from ``first``, each naming the next (``read``: its releases and the
    next URL), until one names none or one already walked."""
    url: str | None = first
    visited: set[str] = set()
    while url is not None and url not in visited:
        visited.add(url)
        page = await _fetch(fetcher, url, name)
        candidates, url = await read(page, len(visited))
        yield candidates


async def _fetch(fetcher: Fetcher, url: str, name: str) -> Page:
    """Unconditionally: a 304 would hide the next page's address."""
    page = await fetcher.get(url, source=name)
    assert page is not None  # only a conditional request answers None
    return page


async def _wordpress_pages(source: wordpress.Config, fetcher: Fetcher, parser: Parser) -> _Pages:
    number, last = 1, None
    while last is None or number <= last:
        url = wordpress.api_url(source, page=number)
        try:
            page = await _fetch(fetcher, url, source.name)
        except FetchError as exc:
            if number > 1 and exc.status == 400:  # rest_post_invalid_page_number: past the end
                return
            raise
        total = page.headers.get("x-wp-totalpages", "")
        last = int(total) if total.strip().isdigit() else None
        found = await parser.run(wordpress.read_posts, page.content, url, page.url, source)
        if not found:
            return
        yield found
        number += 1


async def _feed_pages(source: feed.Config, fetcher: Fetcher, parser: Parser) -> _Pages:
    async def read(page: Page, walked: int) -> tuple[Sequence[Candidate], str | None]:
        found = await parser.run(feed.read_feed, page.content, page.url, source)
        links = [*header_links(page.headers.get("link"), page.url), *found.links]
        earlier = next((href for rel, href in links if rel == "prev-archive"), None)
        if earlier is None and walked == 1:
            raise ConfigError(
                f"{source.name}: a feed has no archive (no RFC 5005 prev-archive link); "
                "backfill walks html listings and the WordPress API",
                code="backfill.no_archive",
            )
        return found.candidates, earlier

    async for candidates in _linked_pages(source.url, source.name, fetcher, read):
        yield candidates
