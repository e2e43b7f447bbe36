"""Known pages are not downloaded again and again: a 304 where the site allows it, and a
re-check schedule where it sends no validators."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from syndicator.config import load_config
from syndicator.demo.languages import demo_source
from syndicator.demo.site import SampleSite, SiteHandle
from syndicator.locales import HELSINKI
from syndicator.scheduler import run_once
from syndicator.store import open_store
from tests.e2e.conftest import ARENA, LIBRARY, SECRET, Sinks, sources_toml, write_config

LIBRARY_NEXT = {
    lang: replace(text, slug=text.slug + "-2", title=text.title + " (2)")
    for lang, text in LIBRARY.items()
}

ARTICLE = (
    "<html lang='fi'><head><title>Tiedote</title></head><body><article>"
    "<h1 class='entry-title'>Satama laajenee</h1><div class='entry-content'>"
    "<p>Vaasan satama laajenee etelään, ja uusi laituri valmistuu vuonna 2028.</p>"
    "<p>Laajennus tuo satamaan kaksi uutta laivapaikkaa ja lisää varastotilaa.</p>"
    "</div></article></body></html>"
)


def _listing(day: str) -> bytes:
    return (
        "<html><body><article class='news-item'><h2 class='news-title'>"
        "<a href='/satama/'>Satama laajenee</a></h2>"
        f"<time datetime='{day}'>{day}</time></article></body></html>"
    ).encode()


def _fetches(site: SampleSite, path: str) -> int:
    return sum(1 for request in site.requests if request.path.split("?")[0] == path)


async def test_pages_without_validators_are_rechecked_on_a_schedule(
    site: tuple[SampleSite, SiteHandle], sinks: Sinks, tmp_path: Path
) -> None:
    sample, handle = site
    sample.override("/listing/", _listing("2026-11-28"))
    sample.override("/satama/", ARTICLE.encode())  # no ETag, no Last-Modified
    path = write_config(tmp_path, demo_source("plain", f"{handle.url}listing/", "fi"), "")
    config = load_config(path, env={**os.environ, "E2E_WEBHOOK_SECRET": SECRET})
    store = open_store(config.service.database_url)
    await run_once(config, store)
    await run_once(config, store)
    await run_once(config, store)
    assert _fetches(sample, "/satama/") == 1  # checked again only when due

    sample.override("/listing/", _listing("2026-11-29"))  # the listing shows a new date
    await run_once(config, store)
    assert _fetches(sample, "/satama/") == 2
    store.close()


async def test_pages_with_validators_cost_a_304(
    site: tuple[SampleSite, SiteHandle], sinks: Sinks, tmp_path: Path
) -> None:
    sample, handle = site
    path = write_config(tmp_path, sources_toml(handle.url, catch_up=True, langs=("fi",)), "")
    config = load_config(path, env={**os.environ, "E2E_WEBHOOK_SECRET": SECRET})
    store = open_store(config.service.database_url)
    await run_once(config, store)
    sample.edit_release("jaahalli", "fi", title="Jäähallin peruskorjaus alkaa toukokuussa")
    before = len(sample.requests)
    await run_once(config, store)
    answered = [r for r in sample.requests[before:] if "/tiedote/" in r.path]
    assert all("if-none-match" in r.headers for r in answered)  # every re-check conditional
    assert [e.kind for e in store.events_after(0)][-1] == "updated"
    store.close()


async def test_a_changed_listing_refetches_only_new_and_young_pages(
    sinks: Sinks, tmp_path: Path
) -> None:
    sample = SampleSite(with_releases=False)
    now = datetime.now(HELSINKI).replace(microsecond=0)
    sample.add_release("kirjasto", LIBRARY, published=now - timedelta(days=5))
    sample.add_release("satama", ARENA, published=now - timedelta(hours=5))
    with sample.serve() as handle:
        path = write_config(tmp_path, sources_toml(handle.url, catch_up=True, langs=("fi",)), "")
        config = load_config(path, env={**os.environ, "E2E_WEBHOOK_SECRET": SECRET})
        store = open_store(config.service.database_url)
        await run_once(config, store)
        sample.add_release("uusi", LIBRARY_NEXT, published=now)  # the listing changes
        before = len(sample.requests)
        await run_once(config, store)
        store.close()
    pages = [r.path for r in sample.requests[before:] if "/tiedote/" in r.path]
    # The new page, and the 5-hour-old one (young: a cheap conditional GET); the 5-day-old
    # one is neither due nor shown with another date: not asked for at all.
    assert sorted(pages) == sorted(
        [f"/tiedote/{LIBRARY_NEXT['fi'].slug}/", f"/tiedote/{ARENA['fi'].slug}/"]
    )
