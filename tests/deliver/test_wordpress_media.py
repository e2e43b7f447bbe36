"""The featured image's download for kind ``wordpress``: what is refused before any upload."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from syndicator.deliver.wordpress_media import (
    IMAGE_MAX_BYTES,
    REDIRECTS_MAX,
    download,
    media_slug,
)
from syndicator.errors import FetchError
from tests.sinks import HttpSink

_PNG = b"\x89PNG\r\n\x1a\n" + bytes(2000)


@pytest.fixture
def site() -> Iterator[HttpSink]:
    with HttpSink() as opened:
        yield opened


async def _refused(client: httpx.AsyncClient, url: str, limit: int = IMAGE_MAX_BYTES) -> FetchError:
    with pytest.raises(FetchError) as caught:
        await download(client, url, allow_private=True, limit=limit)
    return caught.value


async def test_an_image_over_the_cap_is_refused(site: HttpSink, client: httpx.AsyncClient) -> None:
    site.respond((200, {"Content-Type": "image/png"}, _PNG))
    error = await _refused(client, site.url + "/kuva.png", limit=1000)
    assert error.code == "fetch.too_large" and "1000 bytes" in error.message
    site.respond((200, {"Content-Type": "image/png"}, _PNG))
    fetched = await download(client, site.url + "/kuva.png", allow_private=True, limit=len(_PNG))
    assert fetched.content == _PNG and fetched.filename == "kuva.png"


@pytest.mark.parametrize(
    ("answer", "code"),
    [((200, {"Content-Type": "text/html"}, b"<html></html>"), "fetch.not_an_image"),
     ((200, {"Content-Type": "image/svg+xml"}, b"<svg/>"), "fetch.not_an_image"),
     ((200, {"Content-Type": "image/jpeg"}, b""), "fetch.empty"),
     ((404, {"Content-Type": "image/jpeg"}, b"x"), "fetch.http_404")],
)  # fmt: skip
async def test_what_is_not_an_image_is_refused(
    answer: tuple[int, dict[str, str], bytes], code: str, site: HttpSink, client: httpx.AsyncClient
) -> None:
    site.respond(answer)
    assert (await _refused(client, site.url + "/kuva.jpg")).code == code


@pytest.mark.parametrize(
    ("path", "content_type", "filename"),
    [("/kuvat/Ääkköset%20kuva", "image/png", "kk-set-kuva.png"),
     ("/a/photo.JPEG", "image/jpeg", "photo.jpeg"),
     ("/a/shell.php", "image/gif", "shell.gif"),
     ("/a/", "image/webp", "image.webp")],
)  # fmt: skip
async def test_the_file_name_is_ascii_with_the_types_extension(
    path: str, content_type: str, filename: str, site: HttpSink, client: httpx.AsyncClient
) -> None:
    site.respond((200, {"Content-Type": content_type}, _PNG))
    fetched = await download(client, site.url + path, allow_private=True)
    assert fetched.filename == filename and fetched.content_type == content_type


async def test_endless_redirects_stop(site: HttpSink, client: httpx.AsyncClient) -> None:
    site.respond(*[(302, {"Location": "/taas"})] * (REDIRECTS_MAX + 1))
    error = await _refused(client, site.url + "/kuva.jpg")
    assert error.code == "fetch.too_many_redirects" and len(site.requests) == REDIRECTS_MAX + 1


async def test_a_private_address_is_refused_before_any_request(
    site: HttpSink, client: httpx.AsyncClient
) -> None:
    with pytest.raises(FetchError) as caught:
        await download(client, site.url + "/kuva.jpg", allow_private=False)
    assert caught.value.code == "fetch.blocked_address" and site.requests == []


def test_the_media_slug_is_stable_and_ours() -> None:
    slug = media_slug("https://www.vaasa.fi/kuvat/uimahalli.jpg")
    assert slug == media_slug("https://www.vaasa.fi/kuvat/uimahalli.jpg")
    assert slug.startswith("syndicator-media-") and len(slug) == len("syndicator-media-") + 16
    assert slug != media_slug("https://www.vaasa.fi/kuvat/uimahalli.jpg?v=2")
