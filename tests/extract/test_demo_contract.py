"""The demo site's article pages are the markup contract: every field must come out exact."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from syndicator.demo.pages import article_page, article_path
from syndicator.demo.releases import Release, load_releases
from syndicator.extract import extract_article

BASE = "https://www.vaasa.fi/"
RELEASES = load_releases(datetime(2026, 11, 28, 12, 0, tzinfo=UTC))
PAGES = [(release, lang) for release in RELEASES for lang in release.texts]


@pytest.mark.parametrize(("release", "lang"), PAGES, ids=lambda v: getattr(v, "key", v))
def test_demo_article_page(release: Release, lang: str) -> None:
    related = [other for other in RELEASES if lang in other.texts and other is not release][:3]
    url = BASE + article_path(release, lang)
    article = extract_article(article_page(release, lang, BASE, related), url, language=lang)
    text = release.texts[lang]
    assert (article.url, article.title, article.lead) == (url, text.title, text.lead)
    assert (article.lang, article.post_id) == (lang, str(release.post_id))
    assert article.published == release.published
    assert not article.date_from_first_seen
    assert {link.lang for link in article.alternates} == set(release.texts) - {lang}
    assert len(article.read_more) == (1 if release.read_more else 0)
    for link in article.read_more:
        assert "utm_" not in link.url and link.url.startswith("https://")
    assert len(article.attachments) == (1 if release.attachment else 0)
    assert article.contacts and all(c.name and (c.phone or c.email) for c in article.contacts)
    for word in ("evästeitä", "kakor", "cookies", "Facebook", "sharer"):
        assert word not in article.text and word not in article.body_html
