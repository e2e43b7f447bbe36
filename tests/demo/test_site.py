"""The sample site keeps its markup contract, paginates, answers 304s and takes faults."""

from __future__ import annotations

import json
import re
from email.utils import format_datetime

import feedparser
import httpx
import pytest
from bs4 import BeautifulSoup, Tag

from syndicator.config import parse_config
from syndicator.demo.site import SampleSite, demo_sources

_SEED_COOKIE = "Tämä verkkosivusto käyttää evästeitä, jotta voimme tarjota sinulle parhaan"


def _get(site: SampleSite, path: str, **headers: str) -> httpx.Response:
    return httpx.get(site.url + path.lstrip("/"), headers=headers)


def _soup(response: httpx.Response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.text, "lxml")


def _one(soup: BeautifulSoup | Tag, selector: str) -> Tag:
    found = soup.select_one(selector)
    assert found is not None, selector
    return found


def test_the_bundled_releases(site: SampleSite) -> None:
    releases = site.releases
    assert len(releases) >= 6
    assert all({"fi", "sv"} <= set(r.texts) for r in releases)
    assert sum("en" in r.texts for r in releases) >= 3
    for release in releases:
        for text in release.texts.values():
            assert 4 <= len(text.paragraphs) <= 8, release.key
            assert text.lead and text.contact and text.slug.isascii()
    assert any(r.image for r in releases) and any(r.attachment for r in releases)
    assert any(r.read_more and "utm_source=" in r.read_more for r in releases)


def test_finnish_article_page_follows_the_markup_contract(site: SampleSite) -> None:
    release = site.release("akkutehdas")
    slug, slug_sv = release.texts["fi"].slug, release.texts["sv"].slug
    soup = _soup(_get(site, f"tiedote/{slug}/"))
    base = site.url
    assert _one(soup, "html")["lang"] == "fi-FI"
    assert _one(soup, "title").get_text().endswith(" – Vaasan kaupunki")
    assert _one(soup, "link[rel=canonical]")["href"] == f"{base}tiedote/{slug}/"
    assert _one(soup, "link[rel=shortlink]")["href"] == f"{base}?p={release.post_id}"
    assert _one(soup, "link[hreflang=sv]")["href"] == f"{base}sv/tiedote/{slug_sv}/"
    assert _one(soup, "meta[property='og:locale']")["content"] == "fi_FI"
    assert str(_one(soup, "meta[property='og:image']")["content"]).startswith(base)
    published = _one(soup, "meta[property='article:published_time']")["content"]
    assert published == "2026-11-27T08:15:00+00:00"
    assert f"postid-{release.post_id}" in _one(soup, "body")["class"]
    assert _one(soup, "a.skip-link").get_text() == "Siirry sisältöön"
    assert _one(soup, "nav.main-navigation a[href='/ajankohtaista/']")
    assert _one(soup, ".lang-switcher a[lang=sv]").get_text() == "På svenska"
    article = _one(soup, f"main#content article.post-{release.post_id}.tiedote")
    assert _one(article, "h1.entry-title").get_text() == release.texts["fi"].title
    time = _one(article, "time.entry-date.published")
    assert time["datetime"] == "2026-11-27T10:15:00+02:00"
    assert time.get_text() == "27.11.2026 klo 10.15"
    assert _one(article, ".entry-meta").get_text().startswith("Julkaistu ")
    assert _one(article, "time.updated")
    content = _one(article, ".entry-content")
    assert _one(content, "p.ingress strong").get_text() == release.texts["fi"].lead
    assert str(_one(content, "figure.wp-block-image img")["src"]).startswith(base)
    assert _one(content, "figure figcaption").get_text()
    assert [h.get_text() for h in content.select("h2")] == ["Lisätietoja"]
    read_more = [p for p in content.select("p") if p.get_text().startswith("Lue lisää:")]
    assert "utm_source=" in str(_one(read_more[0], "a")["href"])
    assert _one(content, "a[href$='.pdf']").get_text() == "Liite (PDF)"
    assert _one(article, ".share-buttons a[href*=facebook]")
    assert _one(soup, "section.related-posts h2").get_text() == "Muut tiedotteet"
    assert "Vaasan kaupunki, PL 3, 65101 Vaasa" in _one(soup, "footer.site-footer").get_text()
    cookie = _one(soup, "#cookie-notice.cookie-notice-container[role=dialog]")
    assert _one(cookie, "h2").get_text() == "Yksityisyydensuoja"
    assert _SEED_COOKIE in cookie.get_text()
    assert _one(cookie, "a[href='/tietosuoja/']").get_text() == "Lue lisää"


@pytest.mark.parametrize(
    ("lang", "html_lang", "words"),
    [
        (
            "sv",
            "sv-FI",
            (
                "Publicerad 27.11.2026 kl. 10.15",
                "Mer information",
                "Läs mer:",
                "Integritetsskydd",
                "kakor",
                "Bilaga (PDF)",
            ),
        ),
        (
            "en",
            "en-GB",
            (
                "Published 27.11.2026 at 10.15",
                "Further information",
                "Read more:",
                "Privacy",
                "cookies",
                "Attachment (PDF)",
            ),
        ),
    ],
)
def test_swedish_and_english_pages(
    site: SampleSite, lang: str, html_lang: str, words: tuple[str, ...]
) -> None:
    release = site.release("akkutehdas")
    soup = _soup(_get(site, f"{lang}/tiedote/{release.texts[lang].slug}/"))
    assert _one(soup, "html")["lang"] == html_lang
    text = " ".join(soup.get_text(" ").split())
    for word in words:
        assert word in text, word
    assert len(soup.select("link[rel=alternate][hreflang]")) == 3


def test_listing_paginates_five_per_page(site: SampleSite) -> None:
    first = _soup(_get(site, "ajankohtaista/tiedotteet/"))
    items = first.select("article.news-item")
    assert len(items) == 5
    link = _one(items[0], "h2.news-title a")
    assert str(link["href"]).startswith(site.url + "tiedote/")
    assert re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", _one(items[0], "time").get_text())
    assert _one(items[0], "p.excerpt").get_text()
    next_link = _one(first, "a.next.page-numbers")
    assert next_link["href"] == site.url + "ajankohtaista/tiedotteet/page/2/"
    assert next_link.get_text() == "Seuraava"
    for path in ("ajankohtaista/tiedotteet/page/2/", "ajankohtaista/tiedotteet/?sivu=2"):
        second = _soup(_get(site, path))
        assert len(second.select("article.news-item")) == len(site.releases) - 5
        assert second.select_one("a.next") is None
    assert _get(site, "ajankohtaista/tiedotteet/page/9/").status_code == 404
    english = _soup(_get(site, "en/news/press-releases/"))
    assert len(english.select("article.news-item")) == 4
    assert len(_soup(_get(site, "sv/aktuellt/pressmeddelanden/")).select(".news-item")) == 5


def test_rss_feeds_per_language(site: SampleSite) -> None:
    for path, lang, count in (
        ("feed/", "fi-FI", 6),
        ("sv/feed/", "sv-FI", 6),
        ("en/feed/", "en-GB", 4),
    ):
        response = _get(site, path)
        assert response.headers["content-type"].startswith("application/rss+xml")
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo and parsed.feed.language == lang
        assert len(parsed.entries) == count
        assert parsed.entries[0].link.startswith(site.url)


def test_wordpress_rest_api(site: SampleSite) -> None:
    response = _get(site, "wp-json/wp/v2/tiedote?_embed=1&lang=sv")
    posts = json.loads(response.content)
    assert response.headers["x-wp-total"] == "6" and len(posts) == 6
    post = posts[0]
    assert post["lang"] == "sv" and post["link"].startswith(site.url + "sv/tiedote/")
    assert post["date_gmt"] == "2026-11-27T08:15:00"
    assert set(post["translations"]) == {"fi", "sv", "en"}
    assert post["_embedded"]["wp:featuredmedia"][0]["source_url"].startswith(site.url)
    assert _get(site, "wp-json/wp/v2/nothing").status_code == 404


def test_robots_and_media(site: SampleSite) -> None:
    assert "Disallow: /wp-admin/" in _get(site, "robots.txt").text
    png = _get(site, "wp-content/uploads/akkutehdas.png")
    assert png.headers["content-type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert _get(site, "wp-content/uploads/x.pdf").content.startswith(b"%PDF-")


@pytest.mark.parametrize("path", ["ajankohtaista/tiedotteet/", "sv/feed/", "wp-json/wp/v2/tiedote"])
def test_conditional_requests_get_304(site: SampleSite, path: str) -> None:
    first = _get(site, path)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert _get(site, path, **{"If-None-Match": etag}).status_code == 304
    assert _get(site, path, **{"If-Modified-Since": modified}).status_code == 304
    assert _get(site, path, **{"If-None-Match": '"other"'}).status_code == 200


def test_edit_bumps_modified_time_and_listing_etag(site: SampleSite) -> None:
    listing_etag = _get(site, "ajankohtaista/tiedotteet/").headers["etag"]
    release = site.release("kirjasto")
    before = release.modified
    site.edit_release("kirjasto", "fi", title="Pääkirjasto avaa omatoimikirjaston jo marraskuussa")
    assert site.release("kirjasto").modified > before
    listing = _get(site, "ajankohtaista/tiedotteet/")
    assert listing.headers["etag"] != listing_etag
    assert "jo marraskuussa" in listing.text
    page = _soup(_get(site, f"tiedote/{release.texts['fi'].slug}/"))
    modified = _one(page, "meta[property='article:modified_time']")["content"]
    assert modified != _one(page, "meta[property='article:published_time']")["content"]
    assert listing.headers["last-modified"] == format_datetime(
        max(r.modified for r in site.releases), usegmt=True
    )


def test_publish_demo_news_adds_one_and_edits_one(site: SampleSite) -> None:
    keys = {r.key for r in site.releases}
    site.publish_demo_news()
    assert {r.key for r in site.releases} - keys == {"joulutori"}
    assert site.releases[0].key == "joulutori"
    assert site.release("akkutehdas").modified > site.release("akkutehdas").published


def test_faults_delays_and_overrides(site: SampleSite) -> None:
    site.fail("feed/", status=503, times=2, headers={"Retry-After": "1"})
    statuses = [_get(site, "feed/").status_code for _ in range(3)]
    assert statuses == [503, 503, 200]
    site.override("en/feed/", b"not a feed", content_type="text/plain")
    assert _get(site, "en/feed/").content == b"not a feed"
    site.delay("sv/feed/", 0.2)
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(site.url + "sv/feed/", timeout=0.05)
    site.clear_faults()
    assert _get(site, "en/feed/").content.startswith(b"<?xml")
    assert any(seen.path == "/feed/" for seen in site.requests)


def test_demo_sources_are_valid_config(site: SampleSite) -> None:
    text = "[service]\nallow_fast_polling = true\n" + demo_sources(site.url)  # 10 s intervals
    config = parse_config(text, "demo.toml", {})
    names = [(s.name, s.language) for s in config.sources]
    assert names == [("demo-fi", "fi"), ("demo-sv", "sv"), ("demo-en", "en")]
    assert all(s.kind == "html" for s in config.sources)


@pytest.mark.parametrize("trash", [False, True])
def test_remove_and_restore_a_release(site: SampleSite, trash: bool) -> None:
    release = site.release("kirjasto")
    page, post = f"tiedote/{release.texts['fi'].slug}/", f"wp-json/wp/v2/tiedote/{release.post_id}"
    assert _get(site, page).status_code == 200
    assert json.loads(_get(site, post).content)["status"] == "publish"
    listing_etag = _get(site, "ajankohtaista/tiedotteet/").headers["etag"]

    site.remove_release("kirjasto", trash=trash)
    assert _get(site, page).status_code == 404
    listing = _get(site, "ajankohtaista/tiedotteet/")
    assert listing.headers["etag"] != listing_etag and release.texts["fi"].slug not in listing.text
    assert release.texts["fi"].slug not in _get(site, "feed/").text
    rest = json.loads(_get(site, "wp-json/wp/v2/tiedote?_embed=1&lang=fi").content)
    assert release.post_id not in [p["id"] for p in rest]
    answer = _get(site, post)
    if trash:
        assert answer.status_code == 200 and json.loads(answer.content)["status"] == "trash"
    else:
        assert answer.status_code == 404
        assert json.loads(answer.content)["code"] == "rest_post_invalid_id"

    site.restore_release("kirjasto")
    assert _get(site, page).status_code == 200
    assert release.texts["fi"].slug in _get(site, "ajankohtaista/tiedotteet/").text
    assert _get(site, "wp-json/wp/v2/tiedote/999999").status_code == 404
