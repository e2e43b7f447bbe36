"""Answering with a rendered document: content coding (brotli, gzip) from Accept-Encoding,
strong ETags per coding, Last-Modified, 304 Not Modified and a bodiless HEAD.

A cached feed is requested thousands of times per change, so the header block of each
(document, coding, status) is built once and kept on the ``Rendered``; a request only picks
its coding (memoised per Accept-Encoding value) and compares validators.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope

from syndicator.publish import Feed
from syndicator.web.cache import Rendered

__all__ = [
    "CACHE_CONTROL",
    "Answer",
    "AnswerResponse",
    "answer",
    "choose_coding",
    "conditional_response",
    "feed_headers",
    "quality_values",
    "request_headers",
]

CACHE_CONTROL = "public, max-age=60"
_PREFERENCE = ("br", "gzip")  # smallest first; identity when the client takes neither
_READ = frozenset({b"accept-encoding", b"if-none-match", b"if-modified-since"})
_HEADS_KEPT = 64  # header blocks per document: codings × statuses × callers' extra headers


def quality_values(header: str) -> dict[str, float]:
    """An Accept-* header's tokens with their ``q`` (1 when absent, 0 when unparsable), in
    the header's order; RFC 9110 §12.4.2."""
    weights: dict[str, float] = {}
    for part in header.split(","):
        token, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if token.strip():
            weights[token.strip()] = quality
    return weights


def choose_coding(accept_encoding: str | None, available: Mapping[str, bytes]) -> str:
    """The best coding the client accepts (RFC 9110 §12.5.3), ``identity`` when none is."""
    accepted = {k.lower(): q for k, q in quality_values(accept_encoding or "").items()}
    for coding in _PREFERENCE:
        if coding in available and accepted.get(coding, accepted.get("*", 0.0)) > 0:
            return coding
    return "identity"


@dataclass(frozen=True, slots=True)
class Answer:
    """What to send: status, raw header list (ASGI), body."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


def answer(
    method: str,
    request_headers: Mapping[str, str],
    rendered: Rendered,
    headers: Mapping[str, str] | None = None,
) -> Answer:
    """200 with the best coding of the body (none for HEAD), or 304 when the client's copy
    is current. ``headers`` are added to either. ``request_headers`` has lower-case names."""
    coding = _coding(request_headers.get("accept-encoding"), tuple(rendered.variants))
    extra = tuple((headers or {}).items())
    if _not_modified(request_headers, rendered):
        return Answer(304, _head(rendered, coding, extra, with_body=False), b"")
    body = rendered.body if coding == "identity" else rendered.variants[coding]
    raw = _head(rendered, coding, extra, with_body=True)
    return Answer(200, raw, b"" if method == "HEAD" else body)


def conditional_response(
    request: Request, rendered: Rendered, headers: Mapping[str, str] | None = None
) -> Response:
    """``answer`` as a Starlette response."""
    return AnswerResponse(answer(request.method, request.headers, rendered, headers))


class AnswerResponse(Response):
    """An ``Answer`` sent as it is: its headers were computed once per document."""

    def __init__(self, chosen: Answer) -> None:  # no super().__init__: nothing to compute
        self.status_code = chosen.status
        self.body = chosen.body
        self.raw_headers = chosen.headers
        self.background = None


def request_headers(scope: Scope) -> dict[str, str]:
    """The three headers ``answer`` reads, from the raw ASGI list (no ``Headers`` object)."""
    found = {}
    for name, value in scope["headers"]:
        if name in _READ:
            found[name.decode("latin-1")] = value.decode("latin-1")
    return found


@functools.lru_cache(maxsize=256)  # clients send a handful of distinct Accept-Encoding values
def _coding(accept_encoding: str | None, available: tuple[str, ...]) -> str:
    return choose_coding(accept_encoding, dict.fromkeys(available, b""))


def _head(
    rendered: Rendered, coding: str, extra: tuple[tuple[str, str], ...], *, with_body: bool
) -> list[tuple[bytes, bytes]]:
    """The response headers, built once per (document, coding, extra headers, status)."""
    key = (coding, extra, with_body)
    kept = rendered.heads.get(key)
    if kept is not None:
        return kept
    given = dict(extra)
    etag = rendered.etag if coding == "identity" else f'{rendered.etag[:-1]}-{coding}"'
    values = {**given, "ETag": etag, "Vary": _vary(given)}
    if rendered.last_modified is not None:
        values["Last-Modified"] = format_datetime(_second(rendered.last_modified), usegmt=True)
    values.setdefault("Cache-Control", CACHE_CONTROL)
    if with_body:
        body = rendered.body if coding == "identity" else rendered.variants[coding]
        if coding != "identity":
            values["Content-Encoding"] = coding
        values["Content-Length"] = str(len(body))
        values["Content-Type"] = _content_type(rendered.media_type)
    raw = [
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in values.items()
    ]
    if len(rendered.heads) < _HEADS_KEPT:
        rendered.heads[key] = raw
    return raw


def _content_type(media_type: str) -> str:
    """As Starlette writes it: ``text/*`` gets ``charset=utf-8`` unless it names one."""
    if media_type.startswith("text/") and "charset=" not in media_type.lower():
        return f"{media_type}; charset=utf-8"
    return media_type


def _second(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


@functools.cache  # the same few per feed, asked for on every request: copy before changing
def feed_headers(feed: Feed) -> dict[str, str]:
    """What every feed document is answered with, besides the validators."""
    headers = {"X-Content-Type-Options": "nosniff"}
    if feed.format == "json":  # read by partners' pages in the browser
        headers["Access-Control-Allow-Origin"] = "*"
    return headers


def _vary(headers: Mapping[str, str] | None) -> str:
    given = (headers or {}).get("Vary")
    return f"{given}, Accept-Encoding" if given else "Accept-Encoding"


def _not_modified(request_headers: Mapping[str, str], rendered: Rendered) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when present; else If-Modified-Since."""
    if_none_match = request_headers.get("if-none-match")
    if if_none_match is not None:
        return _etag_matches(if_none_match, rendered.etag)
    if_modified_since = request_headers.get("if-modified-since")
    if if_modified_since is None or rendered.last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # an unparsable date is ignored, as the RFC asks
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return _second(rendered.last_modified) <= since


def _etag_matches(header: str, etag: str) -> bool:
    """Weak comparison, as If-None-Match uses: ``W/"x"`` matches ``"x"``; a tag of any
    coding of the same bytes (``"x-br"``, ``"x-gzip"``) matches too."""
    base = etag.strip('"')
    for tag in header.split(","):
        value = tag.strip().removeprefix("W/").strip('"')
        if value == "*" or value.partition("-")[0] == base:
            return True
    return False
