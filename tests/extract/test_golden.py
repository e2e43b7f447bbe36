"""Every page in tests/data/extraction/ against its golden file; banners never leak."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from syndicator.errors import ExtractError
from syndicator.extract import extract_article
from syndicator.model import Article

DATA = Path(__file__).resolve().parents[1] / "data" / "extraction"
# A copy of shared/seed/partner-repost.txt, so the test never depends on where shared/ is.
SEED = Path(__file__).resolve().parents[1] / "data" / "seed" / "partner-repost.txt"
FIRST_SEEN = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
PAGES = sorted(path.name.removesuffix(".expected.json") for path in DATA.glob("*.expected.json"))
# The seed banner's sentences (partner-repost.txt below "Yksityisyydensuoja"): never ours.
BANNER_WORDS = (
    "Yksityisyydensuoja",
    "evästeitä",
    "Evästetiedot",
    "Välttämättömät evästeet",
    "Kolmannen osapuolen evästeet",
    "Google Analyticsia",
    "Tämän evästeen salliminen",
    "Integritetsskydd",
    "cookies",
)
SEED_READ_MORE = (
    "https://www.vaasa.fi/tiedote/"
    "akkuteollisuudella-loistava-mahdollisuus-nousta-suomen-uudeksi-menestystarinaksi"
)


@dataclass(frozen=True)
class Case:
    name: str
    html: str
    expected: dict[str, Any]

    def extract(self) -> Article:
        return extract_article(
            self.html,
            self.expected["page_url"],
            language=self.expected["language"],
            first_seen=FIRST_SEEN,
        )


def load(name: str) -> Case:
    html = (DATA / f"{name}.html").read_text(encoding="utf-8")
    expected = json.loads((DATA / f"{name}.expected.json").read_text(encoding="utf-8"))
    return Case(name, html, expected)


def describe(article: Article) -> dict[str, Any]:
    """The article in the golden file's shape."""
    return {
        "url": article.url,
        "title": article.title,
        "lang": article.lang,
        "published": article.published.isoformat() if article.published else None,
        "updated": article.updated.isoformat() if article.updated else None,
        "date_from_first_seen": article.date_from_first_seen,
        "lead": article.lead,
        "post_id": article.post_id,
        "read_more": [link.url for link in article.read_more],
        "alternates": [{"lang": link.lang, "url": link.url} for link in article.alternates],
        "contacts": [
            {"name": c.name, "title": c.title, "phone": c.phone, "email": c.email}
            for c in article.contacts
        ],
        "attachments": [{"url": a.url, "title": a.title} for a in article.attachments],
        "images": [{"url": i.url, "alt": i.alt} for i in article.images],
    }


def test_there_are_golden_pages() -> None:
    assert {"vaasa-fi", "vaasa-sv", "vaasa-en", "partner-repost", "no-article"} <= set(PAGES)


@pytest.mark.parametrize("name", PAGES)
def test_page_matches_golden_file(name: str) -> None:
    case = load(name)
    if "error" in case.expected:
        with pytest.raises(ExtractError) as caught:
            case.extract()
        assert caught.value.code == case.expected["error"]
        return
    article = case.extract()
    got = describe(article)
    for key, value in got.items():
        assert value == case.expected[key], f"{name}: {key}"
    for sentence in case.expected["text_contains"]:
        assert sentence in article.text, f"{name}: missing {sentence!r}"
    for sentence in case.expected["text_excludes"]:
        for field in (article.text, article.body_html, article.lead):
            assert sentence not in field, f"{name}: boilerplate {sentence!r}"


@pytest.mark.parametrize("name", PAGES)
def test_no_banner_text_reaches_the_output(name: str) -> None:
    case = load(name)
    try:
        article = case.extract()
    except ExtractError:
        return
    for word in BANNER_WORDS:
        for field in (article.text, article.body_html, article.lead, article.title):
            assert word.lower() not in field.lower(), f"{name}: {word!r}"
    for link in article.read_more:
        assert "tietosuoja" not in link.url and "privacy" not in link.url


@pytest.mark.parametrize("name", PAGES)
def test_body_html_is_sanitised(name: str) -> None:
    case = load(name)
    try:
        article = case.extract()
    except ExtractError:
        return
    lowered = article.body_html.lower()
    for forbidden in ("<script", "<style", "onclick", "javascript:", "<iframe", "<form", "<nav"):
        assert forbidden not in lowered


@pytest.mark.parametrize("name", ["partner-repost", "partner-repost-br"])
def test_the_seed_read_more_url_is_found(name: str) -> None:
    assert [link.url for link in load(name).extract().read_more] == [SEED_READ_MORE]


def test_the_seed_itself_is_consistent_with_the_fixture() -> None:
    """The partner fixture carries the seed's banner text verbatim (and we drop it)."""
    seed = SEED.read_text(encoding="utf-8")
    html = load("partner-repost").html
    assert SEED_READ_MORE in seed
    for word in BANNER_WORDS[:7]:
        assert word in seed and word in html
