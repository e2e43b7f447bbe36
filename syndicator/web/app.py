"""The Starlette app: feeds with ETag/304, the index page, /healthz, /readyz, /metrics.

Feeds are rendered from the store on each request (a few short queries); the strong ETag
is a hash of the bytes, so an unchanged store answers 304 to a conditional request.

Store calls block, so they run on ``syndicator.offload``'s thread pool: a locked SQLite file
or an unreachable PostgreSQL holds a pool thread, never the event loop, and ``/healthz``
(which never touches the store) keeps answering. A ``StoreError`` becomes 503 with
``Retry-After`` and a short text in the reader's language.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from syndicator import metrics
from syndicator.config import Config
from syndicator.errors import StoreError
from syndicator.i18n import LANGUAGES, translate
from syndicator.logs import log_event
from syndicator.model import Entry, SourceState
from syndicator.offload import offload
from syndicator.publish import Feed, all_feeds, feed_updated, render_feed
from syndicator.publish.channel import rfc3339
from syndicator.web.conditional import CACHE_CONTROL, conditional_response
from syndicator.web.index import choose_language, render_index
from syndicator.web.websub import hub_routes

__all__ = ["INDEX_ENTRIES", "ReadStore", "create_app"]

INDEX_ENTRIES = 10  # latest releases listed per language on the index page
RETRY_AFTER = 30  # seconds a client should wait when the store is down

log = logging.getLogger(__name__)


class ReadStore(Protocol):
    """What the web app reads: blocking calls that raise ``StoreError`` when the store fails
    (``check`` when it is unreachable). The app runs them off the loop."""

    def latest_entries(self, lang: str | None, limit: int) -> list[Entry]: ...

    def check(self) -> None: ...

    def source_states(self) -> list[SourceState]: ...


def create_app(config: Config, store: ReadStore) -> Starlette:
    """The web app over ``store``; store calls run off the event loop."""
    handlers = _Handlers(config, store)
    routes = [
        Route("/", handlers.index, methods=["GET"]),
        Route("/feeds/{filename}", handlers.feed, methods=["GET"]),
        Route("/feeds/{lang}/{filename}", handlers.feed, methods=["GET"]),
        Route("/healthz", handlers.healthz, methods=["GET"]),
        Route("/readyz", handlers.readyz, methods=["GET"]),
        Route("/metrics", handlers.metrics, methods=["GET"]),
        *hub_routes(config, store),  # POST /websub: the WebSub hub
    ]
    return Starlette(routes=routes, exception_handlers={StoreError: _store_unavailable})


class _Handlers:
    def __init__(self, config: Config, store: ReadStore) -> None:
        self.config = config
        self.store = store
        self.feeds: dict[str, Feed] = {feed.path: feed for feed in all_feeds(config)}

    async def feed(self, request: Request) -> Response:
        lang = request.path_params.get("lang")
        folder = "feeds" if lang is None else f"feeds/{lang}"
        feed = self.feeds.get(f"{folder}/{request.path_params['filename']}")
        if feed is None:
            return PlainTextResponse("Not Found", status_code=404)
        entries = await offload(self.store.latest_entries, feed.lang, self.config.feeds.max_entries)
        body = render_feed(feed, entries, self.config)
        return conditional_response(request, body, feed.content_type, feed_updated(entries))

    async def index(self, request: Request) -> Response:
        lang = choose_language(
            request.query_params.get("lang"), request.headers.get("accept-language")
        )
        latest = {
            code: await offload(self.store.latest_entries, code, INDEX_ENTRIES)
            for code in self.config.feeds.languages
        }
        states = await offload(self.store.source_states)
        page = render_index(lang, self.config, latest, states)
        headers = {
            "Content-Language": lang,
            "Vary": "Accept-Language",
            "Cache-Control": CACHE_CONTROL,
        }
        return HTMLResponse(page, headers=headers)

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
