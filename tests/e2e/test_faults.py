"""Faults on both sides: sources that misbehave, destinations that refuse. Nothing is lost."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from pathlib import Path

import feedparser
import httpx
import pytest

from syndicator.config import load_config
from syndicator.demo.languages import demo_source
from syndicator.demo.site import SampleSite, SiteHandle
from syndicator.scheduler import run_once
from syndicator.store import open_store
from syndicator.web import create_app
from tests.e2e.conftest import (
    SECRET,
    Sinks,
    log_lines,
    sources_toml,
    syndicator,
    write_config,
)

WEBHOOK_ONLY = """
[[destinations]]
name = "partner-hook"
kind = "webhook"
url = "{url}/syndicator"
secret = "${{E2E_WEBHOOK_SECRET}}"
max_attempts = 5
"""


def _listing(path: str, article: str) -> bytes:
    return (
        "<!doctype html><html lang='fi'><head><meta charset='utf-8'><title>Tiedotteet</title>"
        "</head><body><main><article class='news-item'><h2 class='news-title'>"
        f"<a href='{article}'>Tiedote</a></h2><time datetime='2026-11-27'>27.11.2026</time>"
        "</article></main></body></html>"
    ).encode()


def _source(name: str, url: str) -> str:
    return demo_source(name, url, "fi", catch_up=False)


def test_misbehaving_sources_log_one_line_each_and_feeds_stay_valid(
    site: tuple[SampleSite, SiteHandle], sinks: Sinks, tmp_path: Path
) -> None:
    sample, handle = site
    base = handle.url
    sample.delay("/slow/", 5)  # read timeout is 2 s
    sample.fail("/down/", status=503, times=100)
    sample.override(
        "/huge/", b"<html><body>" + b"<p>" + b"x" * (20 * 1024 * 1024) + b"</body></html>"
    )
    sample.override("/bad-utf8/", _listing("/bad-utf8/", "/tiedote/rikki/"))
    sample.override(
        "/tiedote/rikki/",
        b"<html><head><meta charset='utf-8'></head><body>"
        b"<h1 class='entry-title'>Rikki \xff\xfe merkist\xf6</h1>"
        b"<div class='entry-content'><p>Teksti\xe4 ilman oikeaa koodausta.</p></div>"
        b"</body></html>",
        "text/html; charset=utf-8",
    )
    sample.override("/empty/", _listing("/empty/", "/tiedote/tyhja/"))
    sample.override(
        "/tiedote/tyhja/",
        b"<html><body><nav><a href='/'>Etusivu</a></nav>"
        b"<footer>Vaasan kaupunki</footer></body></html>",
    )
    broken = {
        "slow": ("fetch.timeout", f"{base}slow/"),
        "down": ("fetch.http_503", f"{base}down/"),
        "huge": ("source.no_candidates", f"{base}huge/"),
        "no-article": ("extract.no_article", f"{base}empty/"),
    }
    sources = "".join(_source(name, url) for name, (_code, url) in broken.items())
    sources += _source("bad-utf8", f"{base}bad-utf8/")
    sources += _source("good", f"{base}ajankohtaista/tiedotteet/")
    config = write_config(
        tmp_path,
        sources,
        WEBHOOK_ONLY.format(url=sinks.webhook.url),
        extra_http="max_body_bytes = 5_000_000",
    )

    run = syndicator("poll", "--once", "--config", str(config), check=False)

    assert run.returncode == 1, run.stderr  # some sources failed; the run itself did not crash
    assert "Traceback" not in run.stderr
    lines = log_lines(run.stderr)
    for name, (code, _url) in broken.items():
        failures = [
            line
            for line in lines
            if line.get("source") == name
            and line["level"] in ("WARNING", "ERROR")
            and line.get("event") != "fetch.retry"
            and line.get("event") != "fetch.truncated"
        ]
        assert len(failures) == 1, (name, failures)
        assert failures[0]["error_code"] == code, failures[0]
        assert name in failures[0]["message"] or failures[0].get("url", "").startswith(base)
    truncated = [line for line in lines if line.get("event") == "fetch.truncated"]
    assert truncated and truncated[0]["url"] == f"{base}huge/"
    # The good source went through, and so did the page with broken bytes, decoded safely.
    feed = feedparser.parse((tmp_path / "public" / "feeds" / "atom.xml").read_bytes())
    assert feed.bozo == 0
    titles = {entry.title for entry in feed.entries}
    assert len(titles) == 3 and any(title.startswith("Rikki") for title in titles)
    assert len(sinks.webhook.requests) == 3
    states = {
        state.name: state
        for state in open_store(f"sqlite:///{tmp_path / 'e2e.sqlite3'}").source_states()
    }
    assert states["down"].last_error_code == "fetch.http_503"
    assert states["good"].last_error_code is None


async def _drain_until(config_path: Path, done: Callable[[], bool], within_s: float = 15.0) -> None:
    """poll --once in-process, again and again, until ``done()`` (the worker's loop, faster)."""
    config = load_config(config_path, env={**os.environ, "E2E_WEBHOOK_SECRET": SECRET})
    store = open_store(config.service.database_url)
    deadline = time.monotonic() + within_s
    try:
        while time.monotonic() < deadline:
            await run_once(config, store)
            if done():
                return
            await asyncio.sleep(0.1)
        raise AssertionError("deliveries did not complete in time")
    finally:
        store.close()


async def test_destination_500_twice_then_ok_gets_it_on_the_third_attempt(
    site: tuple[SampleSite, SiteHandle], sinks: Sinks, tmp_path: Path
) -> None:
    _sample, handle = site
    config = write_config(
        tmp_path,
        sources_toml(handle.url, catch_up=False, langs=("fi",)),
        WEBHOOK_ONLY.format(url=sinks.webhook.url),
    )
    sinks.webhook.respond(500, 500)
    await _drain_until(config, lambda: len(sinks.webhook.requests) >= 4)
    ids = [r.headers["webhook-id"] for r in sinks.webhook.requests]
    first = ids[0]
    assert ids.count(first) == 3  # two 500s, then accepted: same webhook-id each time
    assert len(set(ids)) == 2 and len(ids) == 4  # the other release went through once
    store = open_store(f"sqlite:///{tmp_path / 'e2e.sqlite3'}")
    delivered = store.list_deliveries("delivered")
    assert sorted(d.attempts for d in delivered) == [1, 3]
    store.close()


async def test_destination_429_retry_after_is_honoured(
    site: tuple[SampleSite, SiteHandle], sinks: Sinks, tmp_path: Path
) -> None:
    _sample, handle = site
    config = write_config(
        tmp_path,
        sources_toml(handle.url, catch_up=False, langs=("fi",)),
        WEBHOOK_ONLY.format(url=sinks.webhook.url),
    )
    sinks.webhook.respond((429, {"Retry-After": "2"}))
    await _drain_until(config, lambda: len(sinks.webhook.requests) >= 3)
    first, second = sinks.webhook.requests[0], sinks.webhook.requests[1]
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert second.at - first.at >= 2.0


async def test_a_redesigned_listing_marks_the_source_degraded_and_keeps_the_feed(
    site: tuple[SampleSite, SiteHandle],
    sinks: Sinks,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sample, handle = site
    config_path = write_config(
        tmp_path, sources_toml(handle.url, catch_up=True, langs=("fi",)),
        WEBHOOK_ONLY.format(url=sinks.webhook.url),
    )  # fmt: skip
    config = load_config(config_path, env={**os.environ, "E2E_WEBHOOK_SECRET": SECRET})
    store = open_store(config.service.database_url)
    app = create_app(config, store)
    await run_once(config, store)
    before = (tmp_path / "public" / "feeds" / "atom.xml").read_bytes()

    redesigned = (
        b"<html><body><div class='uutiset'><a href='/x/'>Uusi ulkoasu</a></div></body></html>"
    )
    sample.override("/ajankohtaista/tiedotteet/", redesigned)
    await run_once(config, store)
    await run_once(config, store)  # still broken: said once, not at every poll
    said = [r for r in caplog.records if getattr(r, "event", None) == "source.degraded"]
    assert len(said) == 1 and "syndicator extract" in said[0].getMessage()
    [state] = store.source_states()
    assert state.degraded == "source.no_candidates" and state.last_error_code is None
    assert (tmp_path / "public" / "feeds" / "atom.xml").read_bytes() == before  # feed kept
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as web:
        ready = (await web.get("/readyz")).json()
        assert ready["sources"][0]["degraded"] == "source.no_candidates"
        index = (await web.get("/?lang=en")).text
        assert "source.no_candidates" in index

    sample.clear_faults()
    await run_once(config, store)
    assert store.source_states()[0].degraded is None
    store.close()
