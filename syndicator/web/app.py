"""The Starlette app: feeds with ETag/304, the index page, /healthz, /readyz, /metrics.

Feeds are rendered from the store on each request (a few short SQLite queries); the strong
ETag is a hash of the bytes, so an unchanged store answers 304 to a conditional request.
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
from syndicator.model import Entry, SourceState
from syndicator.publish import Feed, all_feeds, feed_updated, render_feed
from syndicator.publish.channel import rfc3339
from syndicator.web.conditional import CACHE_CONTROL, conditional_response
from syndicator.web.index import choose_language, render_index

__all__ = ["INDEX_ENTRIES", "ReadStore", "create_app"]

INDEX_ENTRIES = 10  # latest releases listed per language on the index page

log = logging.getLogger(__name__)


class ReadStore(Protocol):
    """What the web app reads. ``check`` raises ``StoreError`` when the store is unreachable."""

    def latest_entries(self, lang: str | None, limit: int) -> list[Entry]: ...

    def check(self) -> None: ...

    def source_states(self) -> list[SourceState]: ...


def create_app(config: Config, store: ReadStore) -> Starlette:
    """The web app over ``store``; store methods are called directly (they are short)."""
    handlers = _Handlers(config, store)
    routes = [
        Route("/", handlers.index, methods=["GET"]),
        Route("/feeds/{filename}", handlers.feed, methods=["GET"]),
        Route("/feeds/{lang}/{filename}", handlers.feed, methods=["GET"]),
        Route("/healthz", handlers.healthz, methods=["GET"]),
        Route("/readyz", handlers.readyz, methods=["GET"]),
        Route("/metrics", handlers.metrics, methods=["GET"]),
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
        entries = self.store.latest_entries(feed.lang, self.config.feeds.max_entries)
        body = render_feed(feed, entries, self.config)
        return conditional_response(request, body, feed.content_type, feed_updated(entries))

    async def index(self, request: Request) -> Response:
        lang = choose_language(
            request.query_params.get("lang"), request.headers.get("accept-language")
        )
        latest = {
            code: self.store.latest_entries(code, INDEX_ENTRIES)
            for code in self.config.feeds.languages
        }
        page = render_index(lang, self.config, latest, self.store.source_states())
        headers = {
            "Content-Language": lang,
            "Vary": "Accept-Language",
            "Cache-Control": CACHE_CONTROL,
        }
        return HTMLResponse(page, headers=headers)

    async def healthz(self, request: Request) -> Response:
        return PlainTextResponse("ok", headers={"Cache-Control": "no-store"})

    async def readyz(self, request: Request) -> Response:
        headers = {"Cache-Control": "no-store"}
        try:
            self.store.check()
            states = self.store.source_states()
        except StoreError as exc:
            log.warning(
                "store not ready",
                extra={"event": "web.not_ready", "error_code": exc.code, "error": exc.message},
            )
            body: dict[str, Any] = {"store": exc.code, "sources": []}
            return JSONResponse(body, status_code=503, headers=headers)
        body = {"store": "ok", "sources": [_state_json(state) for state in states]}
        return JSONResponse(body, headers=headers)

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
    code = exc.code if isinstance(exc, StoreError) else "store.failed"
    log.warning("store unavailable", extra={"event": "web.store_unavailable", "error_code": code})
    return PlainTextResponse(
        f"503 Service Unavailable: {code}\n",
        status_code=503,
        headers={"Retry-After": "30", "Cache-Control": "no-store"},
    )
