"""Which page the demo site answers for a path: pure functions of the releases and base URL."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

from syndicator.demo.feeds import rss_feed, wp_posts
from syndicator.demo.languages import LANGUAGES
from syndicator.demo.media import PDF, PNG
from syndicator.demo.pages import ROBOTS_TXT, article_page, home_page, listing_page
from syndicator.demo.releases import Release

__all__ = ["Response", "conditional", "route", "with_validators"]

_HTML = "text/html; charset=UTF-8"
_RSS = "application/rss+xml; charset=UTF-8"
_JSON = "application/json; charset=UTF-8"
_PAGE = re.compile(r"^page/(\d+)/$")
_UPLOAD = re.compile(r"^/wp-content/uploads/[\w.-]+\.(png|pdf)$")
_POST = re.compile(r"^/wp-json/wp/v2/tiedote/(\d+)/?$")


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    modified: datetime | None = None  # for Last-Modified


def route(
    path: str,
    query: Mapping[str, str],
    releases: Sequence[Release],
    base: str,
    *,
    trashed: Sequence[Release] = (),
) -> Response:
    """``releases`` newest first; ``trashed``: posts in the trash (only their REST answer)."""
    if path == "/robots.txt":
        return Response(200, {"content-type": "text/plain; charset=utf-8"}, ROBOTS_TXT.encode())
    if path == "/":
        return Response(200, {"content-type": _HTML}, home_page(base).encode())
    if match := _UPLOAD.match(path):
        kind = match.group(1)
        return Response(
            200,
            {"content-type": f"{'image' if kind == 'png' else 'application'}/{kind}"},
            PNG if kind == "png" else PDF,
        )
    if match := _POST.match(path):
        return _post(int(match.group(1)), query, releases, trashed, base)
    if path.startswith("/wp-json/"):
        return _rest(path, query, releases, base)
    for code, words in LANGUAGES.items():
        mine = [release for release in releases if code in release.texts]
        newest = max((release.modified for release in mine), default=None)
        if path == f"/{words.prefix}feed/":
            body = rss_feed(mine, code, base).encode()
            return Response(
                200, {"content-type": "application/rss+xml; charset=UTF-8"}, body, newest
            )
        if path.startswith(f"/{words.listing}"):
            return _listing(path.removeprefix(f"/{words.listing}"), query, mine, code, base)
        if path.startswith(f"/{words.prefix}tiedote/"):
            slug = path.removeprefix(f"/{words.prefix}tiedote/").strip("/")
            return _article(slug, mine, code, base)
    return _not_found()


def _listing(
    rest: str, query: Mapping[str, str], mine: Sequence[Release], code: str, base: str
) -> Response:
    page_match = _PAGE.match(rest)
    if rest and page_match is None:
        return _not_found()
    number = query.get("sivu") or query.get("sida") or query.get("page")
    page = (
        int(page_match.group(1))
        if page_match
        else int(number)
        if number and number.isdigit()
        else 1
    )
    html = listing_page(mine, code, base, page)
    if html is None:
        return _not_found()
    newest = max((release.modified for release in mine), default=None)
    return Response(200, {"content-type": _HTML}, html.encode(), newest)


def _article(slug: str, mine: Sequence[Release], code: str, base: str) -> Response:
    for release in mine:
        if release.texts[code].slug == slug:
            related = [other for other in mine if other is not release][:3]
            html = article_page(release, code, base, related)
            return Response(200, {"content-type": _HTML}, html.encode(), release.modified)
    return _not_found()


def _rest(path: str, query: Mapping[str, str], releases: Sequence[Release], base: str) -> Response:
    if path.rstrip("/") != "/wp-json/wp/v2/tiedote":
        body = {
            "code": "rest_no_route",
            "message": "No route was found matching the URL and request method.",
            "data": {"status": 404},
        }
        return Response(
            404, {"content-type": "application/json; charset=UTF-8"}, json.dumps(body).encode()
        )
    lang = query.get("lang", "fi")
    mine = [release for release in releases if lang in release.texts]
    per_page = int(query["per_page"]) if query.get("per_page", "").isdigit() else 10
    per_page = max(1, min(100, per_page))
    headers = {
        "content-type": _JSON,
        "x-wp-total": str(len(mine)),
        "x-wp-totalpages": str(max(1, -(-len(mine) // per_page))),
    }
    newest = max((release.modified for release in mine), default=None)
    return Response(200, headers, wp_posts(mine, lang, base, per_page).encode(), newest)


def _post(
    post_id: int,
    query: Mapping[str, str],
    releases: Sequence[Release],
    trashed: Sequence[Release],
    base: str,
) -> Response:
    """``/wp-json/wp/v2/tiedote/{id}``: the post; one in the trash with ``status: trash``; an
    unknown or deleted one as WordPress answers it (404 ``rest_post_invalid_id``)."""
    for release, status in [*((r, "publish") for r in releases), *((r, "trash") for r in trashed)]:
        if release.post_id == post_id:
            lang = query.get("lang") or next(iter(release.texts))
            post = json.loads(wp_posts([release], lang, base, 1))[0]
            post["status"] = status
            found = json.dumps(post, ensure_ascii=False).encode()
            return Response(200, {"content-type": _JSON}, found, release.modified)
    gone = {"code": "rest_post_invalid_id", "message": "Invalid post ID.", "data": {"status": 404}}
    return Response(404, {"content-type": _JSON}, json.dumps(gone).encode())


def _not_found() -> Response:
    body = (
        "<!doctype html><html><head><title>Sivua ei löytynyt</title></head>"
        "<body><h1>404</h1></body></html>"
    )
    return Response(404, {"content-type": _HTML}, body.encode())


def with_validators(response: Response, revision: int) -> Response:
    if response.status != 200:
        return response
    digest = hashlib.sha1(response.body, usedforsecurity=False).hexdigest()[:16]
    headers = {"etag": f'"{revision}-{digest}"', **response.headers}
    if response.modified is not None:
        headers["last-modified"] = format_datetime(response.modified, usegmt=True)
    return Response(200, headers, response.body, response.modified)


def conditional(response: Response, headers: Mapping[str, str]) -> Response:
    """304 when If-None-Match matches the ETag, or (without it) If-Modified-Since is recent."""
    etag = response.headers.get("etag")
    if response.status != 200 or etag is None:
        return response
    if (wanted := headers.get("if-none-match")) is not None:
        tags = {tag.strip().removeprefix("W/") for tag in wanted.split(",")}
        fresh = "*" in tags or etag in tags
    elif (since := headers.get("if-modified-since")) and response.modified is not None:
        try:
            fresh = response.modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            fresh = False
    else:
        fresh = False
    if not fresh:
        return response
    kept = {k: v for k, v in response.headers.items() if k in ("etag", "last-modified")}
    return Response(304, kept, b"", response.modified)
