"""``/status`` for operators: every source's last poll, result and next poll; every
destination's pending rows and dead letters; a retry button for the dead letters.

The button is shown only when ``SYNDICATOR_ADMIN_TOKEN`` is set, and ``POST /status/retry``
answers 403 unless the form's own ``token`` field equals it (``hmac.compare_digest``). The
token travels in the POST body itself, never in a cookie, so another site cannot make a
reader's browser retry anything (no cross-site request forgery without the token).
Without the variable, retrying is off and every POST answers 403.
"""

from __future__ import annotations

import functools
import hmac
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from syndicator.config import Config
from syndicator.i18n import translate
from syndicator.logs import log_event
from syndicator.model import Delivery, SourceState
from syndicator.offload import offload
from syndicator.status import (
    DestinationStatus,
    SourceStatus,
    destination_statuses,
    next_poll,
    source_statuses,
)
from syndicator.web.cache import Rendered, encode
from syndicator.web.conditional import conditional_response
from syndicator.web.forms import read_form
from syndicator.web.index import choose_language
from syndicator.web.pages import page_headers, render_page

__all__ = ["ADMIN_TOKEN_VARIABLE", "StatusStore", "admin_token_from", "next_poll", "status_routes"]

ADMIN_TOKEN_VARIABLE = "SYNDICATOR_ADMIN_TOKEN"
LISTED = 500  # dead letters listed with their error (the counts are exact, from the store)
_MAX_FORM = 4096  # bytes of a retry form we read

log = logging.getLogger(__name__)

_WORDS = (
    "source", "last_poll", "last_error", "items", "never", "ok", "no_sources",
)  # fmt: skip
_STATUS_WORDS = (
    "degraded", "next_poll", "destinations", "destination", "pending", "failed", "release",
    "retry", "retry_all", "token", "retried", "no_destinations",
)  # fmt: skip


class StatusStore(Protocol):
    """What the status page reads and writes (``syndicator.store.Store`` has it all)."""

    def source_states(self) -> list[SourceState]: ...

    def list_deliveries(
        self, status: str | None = None, limit: int = 200, ids: Sequence[int] | None = None
    ) -> list[Delivery]: ...

    def retry_deliveries(
        self, ids: Sequence[int] | None, now: datetime, destination: str | None = None
    ) -> int: ...

    def destination_counts(self) -> dict[str, dict[str, int]]: ...


@dataclass(frozen=True, slots=True)
class _SourceRow:
    status: SourceStatus
    error: str
    degraded: str


@dataclass(frozen=True, slots=True)
class _DestinationRow:
    status: DestinationStatus
    dead_letters: tuple[Delivery, ...]  # the newest of them, with their errors


def admin_token_from(environ: Mapping[str, str]) -> str | None:
    """The admin token, if one is set (blank counts as unset)."""
    return environ.get(ADMIN_TOKEN_VARIABLE, "").strip() or None


def status_routes(config: Config, store: StatusStore, *, admin_token: str | None) -> list[Route]:
    """``GET /status`` and ``POST /status/retry`` (403 unless ``admin_token`` is given)."""

    def render(lang: str, retried: int | None) -> Rendered:
        rows = [_source_row(row, lang) for row in source_statuses(config, store.source_states())]
        page = render_page(
            "status.html", lang, config, translate("status.title", lang),
            w=_words(lang), sources=rows, destinations=_destinations(config, store),
            admin=admin_token is not None, retried=retried,
        )  # fmt: skip
        return encode(page.encode(), "text/html", None)

    async def status(request: Request) -> Response:
        lang = _language(request)
        retried = request.query_params.get("retried", "")
        shown = int(retried) if retried.isdecimal() and len(retried) < 10 else None
        rendered = await offload(functools.partial(render, lang, shown))
        headers = {**page_headers(lang), "Cache-Control": "no-cache, private"}
        return conditional_response(request, rendered, headers)

    async def retry(request: Request) -> Response:
        form = await read_form(request, _MAX_FORM) or {}  # not a form: no token, 403
        given = form.get("token", "")
        if admin_token is None or not hmac.compare_digest(given.encode(), admin_token.encode()):
            log_event(log, logging.WARNING, "web.retry_refused", "retry refused",
                      path=request.url.path, configured=admin_token is not None)  # fmt: skip
            return PlainTextResponse("Forbidden\n", status_code=403)
        destination = form.get("destination") or None
        retried = await offload(functools.partial(_retry, store, destination))
        log_event(log, logging.INFO, "web.retry", f"{retried} deliveries queued again",
                  destination=destination, count=retried)  # fmt: skip
        target = f"{config.service.base_url}status?lang={_language(request)}&retried={retried}"
        return RedirectResponse(target, status_code=303)

    return [
        Route("/status", status, methods=["GET"]),
        Route("/status/retry", retry, methods=["POST"]),
    ]


def _source_row(row: SourceStatus, lang: str) -> _SourceRow:
    code, degraded = row.state.last_error_code, row.state.degraded
    error = translate(f"error.{code}", lang) if code else ""
    return _SourceRow(row, error, translate(f"error.{degraded}", lang) if degraded else "")


def _destinations(config: Config, store: StatusStore) -> list[_DestinationRow]:
    failed = store.list_deliveries("failed", LISTED)
    return [
        _DestinationRow(row, tuple(d for d in failed if d.destination == row.name))
        for row in destination_statuses(config, store.destination_counts())
    ]


def _retry(store: StatusStore, destination: str | None) -> int:
    """Dead letters back in the queue: all, or those of one destination."""
    return store.retry_deliveries(None, datetime.now(UTC), destination)


def _language(request: Request) -> str:
    return choose_language(request.query_params.get("lang"), request.headers.get("accept-language"))


def _words(lang: str) -> dict[str, str]:
    words = {key: translate(f"index.{key}", lang) for key in _WORDS}
    words |= {key: translate(f"status.{key}", lang) for key in _STATUS_WORDS}
    words["sources"] = translate("index.status", lang)
    return words
