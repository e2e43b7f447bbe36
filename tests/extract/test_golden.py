"""Every page in tests/data/extraction/ against its golden file; banners never leak."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bench.metrics import leaked_phrases, token_diff, token_scores
from syndicator.errors import ExtractError
from syndicator.extract import extract_article
from syndicator.model import Article
from tests.extract.corpus import CorpusPage, load_corpus

# A copy of shared/seed/partner-repost.txt, so the test never depends on where shared/ is.
SEED = Path(__file__).resolve().parents[1] / "data" / "seed" / "partner-repost.txt"
FIRST_SEEN = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
CORPUS = {page.name: page for page in load_corpus()}
PAGES = sorted(CORPUS)
ARTICLE_PAGES = [name for name in PAGES if CORPUS[name].expects_article]
MIN_BODY_RECALL = 0.9
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


def extract(page: CorpusPage) -> Article:
    """The page as the pipeline extracts it: its site profile, its source's language."""
    return extract_article(
        page.html, page.page_url, page.profile, language=page.language, first_seen=FIRST_SEEN
    )


def load(name: str) -> CorpusPage:
    return CORPUS[name]


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


@pytest.mark.parametrize("name", PAGES)
def test_pages_are_decoded_as_a_fetch_decodes_them(name: str) -> None:
    """Bytes through decode_body: a windows-1252 page reads right, so does a UTF-8 one."""
    page = load(name)
    assert "\ufffd" not in page.html, f"{name}: undecodable bytes as {page.encoding}"
    for mojibake in ("Ã¤", "Ã¶", "Ã¥", "â€"):
        assert mojibake not in page.html, f"{name}: UTF-8 read as {page.encoding}"


def test_there_are_golden_pages() -> None:
    assert {"vaasa-fi", "vaasa-sv", "vaasa-en", "partner-repost", "no-article"} <= set(PAGES)


@pytest.mark.parametrize("name", PAGES)
def test_page_matches_golden_file(name: str) -> None:
    page = load(name)
    if not page.expects_article or "error" in page.expected:
        with pytest.raises(ExtractError) as caught:
            extract(page)
        if "error" in page.expected:
            assert caught.value.code == page.expected["error"]
        return
    article = extract(page)
    got = describe(article)
    for key, value in got.items():
        assert key in page.expected, f"{name}: the golden file lacks {key!r}"
        assert value == page.expected[key], f"{name}: {key}"
    for sentence in page.expected.get("text_contains", ()):
        assert sentence in article.text, f"{name}: missing {sentence!r}"
    for sentence in page.expected.get("text_excludes", ()):
        for field in (article.text, article.body_html, article.lead):
            assert sentence not in field, f"{name}: boilerplate {sentence!r}"


@pytest.mark.parametrize("name", ARTICLE_PAGES)
def test_body_text_is_found_and_boilerplate_is_not(name: str) -> None:
    """At least 90 % of the true body's words (bilingual: all parts), and no boilerplate."""
    page = load(name)
    if page.body_text is None and not page.boilerplate:
        pytest.skip(f"{name}: golden file has no body_text or boilerplate yet")
    article = extract(page)
    if page.body_text is not None:
        recall = token_scores(article.text, page.body_text).recall
        missing, _ = token_diff(article.text, page.body_text)
        assert recall >= MIN_BODY_RECALL, (
            f"{name}: body recall {recall:.3f}, missing {missing[:20]}"
        )
    leaked = leaked_phrases(page.boilerplate, article.text, article.lead, article.body_html)
    assert not leaked, f"{name}: boilerplate {leaked}"


@pytest.mark.parametrize("name", PAGES)
def test_no_banner_text_reaches_the_output(name: str) -> None:
    try:
        article = extract(load(name))
    except ExtractError:
        return
    for word in BANNER_WORDS:
        for field in (article.text, article.body_html, article.lead, article.title):
            assert word.lower() not in field.lower(), f"{name}: {word!r}"
    for link in article.read_more:
        assert "tietosuoja" not in link.url and "privacy" not in link.url


@pytest.mark.parametrize("name", PAGES)
def test_body_html_is_sanitised(name: str) -> None:
    try:
        article = extract(load(name))
    except ExtractError:
        return
    lowered = article.body_html.lower()
    for forbidden in ("<script", "<style", "onclick", "javascript:", "<iframe", "<form", "<nav"):
        assert forbidden not in lowered


@pytest.mark.parametrize("name", ["partner-repost", "partner-repost-br"])
def test_the_seed_read_more_url_is_found(name: str) -> None:
    assert [link.url for link in extract(load(name)).read_more] == [SEED_READ_MORE]


def test_the_seed_itself_is_consistent_with_the_fixture() -> None:
    """The partner fixture carries the seed's banner text verbatim (and we drop it)."""
    seed = SEED.read_text(encoding="utf-8")
    html = load("partner-repost").html
    assert SEED_READ_MORE in seed
    for word in BANNER_WORDS[:7]:
        assert word in seed and word in html
