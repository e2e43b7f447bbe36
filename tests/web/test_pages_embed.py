"""``/embed/{lang}``: the themeable list partners frame, over a real SQLite store."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from lxml import html
from pydantic import ValidationError

from syndicator.config import Config, WebSettings
from syndicator.store import Store, open_store
from syndicator.web import create_app
from tests.publish.samples import TITLES, URLS, make_config, make_entry
from tests.web.pagestore import save

HOSTILE = "<script>alert(\"x\")</script> & <img src=x onerror=alert(1)> 'quoted'"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(f"sqlite:///{tmp_path / 'pages.sqlite3'}")
    for lang in ("fi", "sv", "en"):
        save(store, make_entry(lang).article)
    yield store
    store.close()


def with_origins(*origins: str) -> Config:
    return make_config().model_copy(update={"web": WebSettings(embed_origins=origins)})


@pytest.fixture
def config() -> Config:
    return make_config()


@pytest.fixture
async def client(config: Config, store: Store) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(config, store, key_ttl_s=0))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


def csp(response: httpx.Response) -> dict[str, str]:
    parts = (
        part.strip().partition(" ")
        for part in response.headers["content-security-policy"].split(";")
    )
    return {name: value for name, _, value in parts}


@pytest.mark.parametrize(
    ("lang", "heading"),
    [
        ("fi", "Vaasa — Uusimmat tiedotteet"),
        ("sv", "Vasa — Senaste pressmeddelanden"),
        ("en", "Vaasa (en) — Latest releases"),
    ],
)
async def test_embed_lists_the_languages_releases(
    client: httpx.AsyncClient, lang: str, heading: str
) -> None:
    response = await client.get(f"/embed/{lang}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-language"] == lang
    page = html.fromstring(response.content)
    assert page.get("lang") == lang
    assert page.findtext(".//h1") == heading
    links = page.xpath("//main//li/a")
    assert [(a.get("href"), a.text_content()) for a in links] == [(URLS[lang], TITLES[lang])]
    assert links[0].get("target") == "_blank" and links[0].get("rel") == "noopener"
    assert page.xpath("//main//li/time/@datetime") == ["2026-11-27T10:15:00+02:00"]
    assert not page.xpath("//script")


async def test_embed_escapes_hostile_titles(store: Store, client: httpx.AsyncClient) -> None:
    article = make_entry("fi").article
    save(store, replace(article, url="https://www.vaasa.fi/uutiset/paha/", title=HOSTILE))
    response = await client.get("/embed/fi")
    assert "<script>" not in response.text and "<img" not in response.text
    page = html.fromstring(response.content)
    assert page.xpath("//main//li/a")[0].text_content() == HOSTILE
    assert not page.xpath("//script | //img")


async def test_embed_may_be_framed_only_by_self_by_default(client: httpx.AsyncClient) -> None:
    embed = csp(await client.get("/embed/fi"))
    assert embed["frame-ancestors"] == "'self'"
    assert embed["default-src"] == "'none'" and "script-src" not in embed
    assert csp(await client.get("/"))["frame-ancestors"] == "'none'"


async def test_embed_may_be_framed_by_listed_origins(store: Store) -> None:
    config = with_origins("https://partner.example", "https://*.news.example:8443")
    transport = httpx.ASGITransport(app=create_app(config, store, key_ttl_s=0))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        embed = csp(await client.get("/embed/sv"))
        index = csp(await client.get("/"))
    assert embed["frame-ancestors"] == "https://partner.example https://*.news.example:8443"
    assert index["frame-ancestors"] == "'none'"


@pytest.mark.parametrize(
    "origin",
    ["https://a.example; script-src *", "'unsafe-inline'", "javascript:x", "https://a.example/p"],
)
def test_embed_origins_must_be_plain_origins(origin: str) -> None:
    with pytest.raises(ValidationError, match="embed_origins"):
        WebSettings(embed_origins=(origin,))


async def test_embed_theme_from_valid_colours_only(client: httpx.AsyncClient) -> None:
    query = {"link": "#c00", "bg": "#FFFFFF", "fg": "red;}body{x:y", "muted": "url(x)"}
    response = await client.get("/embed/en", params=query)
    page = html.fromstring(response.content)
    styles = [style.text for style in page.xpath("//style")]
    assert styles[1] == ":root{--syndicator-bg:#FFFFFF;--syndicator-link:#c00}"
    allowed = csp(response)["style-src"].split()
    assert allowed == [f"'sha256-{digest(style)}'" for style in styles]


async def test_embed_style_is_allowed_by_its_hash(client: httpx.AsyncClient) -> None:
    response = await client.get("/embed/fi")
    (style,) = html.fromstring(response.content).xpath("//style")
    assert "--syndicator-link" in style.text
    assert csp(response)["style-src"] == f"'sha256-{digest(style.text)}'"


async def test_embed_answers_304_until_a_release_arrives(
    store: Store, client: httpx.AsyncClient
) -> None:
    first = await client.get("/embed/fi")
    again = await client.get("/embed/fi", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    save(store, replace(make_entry("fi").article, url="https://www.vaasa.fi/uutiset/uusi/"))
    changed = await client.get("/embed/fi", headers={"If-None-Match": first.headers["etag"]})
    assert changed.status_code == 200
    assert len(html.fromstring(changed.content).xpath("//main//li")) == 2


async def test_embed_of_a_language_we_do_not_publish_is_404(client: httpx.AsyncClient) -> None:
    assert (await client.get("/embed/de")).status_code == 404


async def test_embed_without_releases_says_so(tmp_path: Path, config: Config) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    transport = httpx.ASGITransport(app=create_app(config, store, key_ttl_s=0))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        page = html.fromstring((await client.get("/embed/sv")).content)
    store.close()
    assert page.findtext(".//main/p") == "Inga pressmeddelanden ännu."


def digest(style: str) -> str:
    return base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
