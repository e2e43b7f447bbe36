"""Index page, /healthz, /readyz, /metrics."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest
from lxml import html

import syndicator.web
from syndicator.config import parse_config
from syndicator.demo.languages import demo_source
from syndicator.demo.site import SampleSite
from syndicator.scheduler import run_once
from syndicator.store import open_store
from syndicator.web import create_app
from syndicator.web.assets import COPY_SCRIPT_URL
from syndicator.web.index import choose_language
from tests.deliver.conftest import SECRET
from tests.sinks import WebhookSink
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
    assert page.xpath("//script/@src") == [COPY_SCRIPT_URL]  # the copy buttons, none other
    assert not page.xpath("//link[@rel='stylesheet']|//img")


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


def _metric(page: str, name: str, **labels: str) -> float:
    """The sample of ``name`` with exactly ``labels`` (sorted, as prometheus_client writes)."""
    inner = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    selector = re.escape(name + (f"{{{inner}}}" if labels else ""))
    [value] = re.findall(rf"^{selector} (\S+)$", page, re.MULTILINE)
    return float(value)


async def test_metrics_tell_what_a_real_poll_and_real_deliveries_did(tmp_path: Path) -> None:
    """``poll --once`` of the sample site into a webhook and a destination that answers 503,
    then ``/metrics`` of the real app on the same store: nothing here sets a metric."""
    with SampleSite() as site, WebhookSink(SECRET) as good, WebhookSink(SECRET) as down:
        down.respond(*[503] * 50)
        config = parse_config(
            f"""
[service]
database_url = "sqlite:///{tmp_path / "metrics.sqlite3"}"
allow_fast_polling = true
retry_base = "10m"
[http]
allow_private_networks = true
min_host_delay = "0s"
{demo_source("web-metrics", f"{site.url}ajankohtaista/tiedotteet/", "fi", catch_up=False)}
[[destinations]]
name = "web-metrics-ok"
kind = "webhook"
url = "{good.url}/hook"
secret = "{SECRET}"
[[destinations]]
name = "web-metrics-down"
kind = "webhook"
url = "{down.url}/hook"
secret = "{SECRET}"
""",
            "metrics.toml",
            {},
        )
        store = open_store(config.service.database_url)
        try:
            started = time.time()
            [result] = await run_once(config, store)
            finished = time.time()
            pending = store.count_pending()
            app = create_app(config, store)
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://t"
            ) as web:
                response = await web.get("/metrics")
        finally:
            store.close()
    assert result.ok and result.created > 0
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    page = response.text
    assert _metric(page, "syndicator_polls_total", source="web-metrics", result="ok") == 1
    stamp = _metric(page, "syndicator_last_poll_success_timestamp_seconds", source="web-metrics")
    assert started <= stamp <= finished
    delivered = _metric(
        page, "syndicator_deliveries_total", destination="web-metrics-ok", result="delivered"
    )
    assert delivered == len(good.requests) == result.created and all(good.verified)
    # The 503 sends the first row back for a retry in 10 min; the rest wait behind it.
    retried = _metric(
        page, "syndicator_deliveries_total", destination="web-metrics-down", result="retry"
    )
    assert retried == len(down.requests) == 1
    assert _metric(page, "syndicator_outbox_pending") == pending == result.created
    assert "# TYPE syndicator_extract_fallbacks_total counter" in page
