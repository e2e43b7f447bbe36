"""Extraction behaviour on small pages: one rule per test."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import syndicator.extract
from syndicator.configbase import ArticleProfile
from syndicator.errors import ExtractError
from syndicator.extract import extract_article
from syndicator.locales import HELSINKI
from syndicator.model import Link

URL = "https://www.vaasa.fi/tiedote/testi/"
SEEN = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
TEXT = "Kaupunki tiedottaa, että uusi koulu avataan syksyllä ja se on kaikkien käytössä."


def page(body: str, head: str = "", lang: str = "fi-FI") -> str:
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">{head}</head>'
        f"<body>{body}</body></html>"
    )


def article(content: str, *, title: str = "Otsikko") -> str:
    return page(f'<article><h1 class="entry-title">{title}</h1><div class="entry-content">'
                f"{content}</div></article>")  # fmt: skip


def test_exports() -> None:
    assert syndicator.extract.__all__ == ["extract_article", "parse_date"]


def test_no_date_means_first_seen() -> None:
    result = extract_article(article(f"<p>{TEXT}</p>"), URL, first_seen=SEEN)
    assert result.published == SEEN
    assert result.published is not None and result.published.tzinfo is HELSINKI
    assert result.date_from_first_seen is True
    assert result.updated is None


def test_no_date_and_no_first_seen_means_now() -> None:
    before = datetime.now(UTC)
    result = extract_article(article(f"<p>{TEXT}</p>"), URL)
    assert result.published is not None and result.published >= before
    assert result.date_from_first_seen


def test_visible_label_date() -> None:
    html = page(f'<main><h1>Otsikko</h1><p class="meta">Julkaistu 3.2.2026 klo 8.05</p>'
                f"<p>{TEXT}</p></main>")  # fmt: skip
    result = extract_article(html, URL, first_seen=SEEN)
    assert result.published == datetime(2026, 2, 3, 8, 5, tzinfo=HELSINKI)
    assert not result.date_from_first_seen
    assert result.text == TEXT


@pytest.mark.parametrize(
    ("canonical", "expected"),
    [
        ("https://www.vaasa.fi/tiedote/oikea/", "https://www.vaasa.fi/tiedote/oikea/"),
        ("https://vaasa.fi/tiedote/oikea/?utm_source=x", "https://vaasa.fi/tiedote/oikea/"),
        ("/tiedote/suhteellinen/", "https://www.vaasa.fi/tiedote/suhteellinen/"),
        ("https://www.muualla.fi/juttu/", URL),
    ],
)
def test_canonical_link_wins_only_on_the_same_site(canonical: str, expected: str) -> None:
    html = article(f"<p>{TEXT}</p>").replace(
        "<head>", f'<head><link rel="canonical" href="{canonical}">'
    )
    assert extract_article(html, URL + "?fbclid=1#x").url == expected


def test_profile_selectors_come_first() -> None:
    html = page(
        '<div class="otsikko">Profiilin otsikko</div><h1 class="entry-title">Väärä</h1>'
        '<div class="pvm">5.5.2026 klo 12.00</div><div class="ingressi">Profiilin ingressi.</div>'
        f'<div class="teksti"><p>{TEXT}</p><div class="mainos">Mainos tässä</div></div>'
        '<div class="entry-content"><p>Väärä runko.</p></div>'
    )
    profile = ArticleProfile(
        title=".otsikko", body=".teksti", lead=".ingressi", published=".pvm", remove=(".mainos",)
    )
    result = extract_article(html, URL, profile)
    assert result.title == "Profiilin otsikko"
    assert result.text == TEXT
    assert result.lead == "Profiilin ingressi."
    assert result.published == datetime(2026, 5, 5, 12, 0, tzinfo=HELSINKI)


def test_invalid_profile_selector_falls_back() -> None:
    profile = ArticleProfile(title="[[[", body="div:unknown-pseudo")
    result = extract_article(article(f"<p>{TEXT}</p>"), URL, profile)
    assert (result.title, result.text) == ("Otsikko", TEXT)


def test_title_from_title_tag_without_site_name() -> None:
    html = page(f"<div><p>{TEXT}</p></div>", head="<title>Uusi koulu – Vaasan kaupunki</title>")
    assert extract_article(html, URL).title == "Uusi koulu"


@pytest.mark.parametrize(
    ("html", "url", "hint", "expected"),
    [
        (article(f"<p>{TEXT}</p>"), URL, None, "fi"),
        (article(f"<p>{TEXT}</p>").replace('lang="fi-FI"', 'lang="SV_fi"'), URL, "fi", "sv"),
        (article(f"<p>{TEXT}</p>").replace(' lang="fi-FI"', ""), URL, "en", "en"),
        (
            article(f"<p>{TEXT}</p>").replace(' lang="fi-FI"', ""),
            "https://www.vaasa.fi/sv/tiedote/x/",
            "fi",
            "sv",
        ),
        (
            article("<p>The city says that the new school opens in the autumn and it is for "
                    "all of the people who live in the area.</p>").replace(' lang="fi-FI"', ""),
            URL, None, "en",
        ),
    ],
)  # fmt: skip
def test_language(html: str, url: str, hint: str | None, expected: str) -> None:
    assert extract_article(html, url, language=hint).lang == expected


def test_alternates_from_switcher_labels_and_hreflang() -> None:
    head = (
        '<link rel="alternate" hreflang="x-default" href="/tiedote/testi/">'
        '<link rel="alternate" hreflang="fi-FI" href="/tiedote/testi/">'
        '<link rel="alternate" hreflang="en-GB" href="/en/tiedote/test/">'
    )
    body = (
        '<div class="wpml-ls"><a href="/sv/tiedote/test-sv/">På svenska</a></div>'
        '<p><a href="/en/tiedote/test/">In English</a> <a href="/sv/">Svenska</a></p>'
        f'<article><h1 class="entry-title">Otsikko</h1><div class="entry-content"><p>{TEXT}</p>'
        "</div></article>"
    )
    result = extract_article(page(body, head), URL)
    assert result.alternates == (
        Link("https://www.vaasa.fi/en/tiedote/test/", "In English", "en"),
        Link("https://www.vaasa.fi/sv/tiedote/test-sv/", "På svenska", "sv"),
    )


def test_post_id_from_shortlink_then_article_id() -> None:
    head = "<link rel='shortlink' href='https://www.vaasa.fi/?p=777'>"
    html = page(f"<main><h1>O</h1><p>{TEXT}</p></main>", head)
    assert extract_article(html, URL).post_id == "777"
    html = page(f'<article id="post-42"><h1>O</h1><p>{TEXT}</p></article>')
    assert extract_article(html, URL).post_id == "42"


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "<html></html>",
        page("<p></p>"),
        page('<h1 class="entry-title">Vain otsikko</h1>'),
        page(f"<nav><p>{TEXT}</p></nav><footer>{TEXT}</footer>"),
        page(f'<div id="cookie-law-info-bar"><p>{TEXT}</p></div>'),
    ],
)
def test_no_article(html: str) -> None:
    with pytest.raises(ExtractError) as caught:
        extract_article(html, URL)
    assert caught.value.code == "extract.no_article"


def test_naive_first_seen_is_helsinki_time() -> None:
    result = extract_article(article(f"<p>{TEXT}</p>"), URL, first_seen=datetime(2026, 7, 1, 12))
    assert result.published == datetime(2026, 7, 1, 12, tzinfo=HELSINKI)
