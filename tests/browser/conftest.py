"""A real app on 127.0.0.1 over a real SQLite store, and Debian's Chromium driven by
Playwright (never a browser Playwright downloads: ``playwright install`` is not run).

Chromium and axe-core (``npm ci --prefix tests/browser``) are required in CI; elsewhere a
missing one skips these tests with how to get it, as the PostgreSQL tests do.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import Browser, async_playwright

from syndicator.config import parse_config
from syndicator.decide import decide
from syndicator.store import Store, open_store
from syndicator.web import create_app
from syndicator.web.status import ADMIN_TOKEN_VARIABLE
from tests.publish.samples import make_entry

CHROMIUM = Path(os.environ.get("SYNDICATOR_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).parents[2] / "build" / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
EDITED = "Kaupunginhallitus päätti koulusta uudelleen"
POLLED = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)

FEEDS = """
[service]
database_url = "{database}"
base_url = "{base}"

[feeds]
title = "Vaasa"
titles = {{ sv = "Vasa", en = "Vaasa (en)" }}

[[sources]]
name = "vaasa-fi"
kind = "html"
urls = ["https://www.vaasa.fi/uutiset/"]

[[sources]]
name = "vaasa-sv"
kind = "html"
urls = ["https://www.vaasa.fi/sv/nyheter/"]

[[destinations]]
name = "partner-hook"
kind = "webhook"
url = "https://partner.example/hook"
secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
"""


def required(path: Path, how: str) -> Path:
    """``path`` if it exists; else the test fails in CI and is skipped elsewhere."""
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: {path} is missing ({how})")
        pytest.skip(f"{path} is missing ({how})")
    return path


@pytest.fixture
def chromium() -> Path:
    return required(CHROMIUM, "apt-get install chromium")


@pytest.fixture
def axe() -> Path:
    return required(AXE, "apt-get install npm; npm ci --prefix tests/browser")


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@dataclass(frozen=True)
class Site:
    url: str  # the app's base URL, ending in "/"
    ids: dict[str, int]  # item id of the release in each language


@pytest.fixture
async def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Site]:
    """The real app behind uvicorn on a socket bound first, so that ``base_url`` (and every
    feed address the index shows) is the address the browser really reaches."""
    listener = socket.create_server(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
    database = f"sqlite:///{tmp_path / 'browser.sqlite3'}"
    config = parse_config(FEEDS.format(database=database, base=url), "feeds.toml", {})
    monkeypatch.setenv(ADMIN_TOKEN_VARIABLE, "browser-test-token")  # the retry form shows
    store = open_store(database)
    ids = _fill(store)
    app = create_app(config, store, key_ttl_s=0)
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, lifespan="off", ws="none"))
    task = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        yield Site(url, ids)
    finally:
        server.should_exit = True
        await task
        listener.close()
        store.close()


def _fill(store: Store) -> dict[str, int]:
    """The release in fi/sv/en (translations of each other), the Finnish one edited once,
    a delivery that failed for good and two sources polled, one of them failing."""
    now = datetime.now(UTC)
    for lang in ("fi", "sv", "en"):
        article = make_entry(lang).article
        store.save_article(f"vaasa-{lang}", article, decide(None, article), None,
                           destinations=[("partner-hook", 0.0)], now=now)  # fmt: skip
    first = make_entry("fi").article
    stored = store.find_item(first.url)
    edited = replace(first, title=EDITED)
    store.save_article("vaasa-fi", edited, decide(stored, edited), stored,
                       destinations=[], now=now)  # fmt: skip
    claimed = store.claim_next("partner-hook", owner="test", now=now, lease=60)
    assert claimed is not None
    store.mark_failed(claimed.id, owner="test", code="delivery.http_404",
                      error="HTTP 404", now=now)  # fmt: skip
    store.record_poll("vaasa-fi", POLLED)
    store.record_poll("vaasa-sv", POLLED, error_code="fetch.http_503", error="HTTP 503")
    ids = {}
    for lang in ("fi", "sv", "en"):
        item = store.find_item(make_entry(lang).article.url)
        assert item is not None
        ids[lang] = item.item_id
    return ids
