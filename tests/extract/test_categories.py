"""Categories and tags from a page (Open Graph, rel=tag, WordPress classes) and from the
WordPress REST API's embedded terms; the store codec keeps them, old rows read as none."""

from __future__ import annotations

import json

from syndicator.extract import extract_article
from syndicator.sources import wordpress
from syndicator.store.codec import article_from_json, article_to_json
from tests.deliver.conftest import sample_article

_TEXT = "<p>" + "Kaupunki avaa uuden uimahallin maaliskuussa. " * 5 + "</p>"


def _page(head: str = "", article_class: str = "", footer: str = "") -> str:
    return (
        f'<html lang="fi"><head><meta property="og:site_name" content=" Vaasan  kaupunki ">'
        f"{head}</head><body>"
        f'<article class="{article_class}"><h1>Uimahalli avataan</h1>'
        f'<time datetime="2026-03-01T10:00:00+02:00">1.3.2026</time>{_TEXT}'
        f"{footer}</article></body></html>"
    )


def test_a_wordpress_page_names_its_categories_and_tags() -> None:
    html = _page(
        article_class="post-12 post type-post hentry category-kulttuuri-ja-vapaa-aika "
        "category-12 tag-uimahalli",
        footer='<footer class="entry-footer">'
        '<a href="/category/kulttuuri/" rel="category tag">Kulttuuri ja vapaa-aika</a>'
        '<a href="/tag/liikunta/" rel="tag">Liikunta</a></footer>',
    )
    article = extract_article(html, "https://www.vaasa.fi/uutiset/uimahalli/")
    # names first; a slug of a name already found is the same category; bare ids are not
    assert article.categories == ("Kulttuuri ja vapaa-aika", "Liikunta", "uimahalli")
    assert article.site_name == "Vaasan kaupunki"


def test_open_graph_section_and_tags() -> None:
    head = (
        '<meta property="article:section" content="Tiedotteet">'
        '<meta property="article:tag" content="Liikenne">'
        '<meta property="article:tag" content="liikenne">'
    )
    article = extract_article(_page(head=head), "https://www.vaasa.fi/uutiset/uimahalli/")
    assert article.categories == ("Tiedotteet", "Liikenne")


def test_a_page_without_categories_has_none() -> None:
    article = extract_article(_page(), "https://www.vaasa.fi/uutiset/uimahalli/")
    assert article.categories == ()


def test_wordpress_rest_terms_become_categories() -> None:
    post = {
        "id": 12,
        "link": "https://www.vaasa.fi/uutiset/uimahalli/",
        "title": {"rendered": "Uimahalli avataan"},
        "content": {"rendered": _TEXT},
        "date_gmt": "2026-03-01T08:00:00",
        "categories": [5],
        "tags": [9],
        "_embedded": {
            "wp:term": [
                [{"id": 5, "name": "Kulttuuri &amp; vapaa-aika", "taxonomy": "category"}],
                [{"id": 9, "name": "Uimahalli", "taxonomy": "post_tag"}],
                [{"id": 3, "name": "Hidden", "taxonomy": "language"}],  # Polylang's own
                "not a list",
                [{"id": 4, "taxonomy": "category"}, None],
            ]
        },
    }
    source = wordpress.Config(kind="wordpress", name="vaasa-wp", url="https://www.vaasa.fi/")
    body = json.dumps([post]).encode()
    (candidate,) = wordpress.read_posts(body, "https://www.vaasa.fi/wp-json/", source.url, source)
    assert candidate.html is not None
    article = extract_article(candidate.html, candidate.url)
    assert article.categories == ("Kulttuuri & vapaa-aika", "Uimahalli")


def test_the_codec_round_trips_the_new_fields_and_reads_old_rows() -> None:
    article = sample_article(
        categories=("Kulttuuri", "Liikunta"), site_name="Vaasa", organisation="Vaasan kaupunki"
    )
    assert article_from_json(json.loads(json.dumps(article_to_json(article)))) == article
    old = article_to_json(sample_article())
    for key in ("categories", "site_name", "organisation"):
        del old[key]
    restored = article_from_json(old)
    assert (restored.categories, restored.site_name, restored.organisation) == ((), "", "")


def test_feed_entry_categories_become_categories() -> None:
    from syndicator.sources import feed

    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        "<link>https://www.vaasa.fi/</link><item><title>Uimahalli avataan</title>"
        "<link>https://www.vaasa.fi/uutiset/uimahalli/</link>"
        "<category>Liikunta</category><category> </category>"
        f"<category>Kulttuuri &amp; vapaa-aika</category><description>{_TEXT}</description>"
        "</item></channel></rss>"
    ).encode()
    source = feed.Config(
        kind="feed", name="vaasa-rss", url="https://www.vaasa.fi/feed/", fetch_article=False
    )
    (candidate,) = feed.read_feed(rss, source.url, source).candidates
    assert candidate.html is not None
    article = extract_article(candidate.html, candidate.url)
    assert article.categories == ("Liikunta", "Kulttuuri & vapaa-aika")
