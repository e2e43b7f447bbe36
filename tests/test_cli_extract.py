"""``syndicator extract``: what ops run to check a source after a site redesign."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from syndicator.store.codec import article_to_json
from tests.pagepoll import SOURCE_NAME, poll_pages

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


def test_extract_shows_exactly_the_items_a_poll_stores(tmp_path: Path) -> None:
    """A bilingual table-layout page: the CLI prints the two items (fi, sv) that a real poll
    of the same page, served by a local site, saves — field for field."""
    page = LANGUAGE / "table-bilingual.html"
    polled = poll_pages(tmp_path, {"/satama/terminaali.html": page.read_bytes()})
    assert polled.result.ok and polled.result.created == 2
    url = f"{polled.base_url}satama/terminaali.html"
    run = _extract(str(page), "--url", url, "--json", "--config", str(polled.config),
                   "--source", SOURCE_NAME)  # fmt: skip
    assert run.returncode == 0, run.stderr
    printed = json.loads(run.stdout)
    assert [item["lang"] for item in printed] == ["fi", "sv"]
    assert [item["organisation"] for item in printed] == ["Vaasan satama", "Vasa hamn"]
    by_url = {article.url: article_to_json(article) for article in polled.articles}
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
