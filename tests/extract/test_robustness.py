"""Whatever the page, extract_article returns an Article or raises ExtractError — nothing else."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syndicator.configbase import ArticleProfile
from syndicator.errors import ExtractError
from syndicator.extract import extract_article
from syndicator.model import Article
from tests.extract.corpus import load_corpus

DATA = Path(__file__).resolve().parents[1] / "data" / "extraction"
PAGES = [page.html for page in load_corpus()]  # decoded as the fetcher would (cp1252 too)
URL = "https://www.vaasa.fi/tiedote/x/"
SETTINGS = settings(
    max_examples=int(os.environ.get("EXTRACT_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

TAGS = st.sampled_from(
    ["p", "div", "a", "article", "main", "h1", "time", "script", "nav", "br", "img", "li",
     "section", "header", "footer", "figure", "strong", "table", "td", "html", "body", "meta"]
)  # fmt: skip
ATTRS = st.sampled_from(
    ['', ' class="entry-content"', ' class="cookie-notice"', ' href="javascript:x"',
     ' href="/a/"', ' href="http://[::1"', ' datetime="2026-13-45T99:99"', ' lang="??"',
     ' src="data:x"', ' srcset=",,, 1w"', ' class="entry-title"', ' hreflang="sv"',
     ' property="article:published_time" content="29.2.2027"', ' rel="canonical" href="::"']
)  # fmt: skip
WORDS = st.sampled_from(
    ["Lue lisää:", "https://x.fi/a", "Lisätietoja", "Julkaistu 31.2.2026", "evästeitä",
     "040 123 4567", "a@b.fi", "&amp;", "&#0;", "\x00", "<", ">", "]]>", "<!--", "Otsikko",
     "Tekstiä on tässä paljon ja se jatkuu pitkään."]
)  # fmt: skip


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda tag, attrs, inner: f"<{tag}{attrs}>{''.join(inner)}</{tag}>",
        TAGS,
        ATTRS,
        st.lists(children, max_size=4),
    )


MARKUP = st.recursive(st.one_of(WORDS, st.text(max_size=20)), _element, max_leaves=30)


def _check(html: str, profile: ArticleProfile | None = None) -> None:
    try:
        result = extract_article(html, URL, profile, language="fi")
    except ExtractError as error:
        assert error.code.startswith("extract.")
        return
    assert isinstance(result, Article)
    assert result.title and result.text
    assert "<script" not in result.body_html.lower()
    assert result.published is not None


@SETTINGS
@given(st.text(max_size=500))
def test_any_text(text: str) -> None:
    _check(text)


@SETTINGS
@given(MARKUP)
def test_random_markup(html: str) -> None:
    _check(html)


@SETTINGS
@given(
    st.sampled_from(PAGES),
    st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), st.sampled_from(["cut", "dup", "junk"]),
                       MARKUP), min_size=1, max_size=4),
)  # fmt: skip
def test_mutated_fixtures(page: str, mutations: list[tuple[float, float, str, str]]) -> None:
    for start_at, end_at, kind, junk in mutations:
        start, end = sorted((int(start_at * len(page)), int(end_at * len(page))))
        if kind == "cut":
            page = page[:start] + page[end:]
        elif kind == "dup":
            page = page[:end] + page[start:end] + page[end:]
        else:
            page = page[:start] + junk + page[start:]
    _check(page)


@SETTINGS
@given(st.text(max_size=40), st.text(max_size=40))
def test_odd_profile_selectors(title: str, body: str) -> None:
    _check(PAGES[0], ArticleProfile(title=title, body=body, remove=(body,)))


def test_deep_nesting() -> None:
    _check("<div>" * 5000 + "<h1>Otsikko</h1><p>Teksti.</p>" + "</div>" * 5000)


def test_a_page_deeper_than_the_parser_follows_is_too_complex_not_an_empty_article() -> None:
    """lxml cuts the tree at 256 levels: what lies deeper would be lost without a word."""
    deep = "<div>" * 300 + "<p>Syvä teksti.</p>" + "</div>" * 300
    html = f'<html><body><h1 class="entry-title">Otsikko</h1><div class="entry-content">{deep}'
    with pytest.raises(ExtractError) as caught:
        extract_article(html + "</div></body></html>", URL, language="fi")
    assert caught.value.code == "extract.too_complex"
    shallow = html.replace("<div>" * 300, "<div>" * 200).replace("</div>" * 300, "</div>" * 200)
    assert extract_article(shallow + "</div></body></html>", URL, language="fi").text


def test_a_body_holding_only_a_nul_reference_is_no_article() -> None:
    """Found by ``test_mutated_fixtures``: "&#0;" (U+FFFD) and a comment eating the rest."""
    html = (
        '<html><head><title>Otsikko</title></head><body><h1 class="entry-title">Otsikko</h1>'
        '<div class="entry-content">&#0<!--<p>Teksti.</p></div></body></html>'
    )
    try:
        extract_article(html, URL, language="fi")
    except ExtractError as error:
        assert error.code == "extract.no_article"
    else:
        raise AssertionError("an article without readable text")
