"""The featured image of a ``wordpress`` post: fetched once, uploaded once, reused.

``featured_media`` first asks the site for an attachment whose slug is our marker for the
image URL (``GET /wp/v2/media?slug=syndicator-media-<hash>``), so an edit, a retry or a
restart reuses the upload. Otherwise it downloads the image with the delivery client
(``IMAGE_MAX_BYTES`` decoded bytes, ``IMAGE_DEADLINE_S`` in total, an ``image/*`` type, every
address on the way checked unless ``allow_private_networks``), uploads it as the raw body of
``POST /wp/v2/media?slug=…`` with ``Content-Disposition: attachment; filename="…"``
(developer.wordpress.org/rest-api/reference/media/#create-a-media-item), then sets its
``alt_text`` and ``caption`` (the credit) with ``POST /wp/v2/media/{id}`` — again later
only when the alt text differs (a lost answer, or the source rewrote it).

An image we cannot fetch is skipped with a WARNING (``delivery.wordpress_image_skipped``):
a post is never refused for its picture. Errors of the site itself (401, 429, 5xx…) are
raised by the caller's ``Call`` like any other request of the post.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from syndicator.contentcoding import ACCEPT_ENCODING, read_capped
from syndicator.errors import FetchError
from syndicator.logs import log_event
from syndicator.model import Image
from syndicator.netguard import check_outbound

__all__ = [
    "IMAGE_DEADLINE_S",
    "IMAGE_MAX_BYTES",
    "REDIRECTS_MAX",
    "Call",
    "Download",
    "download",
    "featured_media",
    "media_slug",
]

log = logging.getLogger("syndicator.deliver.wordpress")

IMAGE_MAX_BYTES = 10_000_000  # decoded bytes; WordPress's own upload limit is often lower
IMAGE_DEADLINE_S = 20.0  # connect, headers and body together, every redirect included
REDIRECTS_MAX = 3
_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}
_EXTENSIONS = {**{extension: kind for kind, extension in _TYPES.items()}, "jpeg": "image/jpeg"}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class Call(Protocol):
    """One request to the site's ``/wp/v2`` API: the parsed JSON answer, or a delivery
    error naming the destination and WordPress's error code."""

    async def __call__(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json: dict[str, Any] | None = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any: ...


@dataclass(frozen=True, slots=True)
class Download:
    """An image's bytes with its type and the file name WordPress will store."""

    content: bytes
    content_type: str
    filename: str


def media_slug(image_url: str) -> str:
    """Our marker for one image URL: the attachment slug a later send looks for."""
    digest = hashlib.sha256(image_url.encode("utf-8")).hexdigest()[:16]
    return f"syndicator-media-{digest}"


async def featured_media(
    call: Call,
    client: httpx.AsyncClient,
    image: Image,
    *,
    credit: str,
    allow_private: bool,
    log_fields: dict[str, object],
) -> int | None:
    """The attachment id for ``image`` on the site, uploading it only if it is not there;
    None when the image could not be fetched (logged as a WARNING)."""
    slug = media_slug(image.url)
    details = {"alt_text": image.alt.strip(), "caption": credit.strip()}
    found = await call("GET", "/media", params={"slug": slug, "context": "edit"})
    if isinstance(found, list) and found and isinstance(found[0].get("id"), int):
        media_id = int(found[0]["id"])
        if found[0].get("alt_text") == details["alt_text"]:
            return media_id  # uploaded and described before
    else:
        try:
            fetched = await download(client, image.url, allow_private=allow_private)
        except FetchError as exc:
            log_event(log, logging.WARNING, "delivery.wordpress_image_skipped",
                      f"the post goes without its image: {exc.message}", error_code=exc.code,
                      image=image.url, **log_fields)  # fmt: skip
            return None
        disposition = f'attachment; filename="{fetched.filename}"'
        headers = {"Content-Type": fetched.content_type, "Content-Disposition": disposition}
        created = await call(
            "POST", "/media", params={"slug": slug}, content=fetched.content, headers=headers
        )
        media_id = int(created["id"])
    await call("POST", f"/media/{media_id}", json=details)
    return media_id


async def download(
    client: httpx.AsyncClient, url: str, *, allow_private: bool, limit: int = IMAGE_MAX_BYTES
) -> Download:
    """The image at ``url`` (following up to ``REDIRECTS_MAX`` redirects, each address
    checked), within the size cap and the deadline; FetchError otherwise."""
    headers = {"Accept": "image/*", "Accept-Encoding": ACCEPT_ENCODING}
    try:
        async with asyncio.timeout(IMAGE_DEADLINE_S):
            for _ in range(REDIRECTS_MAX + 1):
                await check_outbound(url, allow_private=allow_private)
                async with client.stream("GET", url, headers=headers) as response:
                    if response.is_redirect and "location" in response.headers:
                        url = urljoin(url, response.headers["location"])
                        continue
                    content_type = _content_type(url, response)
                    raw = response.aiter_raw()
                    coding = response.headers.get("content-encoding", "")
                    body, cut = await read_capped(url, raw, coding, limit)
                    break
            else:
                raise FetchError(f"GET {url}: more than {REDIRECTS_MAX} redirects",
                                 code="fetch.too_many_redirects", url=url)  # fmt: skip
    except TimeoutError:
        raise FetchError(
            f"GET {url}: no image within {IMAGE_DEADLINE_S:g} s", code="fetch.deadline", url=url
        ) from None
    except httpx.HTTPError as exc:
        reason = str(exc) or type(exc).__name__
        raise FetchError(f"GET {url} failed: {reason}", code="fetch.transport", url=url) from None
    if cut:
        raise FetchError(f"GET {url}: larger than {limit} bytes", code="fetch.too_large", url=url)
    if not body:
        raise FetchError(f"GET {url}: an empty image", code="fetch.empty", url=url)
    return Download(body, content_type, _filename(urlsplit(url).path, content_type))


def _content_type(url: str, response: httpx.Response) -> str:
    if response.status_code != 200:
        raise FetchError(
            f"GET {url} answered HTTP {response.status_code}",
            code=f"fetch.http_{response.status_code}",
            url=url,
            status=response.status_code,
        )
    content_type = str(response.headers.get("content-type", "")).split(";")[0].strip().lower()
    if content_type not in _TYPES:
        raise FetchError(
            f"GET {url}: {content_type or 'no Content-Type'} is not a JPEG, PNG, GIF or WebP",
            code="fetch.not_an_image",
            url=url,
        )
    return content_type


def _filename(path: str, content_type: str) -> str:
    """ASCII, no quotes or slashes, with the extension WordPress expects for the type."""
    name = unquote(path.rsplit("/", 1)[-1])
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    stem = _UNSAFE.sub("-", stem).strip("-.")[:80] or "image"
    extension = extension.lower()
    same = _EXTENSIONS.get(extension) == content_type
    return f"{stem}.{extension}" if same else f"{stem}.{_TYPES[content_type]}"
