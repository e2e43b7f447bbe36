"""Answering with a rendered document: content coding (brotli, gzip) from Accept-Encoding,
strong ETags per coding, Last-Modified, 304 Not Modified and a bodiless HEAD."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import Response

from syndicator.publish import Feed
from syndicator.web.cache import Rendered

__all__ = [
    "CACHE_CONTROL",
    "choose_coding",
    "conditional_response",
    "feed_headers",
    "quality_values",
]

CACHE_CONTROL = "public, max-age=60"
_PREFERENCE = ("br", "gzip")  # smallest first; identity when the client takes neither


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


def conditional_response(
    request: Request, rendered: Rendered, headers: Mapping[str, str] | None = None
) -> Response:
    """200 with the best coding of the body (none for HEAD), or 304 when the client's copy
    is current. ``headers`` are added to either."""
    coding = choose_coding(request.headers.get("accept-encoding"), rendered.variants)
    etag = rendered.etag if coding == "identity" else f'{rendered.etag[:-1]}-{coding}"'
    answer = {**(headers or {}), "ETag": etag, "Vary": _vary(headers)}
    modified = None
    if rendered.last_modified is not None:
        modified = rendered.last_modified.astimezone(UTC).replace(microsecond=0)
        answer["Last-Modified"] = format_datetime(modified, usegmt=True)
    answer.setdefault("Cache-Control", CACHE_CONTROL)
    if _not_modified(request, rendered.etag, modified):
        return Response(status_code=304, headers=answer)
    body = rendered.body if coding == "identity" else rendered.variants[coding]
    if coding != "identity":
        answer["Content-Encoding"] = coding
    if request.method == "HEAD":
        answer["Content-Length"] = str(len(body))
        return Response(b"", media_type=rendered.media_type, headers=answer)
    return Response(body, media_type=rendered.media_type, headers=answer)


def feed_headers(feed: Feed) -> dict[str, str]:
    """What every feed document is answered with, besides the validators."""
    headers = {"X-Content-Type-Options": "nosniff"}
    if feed.format == "json":  # read by partners' pages in the browser
        headers["Access-Control-Allow-Origin"] = "*"
    return headers


def _vary(headers: Mapping[str, str] | None) -> str:
    given = (headers or {}).get("Vary")
    return f"{given}, Accept-Encoding" if given else "Accept-Encoding"


def _not_modified(request: Request, etag: str, modified: datetime | None) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when present; else If-Modified-Since."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return _etag_matches(if_none_match, etag)
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since is None or modified is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # an unparsable date is ignored, as the RFC asks
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return modified <= since


def _etag_matches(header: str, etag: str) -> bool:
    """Weak comparison, as If-None-Match uses: ``W/"x"`` matches ``"x"``; a tag of any
    coding of the same bytes (``"x-br"``, ``"x-gzip"``) matches too."""
    base = etag.strip('"')
    for tag in header.split(","):
        value = tag.strip().removeprefix("W/").strip('"')
        if value == "*" or value.partition("-")[0] == base:
            return True
    return False
