"""``syndicator extract``: what ops run to check a source after a site redesign."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from syndicator.config import load_config
from syndicator.demo.site import SampleSite
from syndicator.scheduler import run_once
from syndicator.store import open_store
from syndicator.store.codec import article_to_json

DATA = Path(__file__).resolve().parent / "data" / "extraction"


def _extract(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "syndicator", "extract", *args],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip


def test_extract_prints_every_field_of_the_partner_repost() -> None:
    run = _extract(str(DATA / "partner-repost.html"), "--url", "https://partner.example/uutinen/")
    assert run.returncode == 0, run.stderr
    for label in ("title:", "language:", "published:", "updated:", "post id:", "body from:",
                  "lead:", "read more:"):  # fmt: skip
        assert label in run.stdout
    assert "https://www.vaasa.fi/tiedote/akkuteollisuudella-loistava" in run.stdout
    assert "Yksityisyydensuoja" not in run.stdout and "evästeitä" not in run.stdout


def test_extract_json_and_a_windows_1252_file() -> None:
    run = _extract(str(DATA / "cp1252-vaasantori-fi.html"), "--json")
    assert run.returncode == 0, run.stderr
    [article] = json.loads(run.stdout)  # one object per language item
    expected = json.loads((DATA / "cp1252-vaasantori-fi.expected.json").read_text("utf-8"))
    assert article["title"] == expected["title"] and "\ufffd" not in article["text"]


def test_extract_of_a_page_without_an_article_says_why() -> None:
    run = _extract(str(DATA / "noarticle-404-sv.html"))
    assert run.returncode == 1 and "extract.no_article" in run.stderr


LANGUAGE = Path(__file__).resolve().parent / "data" / "language"
SOURCE = """
[service]
database_url = "sqlite:///{db}"
allow_fast_polling = true
[http]
allow_private_networks = true
min_host_delay = "0s"
max_retries = 0
[[sources]]
name = "satama"
kind = "html"
urls = ["{listing}"]
interval = "10s"
catch_up = false
organisation = {{ fi = "Vaasan satama", sv = "Vasa hamn" }}
[sources.selectors]
item = "li.tiedote"
link = "a[href]"
title = "a"
"""
LISTING = (
    b"<html><body><ul><li class='tiedote'><a href='/satama/terminaali.html'>Terminaali</a>"
    b"</li></ul></body></html>"
)


def test_extract_shows_exactly_the_items_a_poll_stores(tmp_path: Path) -> None:
    """A bilingual table-layout page: the CLI prints the two items (fi, sv) that a real poll
    of the same page, served by a local site, saves — field for field."""
    page = LANGUAGE / "table-bilingual.html"
    sample = SampleSite()
    handle = sample.serve()
    try:
        listing, url = f"{handle.url}satama/", f"{handle.url}satama/terminaali.html"
        sample.override("/satama/", LISTING)
        sample.override("/satama/terminaali.html", page.read_bytes())
        config_path = tmp_path / "feeds.toml"
        db = tmp_path / "satama.sqlite3"
        config_path.write_text(SOURCE.format(db=db, listing=listing), "utf-8")
        store = open_store(f"sqlite:///{db}")
        try:
            [result] = asyncio.run(run_once(load_config(config_path), store))
            stored = [entry.article for entry in store.source_entries("satama", 10)]
        finally:
            store.close()
    finally:
        handle.stop()
    assert result.ok and result.created == 2
    run = _extract(str(page), "--url", url, "--json", "--config", str(config_path),
                   "--source", "satama")  # fmt: skip
    assert run.returncode == 0, run.stderr
    printed = json.loads(run.stdout)
    assert [item["lang"] for item in printed] == ["fi", "sv"]
    assert [item["organisation"] for item in printed] == ["Vaasan satama", "Vasa hamn"]
    by_url = {article.url: article_to_json(article) for article in stored}
    assert printed == [by_url[url], by_url[f"{url}#sv"]]


def test_extract_says_why_a_page_has_no_language(tmp_path: Path) -> None:
    page = tmp_path / "saksaksi.html"
    page.write_text(
        "<html><head><title>Hallenbad</title></head><body><article><h1>Neues Hallenbad</h1>"
        "<p>Die Stadt Vaasa eröffnet im nächsten Herbst ein neues Hallenbad mit zwei Becken "
        "und einem Fitnessraum.</p></article></body></html>",
        "utf-8",
    )
    run = _extract(str(page))
    assert run.returncode == 0, run.stderr
    assert "language:   ?  (the text reads as de" in run.stdout
