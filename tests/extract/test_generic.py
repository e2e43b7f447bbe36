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


# cause 1: a post split into section boxes (no known content class) is read whole
def test_every_section_of_a_post_is_read_not_only_the_densest() -> None:
    sections = "".join(  # 6 and 5 paragraphs: the library's whole is under twice one section
        f'<div class="post__section"><div class="copy">{story(6 - n)}</div></div>' for n in range(2)
    )
    html = page(f'<div class="post"><h1>Harbour bridge</h1>{sections}</div>')
    text = extract_article(html, URL).text
    assert text.count("harbour bridge before the winter") == 6 + 5


# cause 1: a content class found again outside its first match is one fragment of several
def test_a_content_box_repeated_per_section_is_not_taken_alone() -> None:
    first = "".join(f"<p>{n}. {PROSE}</p>" for n in range(4))
    rest = "".join(f"<p>{n + 10}. {PROSE} Phase {n} follows.</p>" for n in range(12))
    html = page(
        f'<article><h1>Harbour bridge</h1><div class="article__body">{first}</div>'
        f'<figure><img src="/bridge.jpg" alt="The bridge"></figure>'
        f'<div class="article__body">{rest}</div></article>'
    )
    assert "Phase 11 follows." in extract_article(html, URL).text


# cause 4: what sits at the article's ends and the library leaves out is not the article
def test_the_ends_of_the_body_are_trimmed_to_what_the_library_also_has() -> None:
    body = "".join(f"<p>{n}. {PROSE}</p>" for n in range(8))
    ends = (  # an attachment is ours to keep: the trim stops there
        '<p>Read the plans: <a href="/plans.pdf">plans.pdf</a></p><figure><img src="/bridge.jpg"'
        ' alt="Bridge"><figcaption>The old harbour bridge in 1950.</figcaption></figure>'
        '<div class="author-box"><p>Jane Doe writes about the harbour.</p></div>'
    )
    article = extract_article(page(f"<main><h1>Harbour bridge</h1>{body}{ends}</main>"), URL)
    assert "7. The council agreed" in article.text
    assert "harbour bridge in 1950" not in article.text and "Jane Doe" not in article.text
    assert [a.url for a in article.attachments] == ["https://news.example.org/plans.pdf"]


def test_paragraphs_straight_in_body_with_no_headline_are_an_article() -> None:
    html = "<html><body>" + "".join(f"<p>{n}. {PROSE}</p>" for n in range(3)) + "</body></html>"
    article = extract_article(html, URL)
    assert article.text.count("harbour bridge") == 3
    assert article.title.startswith("0. The council agreed on Tuesday") and len(article.title) < 110
    assert article.title.endswith(" …") and article.title[:-2] in article.text  # cut at a word


def test_aria_hidden_text_is_not_read_but_an_aria_hidden_image_link_is_kept() -> None:
    html = page(
        f'<article>{story()}<p><span aria-hidden="true">Icon label</span> Visible words.</p>'
        '<a href="/big.jpg" aria-hidden="true"><img src="/big.jpg" alt="Bridge"></a></article>'
    )
    article = extract_article(html, URL)
    assert "Visible words." in article.text and "Icon label" not in article.text
    assert [image.url for image in article.images] == ["https://news.example.org/big.jpg"]
