"""``/static/copy.js``: served with long caching and an ETag, and allowed on the index by
the hash of the very bytes served, through the tag's ``integrity`` and the CSP alone."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import urljoin

import httpx
from lxml import html

from syndicator.web.assets import COPY_SCRIPT_URL
from syndicator.web.pages import page_headers


def _policy(response: httpx.Response) -> dict[str, str]:
    parts = response.headers["content-security-policy"].split(";")
    return dict(part.strip().split(" ", 1) for part in parts)


async def test_index_allows_its_one_script_by_the_hash_of_the_bytes_served(
    client: httpx.AsyncClient,
) -> None:
    index = await client.get("/?lang=sv")
    (script,) = html.fromstring(index.content).xpath("//script")
    assert script.get("defer") is not None and not (script.text or "").strip()
    source = await client.get(urljoin("/", script.get("src")))
    assert source.status_code == 200
    digest = base64.b64encode(hashlib.sha256(source.content).digest()).decode()
    assert script.get("integrity") == f"sha256-{digest}"
    assert _policy(index)["script-src"] == f"'sha256-{digest}'"  # nothing else may run
    assert _policy(index)["default-src"] == "'none'"


async def test_copy_script_is_cached_for_a_year_and_revalidates(
    client: httpx.AsyncClient,
) -> None:
    first = await client.get(f"/{COPY_SCRIPT_URL}", headers={"Accept-Encoding": "br"})
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("text/javascript")
    assert first.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert first.headers["x-content-type-options"] == "nosniff"
    assert first.headers["content-encoding"] == "br"
    assert "navigator.clipboard.writeText" in first.text  # httpx decodes brotli
    again = await client.get(
        "/static/copy.js", headers={"If-None-Match": first.headers["etag"]}
    )  # any ?v= is the same file: the digest in it only busts caches
    assert again.status_code == 304 and again.content == b""
    raw = await client.get("/static/copy.js", headers={"Accept-Encoding": "identity"})
    assert raw.content == first.content and "content-encoding" not in raw.headers
    version = hashlib.sha256(raw.content).hexdigest()[:16]
    assert f"static/copy.js?v={version}" == COPY_SCRIPT_URL  # a changed script, a new URL


def test_no_other_page_may_run_a_script() -> None:
    for lang in ("fi", "sv", "en"):
        assert "script-src" not in page_headers(lang)["Content-Security-Policy"]
