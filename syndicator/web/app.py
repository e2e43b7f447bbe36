"""The Starlette app: feeds with ETag/304, the index page, /healthz, /readyz, /metrics.

Feeds and the index are rendered once per change of the store (``syndicator.web.cache``),
off the event loop, and kept with their gzip and brotli variants; the strong ETag is a hash
of the bytes, so an unchanged store answers 304 to a conditional request without rendering.

Store calls block, so they run on ``syndicator.offload``'s thread pool: a locked SQLite file
or an unreachable PostgreSQL holds a pool thread, never the event loop, and ``/healthz``
(which never touches the store) keeps answering. A ``StoreError`` becomes 503 with
``Retry-After`` and a short text in the reader's language.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from typing import Any, Protocol

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from syndicator import metrics
from syndicator.config import Config
from syndicator.errors import StoreError
from syndicator.i18n import LANGUAGES, translate
from syndicator.logs import log_event
from syndicator.model import Article, Entry, EventKind, SourceState
from syndicator.offload import offload
from syndicator.publish import Feed, feed_changed, feed_entries, published_feeds, render_feed
from syndicator.publish.archive import ArchiveReader, has_archive, page_count
from syndicator.publish.channel import rfc3339
from syndicator.store.releases import StoreVersion
from syndicator.web.archive import archive_routes
from syndicator.web.assets import asset_routes
from syndicator.web.cache import KEY_TTL_S, PageCache, Rendered, encode
from syndicator.web.conditional import answer, conditional_response, feed_headers, request_headers
from syndicator.web.index import (
    INDEX_HEADERS,
    QUERY_MAX,
    choose_language,
    render_index,
    search_titles,
)
from syndicator.web.pages import page_routes
from syndicator.web.release import release_routes
from syndicator.web.status import StatusStore, admin_token_from, status_routes
from syndicator.web.websub import hub_routes
from syndicator.web.websub_callback import callback_routes

__all__ = ["INDEX_ENTRIES", "ReadStore", "create_app"]

INDEX_ENTRIES = 10  # latest releases listed per language on the index page
SEARCHED = 1000  # newest releases a title search on the index page looks through
RETRY_AFTER = 30  # seconds a client should wait when the store is down

log = logging.getLogger(__name__)


class ReadStore(ArchiveReader, StatusStore, Protocol):
    """What the web app reads (and the status page's retry writes): blocking calls that
    raise ``StoreError`` when the store fails (``check`` when it is unreachable). The app
    runs them off the loop."""

    def latest_entries(self, lang: str | None, limit: int) -> list[Entry]: ...

    def source_entries(self, source: str, limit: int) -> list[Entry]: ...

    def store_version(self) -> StoreVersion: ...

    def check(self) -> None: ...

    def latest_event_of(self, item_id: int) -> int | None: ...

    def entry_for_event(self, event_id: int) -> tuple[EventKind, Entry] | None: ...

    def release_entries(self, release_id: int) -> list[Entry]: ...

    def previous_article(self, item_id: int, version: int) -> Article | None: ...


def create_app(
    config: Config,
    store: ReadStore,
    *,
    key_ttl_s: float = KEY_TTL_S,
    on_push: Callable[[], None] | None = None,
) -> Starlette:
    """The web app over ``store``; store calls and rendering run off the event loop. The
    store's version is read at most once per ``key_ttl_s`` (see ``syndicator.web.cache``).
    ``on_push``: the worker's wake-up for pushes from our sources' hubs."""
    handlers = _Handlers(config, store, PageCache(store.store_version, ttl_s=key_ttl_s))
    fast_path = Middleware(_CachedFeeds, handlers=handlers)
    routes = [
        Route("/", handlers.index, methods=["GET"]),
        Route("/feeds/{filename}", handlers.feed, methods=["GET"]),
        Route("/feeds/{lang}/{filename}", handlers.feed, methods=["GET"]),
        Route("/feeds/source/{source}/{filename}", handlers.feed, methods=["GET"]),
        Route("/feeds/filter/{name}/{filename}", handlers.feed, methods=["GET"]),
        *archive_routes(config, store, handlers.cache),  # RFC 5005 archive pages
        Route("/healthz", handlers.healthz, methods=["GET"]),
        Route("/readyz", handlers.readyz, methods=["GET"]),
        Route("/metrics", handlers.metrics, methods=["GET"]),
        *hub_routes(config, store),  # POST /websub: the WebSub hub
        *callback_routes(store, on_push),  # /websub/callback/{token}: our sources' hubs
        *page_routes(config, store, handlers.cache),  # GET /embed/{lang}: partners frame it
        *release_routes(config, store),  # GET /releases/{item_id}: a release as partners get it
        *status_routes(config, store, admin_token=admin_token_from(os.environ)),  # ops
        *asset_routes(),  # GET /static/copy.js: the index's copy buttons
    ]
    return Starlette(
        routes=routes,
        middleware=[fast_path],
        exception_handlers={StoreError: _store_unavailable},
    )


class _CachedFeeds:
    """A feed already rendered at the store version read within the TTL is answered here,
    before routing: no await, no store call (about 1.5× the requests/s of the full path)."""

    def __init__(self, app: ASGIApp, handlers: _Handlers) -> None:
        self.app = app
        self.handlers = handlers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            feed = self.handlers.feeds.get(scope["path"][1:])
            version = self.handlers.cache.fresh_version()
            if feed is not None and version is not None:
                rendered = self.handlers.cache.cached(feed.path, version.events)
                if rendered is not None:
                    headers = request_headers(scope)
                    chosen = answer(scope["method"], headers, rendered, feed_headers(feed))
                    await send(
                        {"type": "http.response.start", "status": chosen.status,
                         "headers": chosen.headers}
                    )  # fmt: skip
                    await send({"type": "http.response.body", "body": chosen.body})
                    return
        await self.app(scope, receive, send)


class _Handlers:
    def __init__(self, config: Config, store: ReadStore, cache: PageCache) -> None:
        self.config = config
        self.store = store
        self.cache = cache
        self.feeds: dict[str, Feed] = {feed.path: feed for feed in published_feeds(config)}

    async def feed(self, request: Request) -> Response:
        feed = self.feeds.get(request.scope["path"][1:])
        if feed is None:
            return PlainTextResponse("Not Found", status_code=404)
        version = await self.cache.version()
        render = functools.partial(self._render_feed, feed)
        rendered = await self.cache.get(feed.path, version.events, render)
        return conditional_response(request, rendered, feed_headers(feed))

    def _render_feed(self, feed: Feed) -> Rendered:
        entries = feed_entries(self.store, feed, self.config)
        pages = None  # how many archive pages it links to (publish.archive)
        if has_archive(feed):
            count = self.store.archive_count(feed.lang, feed.source)
            pages = page_count(count, self.config.feeds.archive_page_size)
        body = render_feed(feed, entries, self.config, pages)
        return encode(body, feed.content_type, feed_changed(entries))

    async def index(self, request: Request) -> Response:
        lang = choose_language(
            request.query_params.get("lang"), request.headers.get("accept-language")
        )
        query = request.query_params.get("q", "").strip()[:QUERY_MAX]
        render = functools.partial(self._render_index, lang, query)
        if query:  # searches are not kept: any query would grow the cache
            rendered = await offload(render)
        else:
            version = await self.cache.version()
            key = (version.events, version.polled)
            rendered = await self.cache.get(f"index.{lang}", key, render)
        headers = {"Content-Language": lang, "Vary": "Accept-Language", **INDEX_HEADERS}
        return conditional_response(request, rendered, headers)

    def _render_index(self, lang: str, query: str) -> Rendered:
        latest = {
            code: self.store.latest_entries(code, INDEX_ENTRIES)
            for code in self.config.feeds.languages
        }
        found = search_titles(self.store.latest_entries(None, SEARCHED), query) if query else []
        states = self.store.source_states()
        page = render_index(lang, self.config, latest, states, query=query, found=found)
        return encode(page.encode(), "text/html", None)

    async def healthz(self, request: Request) -> Response:
        return PlainTextResponse("ok", headers={"Cache-Control": "no-store"})

    async def readyz(self, request: Request) -> Response:
        try:
            await offload(self.store.check)
            states = await offload(self.store.source_states)
        except StoreError as exc:
            lang = _reader_language(request)
            body: dict[str, Any] = {"store": exc.code, "message": _down(exc, lang), "sources": []}
            return JSONResponse(body, status_code=503, headers=_unavailable(request, exc, lang))
        body = {"store": "ok", "sources": [_state_json(state) for state in states]}
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    async def metrics(self, request: Request) -> Response:
        return Response(
            metrics.render(),
            media_type=metrics.CONTENT_TYPE,
            headers={"Cache-Control": "no-store"},
        )


def _state_json(state: SourceState) -> dict[str, Any]:
    return {
        "name": state.name,
        "last_poll_at": rfc3339(state.last_poll_at) if state.last_poll_at else None,
        "last_success_at": rfc3339(state.last_success_at) if state.last_success_at else None,
        "last_error_code": state.last_error_code,
        "last_error": state.last_error,
        "consecutive_failures": state.consecutive_failures,
        "items": state.items,
        "degraded": state.degraded,
    }


async def _store_unavailable(request: Request, exc: Exception) -> Response:
    """Feeds and ``/``: 503, when to come back, and why in a few words of the reader's."""
    assert isinstance(exc, StoreError)
    lang = _reader_language(request)
    headers = _unavailable(request, exc, lang)
    return PlainTextResponse(f"{_down(exc, lang)} ({exc.code})\n", 503, headers=headers)


def _unavailable(request: Request, exc: StoreError, lang: str) -> dict[str, str]:
    """Log the cause (never shown to readers); the 503's headers."""
    log_event(
        log,
        logging.WARNING,
        "web.store_unavailable",
        f"store unavailable: {exc.message}",
        error_code=exc.code,
        path=request.url.path,
    )
    return {
        "Retry-After": str(RETRY_AFTER),
        "Cache-Control": "no-store",
        "Content-Language": lang,
        "Vary": "Accept-Language",
    }


def _reader_language(request: Request) -> str:
    """A language feed's own language, else ``?lang=`` or Accept-Language (as on ``/``)."""
    feed_lang = request.path_params.get("lang")
    if feed_lang in LANGUAGES:
        return str(feed_lang)
    return choose_language(request.query_params.get("lang"), request.headers.get("accept-language"))


def _down(exc: StoreError, lang: str) -> str:
    return translate(f"error.{exc.code}", lang)
