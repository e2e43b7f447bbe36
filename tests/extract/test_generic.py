"""The generic path (no site profile) on small pages of our own, one per cause of issue 9."""

from __future__ import annotations

import pytest

from syndicator.errors import ExtractError
from syndicator.extract import extract_article

URL = "https://news.example.org/2026/12/story/"
PROSE = (
    "The council agreed on Tuesday to rebuild the harbour bridge before the winter storms. "
    "Work starts in March and the old bridge stays open to pedestrians until then. "
)


def page(body: str, head: str = "", body_attrs: str = "") -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Story</title>{head}'
        f"</head><body {body_attrs}>{body}</body></html>"
    )


def teasers(count: int) -> str:
    items = "".join(
        f'<li><a href="/2026/11/other-{n}/"><strong>Other story {n}</strong></a></li>'
        for n in range(count)
    )
    return f"<h2>Latest</h2><ul>{items}</ul>"


def story(paragraphs: int = 4) -> str:
    # distinct paragraphs: trafilatura drops repeated ones
    return "<h1>Harbour bridge</h1>" + "".join(f"<p>{n}. {PROSE}</p>" for n in range(paragraphs))


# cause 3: listing detection looks at the main content and the article structure
def test_sidebar_teasers_do_not_make_an_article_a_listing() -> None:
    html = page(
        f'<div class="story">{story()}</div><div class="rail">{teasers(6)}</div>',
        head='<meta property="og:type" content="website">',
    )
    assert "harbour bridge before the winter" in extract_article(html, URL).text


def test_home_class_on_an_article_page_is_not_a_listing() -> None:
    html = page(f"<article>{story()}</article>", body_attrs='class="home article"')
    assert "harbour bridge before the winter" in extract_article(html, URL).text


def test_json_ld_article_is_never_a_listing() -> None:
    head = (
        '<meta property="og:type" content="website"><script type="application/ld+json">'
        '{"@type": "NewsArticle", "headline": "Harbour bridge"}</script>'
    )
    html = page(f"<div>{story(1)}{teasers(6)}</div>", head=head)
    assert "harbour bridge before the winter" in extract_article(html, URL).text


def test_a_page_of_teasers_is_still_a_listing() -> None:
    html = page(
        f"<h1>News</h1><p>All our news.</p>{teasers(8)}",
        head='<meta property="og:type" content="website">',
    )
    with pytest.raises(ExtractError):
        extract_article(html, URL)


# cause 1: the body is chosen by comparing candidates, not "first match wins"
def test_a_teaser_card_before_the_real_article_is_not_the_body() -> None:
    card = '<article class="card"><p>Short teaser for another story, read on.</p></article>'
    html = page(f"{card}<div class='main'>{story(6)}</div>")
    text = extract_article(html, URL).text
    assert text.count("harbour bridge before the winter") == 6


def test_an_entry_content_holding_one_word_is_not_the_body() -> None:
    html = page(f'<div class="entry-content">CONTENT</div><div id="story">{story(6)}</div>')
    assert "harbour bridge before the winter" in extract_article(html, URL).text


# cause 2: a wrapper that holds the page is not boilerplate
def test_an_aspnet_form_around_the_whole_page_is_kept() -> None:
    html = page(f'<form id="aspnetForm" method="post"><article>{story()}</article></form>')
    result = extract_article(html, URL)
    assert "harbour bridge before the winter" in result.text
    assert not result.generic  # our own selectors found it: trafilatura was not the rescue


# cause 5: an id made from a heading is not a widget name
def test_a_section_whose_id_starts_with_sharing_is_content() -> None:
    section = '<section id="sharing-the-value-chain"><h2>Sharing</h2><p>{}</p></section>'
    extra = section.format("Suppliers and the city share the cost of the new quay walls.")
    html = page(f"<article>{story()}{extra}</article>")
    assert "share the cost of the new quay walls" in extract_article(html, URL).text


# cause 4: credits, gallery chrome, promo boxes and "most read" lists are boilerplate
@pytest.mark.parametrize(
    ("extra", "leak"),
    [
        ('<p class="photo-credit">Foto: Getty Images</p>', "Getty"),
        ("<figure><img src='/a.jpg' alt=''><figcaption>© dpa</figcaption></figure>", "dpa"),
        ('<div class="gallery"><span>Image 1 of 8</span><span>Close</span></div>', "Image 1"),
        ('<div class="donate-box"><p>Support our journalism today.</p></div>', "Support"),
        ('<div class="most-read"><h3>Most read</h3><p>Storm closes roads</p></div>', "Most"),
    ],
)
def test_article_chrome_is_not_body_text(extra: str, leak: str) -> None:
    html = page(f"<article>{story()}{extra}</article>")
    text = extract_article(html, URL).text
    assert "harbour bridge before the winter" in text
    assert leak not in text


# cause 5: a list of bold links inside the running text is content, not teasers
def test_an_in_body_list_of_bold_links_is_kept() -> None:
    items = "".join(
        f'<li><a href="/docs/{n}/"><strong>Plan {n}</strong></a> sets the budget for phase {n}.'
        "</li>"
        for n in range(3)
    )
    html = page(f"<article>{story(2)}<ul>{items}</ul><p>{PROSE}</p></article>")
    assert "sets the budget for phase 2" in extract_article(html, URL).text


# cause 3: no <title> is no reason to reject a page that has a body
def test_no_title_tag_falls_back_to_a_heading() -> None:
    body = f"<div><h2>Harbour bridge</h2><p>{PROSE}</p><p>1. {PROSE}</p></div>"
    html = f"<html><body>{body}</body></html>"
    assert extract_article(html, URL).title == "Harbour bridge"


def test_no_title_tag_falls_back_to_og_title() -> None:
    head = '<meta property="og:title" content="Harbour bridge">'
    html = f"<html><head>{head}</head><body><p>{PROSE}</p><p>1. {PROSE}</p></body></html>"
    assert extract_article(html, URL).title == "Harbour bridge"


def test_a_more_stories_heading_goes_with_its_links() -> None:
    links = '<p><a href="/a/">Brexit raises fees</a> <a href="/b/">New migration law</a></p>'
    html = page(f"<article>{story()}<p><strong>Lue myös:</strong></p>{links}</article>")
    text = extract_article(html, URL).text
    assert "harbour bridge before the winter" in text
    assert "Brexit" not in text
    assert "Lue myös" not in text


# cause 4: inline boxes side by side are separate words
def test_adjacent_inline_boxes_are_not_glued() -> None:
    extra = "<p><span>Kuvia</span><span>3</span><span>Sulje</span></p>"
    text = extract_article(page(f"<article>{story()}{extra}</article>"), URL).text
    assert "Kuvia 3 Sulje" in text


# cause 4: link-led blocks that trafilatura leaves out of a long article are not ours either
def test_link_lists_the_library_disagrees_with_are_dropped() -> None:
    links = "".join(f'<li><a href="/news/{n}/">Other story number {n}</a></li>' for n in range(4))
    paragraphs = "".join(f"<p>{n}. {PROSE}</p>" for n in range(12))
    html = page(f"<main><div><h1>Harbour bridge</h1>{paragraphs}</div><ul>{links}</ul></main>")
    text = extract_article(html, URL).text
    assert "11. The council agreed" in text
    assert "Other story" not in text
