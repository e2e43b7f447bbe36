"""Through a real uvicorn socket: content types, ETag → 304, HEAD without a body."""

from __future__ import annotations

import httpx
import pytest

CONTENT_TYPES = {
    "/feeds/atom.xml": "application/atom+xml; charset=utf-8",
    "/feeds/rss.xml": "application/rss+xml; charset=utf-8",
    "/feeds/feed.json": "application/feed+json",
    "/feeds/sv/atom.xml": "application/atom+xml; charset=utf-8",
    "/feeds/en/rss.xml": "application/rss+xml; charset=utf-8",
    "/feeds/fi/feed.json": "application/feed+json",
}


async def test_feeds_over_a_real_socket(server_url: str) -> None:
    async with httpx.AsyncClient(base_url=server_url) as client:
        for path, content_type in CONTENT_TYPES.items():
            response = await client.get(path)
            assert response.status_code == 200, path
            assert response.headers["content-type"] == content_type, path
            assert response.headers["cache-control"] == "public, max-age=60"
            assert response.headers["etag"].startswith('"')
            assert response.headers["last-modified"].endswith(" GMT")


async def test_etag_round_trip_gives_304_without_body(server_url: str) -> None:
    async with httpx.AsyncClient(base_url=server_url) as client:
        first = await client.get("/feeds/atom.xml")
        again = await client.get(
            "/feeds/atom.xml", headers={"If-None-Match": first.headers["etag"]}
        )
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == first.headers["etag"]
        since = await client.get(
            "/feeds/atom.xml", headers={"If-Modified-Since": first.headers["last-modified"]}
        )
        assert since.status_code == 304


async def test_head_has_headers_but_no_body(server_url: str) -> None:
    async with httpx.AsyncClient(base_url=server_url) as client:
        full = await client.get("/feeds/sv/rss.xml")
        head = await client.head("/feeds/sv/rss.xml")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == full.headers["content-length"]
    assert head.headers["content-encoding"] == full.headers["content-encoding"]
    assert head.headers["etag"] == full.headers["etag"]


@pytest.mark.parametrize("path", ["/healthz", "/"])
async def test_pages_answer_over_a_real_socket(server_url: str, path: str) -> None:
    async with httpx.AsyncClient(base_url=server_url) as client:
        response = await client.get(path)
    assert response.status_code == 200
