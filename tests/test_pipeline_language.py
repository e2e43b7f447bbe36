"""A poll decides each page's language as ``syndicator extract`` does: a page in a language
we do not publish is stored without one, and the poll says why in one log line."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from syndicator.config import parse_config
from syndicator.demo.site import SampleSite, SiteHandle
from syndicator.scheduler import run_once
from syndicator.store import open_store

LISTING = (
    b"<html><body><ul><li class='t'><a href='/uutiset/bad.html'>Bad</a></li></ul></body></html>"
)
GERMAN = (
    "<html><head><title>Hallenbad</title></head><body><article><h1>Neues Hallenbad</h1>"
    "<p>Julkaistu 12.11.2026</p><p>Die Stadt hat den neuen Plan für den Bau vorgestellt. Den "
    "Auftrag erhält eine Firma aus Vaasa, die den Bau im Sommer beginnt.</p></article></body>"
    "</html>"
)


@pytest.fixture
def site() -> Iterator[tuple[SampleSite, SiteHandle]]:
    sample = SampleSite()
    handle = sample.serve()
    yield sample, handle
    handle.stop()


async def test_a_page_in_an_unpublished_language_is_stored_without_one_and_logged(
    site: tuple[SampleSite, SiteHandle], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sample, handle = site
    sample.override("/uutiset/", LISTING)
    sample.override("/uutiset/bad.html", GERMAN.encode())
    config = parse_config(
        f"""
[service]
database_url = "sqlite:///{tmp_path / "lang.sqlite3"}"
allow_fast_polling = true
[http]
allow_private_networks = true
min_host_delay = "0s"
max_retries = 0
[[sources]]
name = "uutiset"
kind = "html"
urls = ["{handle.url}uutiset/"]
catch_up = false
[sources.selectors]
item = "li.t"
link = "a[href]"
""",
        "lang.toml",
        {},
    )
    caplog.set_level(logging.INFO)
    store = open_store(config.service.database_url)
    try:
        [result] = await run_once(config, store)
        [entry] = store.source_entries("uutiset", 10)
    finally:
        store.close()
    assert result.created == 1 and entry.article.lang is None
    [said] = [r for r in caplog.records if getattr(r, "event", None) == "extract.no_language"]
    assert "reads as de" in said.getMessage() and getattr(said, "source", None) == "uutiset"
