"""The index page as a template, over a real SQLite store: words per language, landmarks,
feed addresses to copy, releases with translations and edits, the title search, embedding."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from lxml import html

from syndicator.store import Store, open_store
from syndicator.web import create_app
from syndicator.web.assets import COPY_SCRIPT_URL
from syndicator.web.index import QUERY_MAX, search_titles
from tests.publish.samples import TITLES, URLS, make_config, make_entry, sample_entries
from tests.web.pagestore import save

HOSTILE = '<script>alert("x")</script>'
BASE = "https://syndicator.example/vaasa/"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(f"sqlite:///{tmp_path / 'index.sqlite3'}")
    for lang in ("fi", "sv", "en"):
        save(store, make_entry(lang).article)
    yield store
    store.close()


@pytest.fixture
async def client(store: Store) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(make_config(), store, key_ttl_s=0))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def page_of(client: httpx.AsyncClient, url: str) -> html.HtmlElement:
    response = await client.get(url)
    assert response.status_code == 200
    return html.fromstring(response.content)


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("fi", "Vaasa — Tiedotteet syötteinä"),
        ("sv", "Vasa — Pressmeddelanden som flöden"),
        ("en", "Vaasa (en) — Press releases as feeds"),
    ],
)
async def test_index_in_each_language_with_landmarks(
    client: httpx.AsyncClient, lang: str, title: str
) -> None:
    page = await page_of(client, f"/?lang={lang}")
    assert page.findtext(".//title") == title
    assert page.findtext(".//header/h1") == title
    assert page.xpath("//header/nav/a/@href") == ["?lang=fi", "?lang=sv", "?lang=en"]
    assert page.xpath("//header/nav/a[@aria-current='page']/@lang") == [lang]
    assert len(page.xpath("/html/body/main")) == 1 and len(page.xpath("/html/body/footer")) == 1
    text = page.text_content()
    assert "index." not in text and "release." not in text and "error." not in text


async def test_every_feed_address_is_in_a_labelled_readonly_field(
    client: httpx.AsyncClient,
) -> None:
    page = await page_of(client, "/?lang=en")
    fields = page.xpath("//section[starts-with(@id, 'feeds-')]//input")
    assert len(fields) == 12  # combined + three languages, three formats each
    for field in fields:
        assert field.get("readonly") is not None and field.get("type") == "url"
        assert field.get("value").startswith(BASE + "feeds/")
        (label,) = page.xpath(f"//label[@for='{field.get('id')}']")
        assert label.text_content() == "Feed address"
    swedish = page.xpath("//section[@id='feeds-sv']//input/@value")
    assert swedish == [
        BASE + "feeds/sv/atom.xml",
        BASE + "feeds/sv/rss.xml",
        BASE + "feeds/sv/feed.json",
    ]


async def test_releases_link_their_page_and_translations_and_edits_are_marked(
    store: Store, client: httpx.AsyncClient
) -> None:
    item = save(store, replace(make_entry("sv").article, title=TITLES["sv"] + " (ny)"))
    page = await page_of(client, "/?lang=fi")
    (entry,) = page.xpath("//section[@id='feeds-sv']/ul[last()]/li")
    link = entry.xpath("a")[0]
    assert link.get("href") == f"releases/{item}?lang=fi" and link.get("lang") == "sv"
    translations = {a.get("hreflang"): a.get("href") for a in entry.xpath("span/a")}
    assert translations == {"fi": URLS["fi"], "en": URLS["en"]}
    assert entry.xpath("strong/text()") == ["(päivitetty)"]
    (finnish,) = page.xpath("//section[@id='feeds-fi']/ul[last()]/li")
    assert not finnish.xpath("strong")  # version 1: not an edit


async def test_search_over_titles_is_case_insensitive(client: httpx.AsyncClient) -> None:
    page = await page_of(client, "/?lang=en&q=VÖYRINKAUPUNGIN")
    results = page.xpath("//section[@id='search']//li/a[1]")
    assert [a.text_content() for a in results] == [TITLES["fi"]]
    assert page.xpath("//input[@name='q']/@value") == ["VÖYRINKAUPUNGIN"]
    (label,) = page.xpath("//label[@for='q']")
    assert label.text_content() == "Search titles"
    none = await page_of(client, "/?lang=sv&q=simhall")
    assert none.findtext(".//section[@id='search']/p") == "Inga träffar."
    plain = await page_of(client, "/?lang=sv")
    assert not plain.xpath("//section[@id='search']")


async def test_search_query_is_escaped_and_bounded(client: httpx.AsyncClient) -> None:
    response = await client.get("/", params={"q": HOSTILE + "x" * 500})
    assert "<script>" not in response.text
    page = html.fromstring(response.content)
    (value,) = page.xpath("//input[@name='q']/@value")
    assert value == (HOSTILE + "x" * 500)[:QUERY_MAX]
    assert page.xpath("//script/@src") == [COPY_SCRIPT_URL]  # ours alone


async def test_hostile_titles_are_escaped(store: Store, client: httpx.AsyncClient) -> None:
    save(store, replace(make_entry("en").article, url="https://www.vaasa.fi/en/x/", title=HOSTILE))
    response = await client.get("/?q=script")
    assert "<script>" not in response.text
    page = html.fromstring(response.content)
    assert [a.text_content() for a in page.xpath("//section[@id='search']//li/a[1]")] == [HOSTILE]


async def test_index_documents_the_embed(client: httpx.AsyncClient) -> None:
    page = await page_of(client, "/?lang=sv")
    (snippet,) = page.xpath("//section[@id='embed']//textarea")
    assert snippet.get("readonly") is not None
    frame = html.fragment_fromstring(snippet.text)
    assert frame.tag == "iframe" and frame.get("src") == BASE + "embed/sv"
    assert frame.get("title") == "Vasa"
    assert "--syndicator-link" in page.xpath("string(//section[@id='embed'])")


def test_search_titles() -> None:
    entries = sample_entries()
    assert search_titles(entries, "  ") == []
    assert search_titles(entries, "city BOARD") == [
        e for e in entries if "City Board" in e.article.title
    ]
    assert search_titles(entries, "x" * (QUERY_MAX + 1) + "never") == []
