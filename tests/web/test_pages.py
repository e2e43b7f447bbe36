"""Index page, /healthz, /readyz, /metrics."""

from __future__ import annotations

import httpx
import pytest
from lxml import html

import syndicator.web
from syndicator import metrics
from syndicator.web.index import choose_language
from tests.web.conftest import MemoryStore


def test_public_surface() -> None:
    assert sorted(syndicator.web.__all__) == ["ReadStore", "create_app"]


@pytest.mark.parametrize(
    ("query", "accept", "expected"),
    [
        (None, None, "fi"),
        ("en", "sv", "en"),
        ("de", "sv-FI,sv;q=0.9", "sv"),
        (None, "de, en;q=0.5, sv;q=0.8", "sv"),
        (None, "sv;q=0, en;q=0.1", "en"),
        (None, "de, fr", "fi"),
        (None, "en;q=bogus, sv", "sv"),
    ],
)
def test_choose_language(query: str | None, accept: str | None, expected: str) -> None:
    assert choose_language(query, accept) == expected


async def test_index_in_swedish_by_accept_language(client: httpx.AsyncClient) -> None:
    response = await client.get("/", headers={"Accept-Language": "sv-FI, sv;q=0.9, fi;q=0.5"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-language"] == "sv"
    assert "Accept-Language" in response.headers["vary"]
    page = html.fromstring(response.content)
    assert page.get("lang") == "sv"
    assert "Källornas status" in response.text
    assert "Senaste pressmeddelanden" in response.text


async def test_index_in_english_by_query(client: httpx.AsyncClient) -> None:
    response = await client.get("/?lang=en", headers={"Accept-Language": "sv"})
    page = html.fromstring(response.content)
    assert page.get("lang") == "en"
    assert "Source status" in response.text


async def test_index_defaults_to_finnish(client: httpx.AsyncClient) -> None:
    page = html.fromstring((await client.get("/")).content)
    assert page.get("lang") == "fi"


async def test_index_has_autodiscovery_for_every_feed(client: httpx.AsyncClient) -> None:
    page = html.fromstring((await client.get("/")).content)
    links = page.xpath("//head/link[@rel='alternate']")
    found = {(link.get("type"), link.get("hreflang"), link.get("href")) for link in links}
    base = "https://syndicator.example/vaasa/feeds/"
    expected = set()
    for lang in (None, "fi", "sv", "en"):
        folder = base if lang is None else f"{base}{lang}/"
        expected |= {
            ("application/atom+xml", lang, folder + "atom.xml"),
            ("application/rss+xml", lang, folder + "rss.xml"),
            ("application/feed+json", lang, folder + "feed.json"),
        }
    assert found == expected
    assert all(link.get("title") for link in links)
    titles = {link.get("title") for link in links}
    assert "Vasa (Atom)" in titles


async def test_index_lists_releases_and_status_escaped(
    client: httpx.AsyncClient, store: MemoryStore
) -> None:
    from dataclasses import replace

    first = store.entries[1]
    store.entries[1] = replace(first, article=replace(first.article, title="<script>x</script>"))
    response = await client.get("/?lang=fi")
    assert "<script>x" not in response.text
    assert "&lt;script&gt;x&lt;/script&gt;" in response.text
    page = html.fromstring(response.content)
    assert "Kaupunginhallitus päätti Vöyrinkaupungin koulusta" in page.text_content()
    assert "27.11.2026 klo 10.35" in page.text_content()
    rows = page.xpath("//section[@id='status']//tr")
    assert len(rows) == 3
    failing = rows[2].text_content()
    assert "vaasa-sv" in failing and "fetch.http_503" in failing
    assert "Palvelin vastasi virhekoodilla" in failing  # the code's own words, from i18n
    assert not page.xpath("//script|//link[@rel='stylesheet']|//img")


async def test_readyz_lists_sources(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["store"] == "ok"
    assert [source["name"] for source in body["sources"]] == ["vaasa-fi", "vaasa-sv"]
    failing = body["sources"][1]
    assert failing["last_error_code"] == "fetch.http_503"
    assert failing["last_poll_at"] == "2026-11-27T11:15:00+02:00"
    assert failing["consecutive_failures"] == 2


async def test_metrics_has_our_counters(client: httpx.AsyncClient) -> None:
    metrics.POLLS.labels(source="vaasa-fi", result="ok").inc()
    metrics.DELIVERIES.labels(destination="partner", result="delivered").inc()
    metrics.EXTRACT_FALLBACKS.labels(source="vaasa-fi").inc()
    metrics.OUTBOX_PENDING.set(3)
    metrics.LAST_POLL_SUCCESS.labels(source="vaasa-fi").set(1_800_000_000)
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    for name in (
        'syndicator_polls_total{result="ok",source="vaasa-fi"}',
        'syndicator_deliveries_total{destination="partner",result="delivered"}',
        'syndicator_extract_fallbacks_total{source="vaasa-fi"}',
        "syndicator_outbox_pending 3.0",
        'syndicator_last_poll_success_timestamp_seconds{source="vaasa-fi"} 1.8e+09',
    ):
        assert name in text, name
