"""``/status`` and ``POST /status/retry`` over a real SQLite store with real outbox rows."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from lxml import html

from syndicator.config import Config, parse_config
from syndicator.decide import decide
from syndicator.i18n import translate
from syndicator.locales import HELSINKI
from syndicator.model import SourceState
from syndicator.rhythm import Decision
from syndicator.store import Store, open_store
from syndicator.web import create_app
from syndicator.web.status import ADMIN_TOKEN_VARIABLE, next_poll
from tests.publish.samples import make_entry

TOKEN = "s3cret-admin-token-for-tests"
HOSTILE = '<script>alert("x")</script>'
POLLED = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)

FEEDS = """
[service]
database_url = "{database}"
base_url = "https://syndicator.example/vaasa/"

[[sources]]
name = "vaasa-fi"
kind = "html"
urls = ["https://www.vaasa.fi/uutiset/"]
interval = 600

[[sources]]
name = "vaasa-sv"
kind = "html"
urls = ["https://www.vaasa.fi/sv/nyheter/"]
interval = 900

[[destinations]]
name = "partner-hook"
kind = "webhook"
url = "https://partner.example/hook"
secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

[[destinations]]
name = "news-hook"
kind = "webhook"
url = "https://news.example/hook"
secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
"""


@dataclass
class Setup:
    config: Config
    store: Store


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[Setup]:
    database = f"sqlite:///{tmp_path / 'status.sqlite3'}"
    config = parse_config(FEEDS.format(database=database), "feeds.toml", {})
    store = open_store(database)
    now = datetime.now(UTC)
    for lang in ("fi", "sv", "en"):
        article = make_entry(lang).article
        store.save_article(f"vaasa-{lang}", article, decide(None, article), None,
                           destinations=[("partner-hook", 0.0), ("news-hook", 0.0)],
                           now=now)  # fmt: skip
    claimed = store.claim_next("partner-hook", owner="test", now=now, lease=60)
    assert claimed is not None
    store.mark_failed(claimed.id, owner="test", code="delivery.http_404",
                      error=f"HTTP 404 {HOSTILE}", now=now)  # fmt: skip
    store.record_poll("vaasa-fi", POLLED)
    store.record_poll("vaasa-sv", POLLED, error_code="fetch.http_503", error="HTTP 503")
    yield Setup(config, store)
    store.close()


@pytest.fixture
async def client(setup: Setup) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(setup) as client:
        yield client


@pytest.fixture
async def admin(setup: Setup, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setenv(ADMIN_TOKEN_VARIABLE, TOKEN)
    async with _client(setup) as client:
        yield client


def _client(setup: Setup) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(setup.config, setup.store, key_ttl_s=0))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


def cells(page: html.HtmlElement, section: str) -> dict[str, list[str]]:
    rows = page.xpath(f"//section[@id='{section}']//tr[td]")
    return {row[0].text_content(): [td.text_content() for td in row[1:]] for row in rows}


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
async def test_status_page_in_each_language(client: httpx.AsyncClient, lang: str) -> None:
    response = await client.get(f"/status?lang={lang}")
    assert response.status_code == 200
    assert response.headers["content-language"] == lang
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page = html.fromstring(response.content)
    assert page.get("lang") == lang
    assert page.findtext(".//header/h1") == translate("status.title", lang)
    assert page.xpath("//header/nav/a/@href") == ["?lang=fi", "?lang=sv", "?lang=en"]
    assert page.xpath("//main") and page.xpath("//footer") and not page.xpath("//script")
    headings = page.xpath("//section[@id='sources']//th/text()")
    assert headings[-1] == translate("index.items", lang)
    sources = cells(page, "sources")
    assert sources["vaasa-fi"][1] == translate("index.ok", lang)
    assert sources["vaasa-sv"][1] == f"{translate('error.fetch.http_503', lang)} fetch.http_503"
    destinations = cells(page, "destinations")
    assert destinations["news-hook"][:2] == ["3", "0"]
    assert destinations["partner-hook"][0] == "2"
    assert destinations["partner-hook"][1].startswith("1")
    assert translate("error.delivery.http_404", lang) in destinations["partner-hook"][1]


async def test_next_poll_is_shown_after_an_interval_or_a_backoff(client: httpx.AsyncClient) -> None:
    page = html.fromstring((await client.get("/status?lang=en")).content)
    times = {
        row[0].text_content(): row[4].xpath("time/@datetime")
        for row in page.xpath("//section[@id='sources']//tr[td]")
    }
    local = POLLED.astimezone(HELSINKI)
    assert times["vaasa-fi"] == [(local + timedelta(seconds=600)).isoformat()]
    assert times["vaasa-sv"] == [(local + timedelta(seconds=30)).isoformat()]  # 1st failure


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (SourceState("a"), None),
        (SourceState("a", last_poll_at=POLLED), POLLED + timedelta(seconds=600)),
        (
            SourceState("a", last_poll_at=POLLED, consecutive_failures=3),
            POLLED + timedelta(minutes=2),
        ),
        (
            SourceState("a", last_poll_at=POLLED, consecutive_failures=20),
            POLLED + timedelta(minutes=40),
        ),
    ],
)
def test_next_poll(setup: Setup, state: SourceState, expected: datetime | None) -> None:
    assert next_poll(state, setup.config.sources[0]) == expected
    assert next_poll(state, None) is None


async def test_delivery_errors_are_escaped(client: httpx.AsyncClient) -> None:
    response = await client.get("/status")
    assert HOSTILE not in response.text
    assert HOSTILE in html.fromstring(response.content).text_content()


async def test_without_admin_token_no_button_and_retry_is_403(
    setup: Setup, client: httpx.AsyncClient
) -> None:
    page = html.fromstring((await client.get("/status")).content)
    assert not page.xpath("//form | //button")
    refused = await client.post("/status/retry", data={"token": ""})
    assert refused.status_code == 403
    assert len(setup.store.list_deliveries("failed")) == 1


async def test_retry_needs_the_token_in_the_body(setup: Setup, admin: httpx.AsyncClient) -> None:
    page = html.fromstring((await admin.get("/status?lang=sv")).content)
    forms = page.xpath("//form[@method='post']")
    assert len(forms) == 2  # partner-hook's dead letters, and all of them
    for form in forms:
        (field,) = form.xpath(".//label/input[@name='token']")
        assert field.get("type") == "password"
    for attempt in (
        admin.post("/status/retry", data={"token": TOKEN[:-1]}),
        admin.post("/status/retry", data={"token": TOKEN + "x"}),
        admin.post("/status/retry", headers={"Authorization": f"Bearer {TOKEN}"}),
        admin.post("/status/retry"),
    ):
        assert (await attempt).status_code == 403
    assert len(setup.store.list_deliveries("failed")) == 1


async def test_retry_with_the_token_queues_dead_letters_again(
    setup: Setup, admin: httpx.AsyncClient
) -> None:
    other = await admin.post("/status/retry", data={"token": TOKEN, "destination": "news-hook"})
    assert other.status_code == 303
    assert len(setup.store.list_deliveries("failed")) == 1
    done = await admin.post(
        "/status/retry?lang=en", data={"token": TOKEN, "destination": "partner-hook"}
    )
    assert done.status_code == 303
    location = done.headers["location"]
    assert location == "https://syndicator.example/vaasa/status?lang=en&retried=1"
    assert setup.store.list_deliveries("failed") == []
    page = html.fromstring((await admin.get("/status?lang=en&retried=1")).content)
    assert page.findtext(".//main/p[@role='status']") == "Queued again: 1"
    assert cells(page, "destinations")["partner-hook"][:2] == ["3", "0"]


async def test_retry_all(setup: Setup, admin: httpx.AsyncClient) -> None:
    done = await admin.post("/status/retry", data={"token": TOKEN})
    assert done.headers["location"].endswith("retried=1")
    assert setup.store.list_deliveries("failed") == []


async def test_status_answers_304_while_nothing_changes(client: httpx.AsyncClient) -> None:
    first = await client.get("/status")
    assert "private" in first.headers["cache-control"]
    again = await client.get("/status", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


async def test_status_speaks_the_readers_accept_language(client: httpx.AsyncClient) -> None:
    response = await client.get("/status", headers={"Accept-Language": "sv-FI, en;q=0.5"})
    assert response.headers["content-language"] == "sv"
    page = html.fromstring(response.content)
    assert page.findtext(".//header/h1") == "Tjänstens status"


async def test_counts_are_exact_past_the_listed_dead_letters(
    setup: Setup, admin: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counts come from the store, not from the listed rows: with more dead letters than
    are listed the page still says how many, and a retry reaches every one of them."""
    monkeypatch.setattr("syndicator.web.status.LISTED", 1)
    now = datetime.now(UTC)
    for _ in range(2):  # two of news-hook's three rows become dead letters
        claimed = setup.store.claim_next("news-hook", owner="test", now=now, lease=60)
        assert claimed is not None
        setup.store.mark_failed(claimed.id, owner="test", code="delivery.http_500",
                                error="HTTP 500", now=now)  # fmt: skip
    page = html.fromstring((await admin.get("/status?lang=en")).content)
    news = cells(page, "destinations")["news-hook"]
    assert news[0] == "1" and news[1].startswith("2")  # 1 pending, 2 failed
    done = await admin.post("/status/retry", data={"token": TOKEN, "destination": "news-hook"})
    assert done.headers["location"].endswith("retried=2")
    failed = setup.store.list_deliveries("failed")
    assert [row.destination for row in failed] == ["partner-hook"]


@pytest.mark.parametrize(
    ("lang", "reason"),
    [("fi", "ti klo 09–10: 13 % tiedotteista"), ("en", "Tue 09–10: 13 % of releases")],
)
async def test_an_adaptive_source_shows_its_next_poll_and_why_in_the_readers_language(
    setup: Setup, lang: str, reason: str
) -> None:
    text = FEEDS.replace("interval = 600", "interval = 600\nadaptive = true")
    database = str(setup.store.engine.url)
    adaptive = Setup(parse_config(text.format(database=database), "feeds.toml", {}), setup.store)
    due = POLLED + timedelta(minutes=2)
    setup.store.record_rhythm("vaasa-fi", Decision(120.0, slot=33, share=0.13, seen=40.0), due)
    async with _client(adaptive) as client:
        page = html.fromstring((await client.get(f"/status?lang={lang}")).content)
    [row] = [r for r in page.xpath("//section[@id='sources']//tr[td]") if r[0].text == "vaasa-fi"]
    assert row[4].xpath("time/@datetime") == [due.astimezone(HELSINKI).isoformat()]
    assert row[4].findtext("small") == reason
