"""Which element of the page is the release's body, and what of it is not.

The site profile's selector first, then the usual content boxes (``landmarks``) with text,
then the densest block of paragraphs. A body taken as a whole ``<article>`` or ``<main>``
loses its headline, byline and dateline; any body loses the headline's box and the
"Julkaistu …" lines at its top.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

import lxml.html

from syndicator.configbase import ArticleProfile
from syndicator.extract.dates import parse_date
from syndicator.extract.fallback import densest_block, generic_body
from syndicator.extract.landmarks import Rule
from syndicator.extract.tree import Element, drop, find, gone, select_all, select_one, text_of

__all__ = ["Body", "find_body"]

_WRAPPER_RULES = frozenset({"main", "[role=main]"})  # the page, not the article
# Inside a body taken as a whole <article>/<main>: the title and byline are not the text.
_BODY_CHROME = "h1, header, .entry-header, .entry-meta, .post-meta, .byline, .posted-on, time"
_BYLINE = re.compile(
    r"julkaistu|päivitetty|publicerad|uppdaterad|published|updated|posted", re.IGNORECASE
)
_MAX_BYLINE = 120
_TITLE_BLOCK_DEPTH = 8  # page builders wrap a headline in five or six boxes
_BYLINE_CANDIDATES = 30  # bylines sit at the top; do not scan a long body


@dataclass(frozen=True, slots=True)
class Body:
    element: Element
    generic: bool  # found by trafilatura, not by a selector
    named: bool = False  # a content box by name (.entry-content, itemprop=articleBody)


def find_body(
    soup: Element, profile: ArticleProfile, page_url: str, usual: list[tuple[Rule, Element, bool]]
) -> Body | None:
    """The profile's body, else the first usual content box (``usual``) with text, else the
    densest block of paragraphs."""
    found = select_one(soup, profile.body)
    candidates = [(profile.body or "", found, False)] if found is not None else []
    candidates += [(rule.css, tag, again) for rule, tag, again in usual]
    for selector, found, again in candidates:
        if gone(found):  # inside a candidate stripped before
            continue
        _strip_title_block(found)
        if found.tag in ("article", "main") or selector == "[role=main]":
            _strip_chrome(found)
        _strip_bylines(found)
        if text_of(found, strip=True):
            # a profile whose body selector no longer matches is a miss, even when a
            # generic selector still finds something
            missed = bool(profile.body) and selector != profile.body
            # one fragment of several is no sure body: trafilatura is asked for the rest
            return Body(found, missed, named=selector not in _WRAPPER_RULES and not again)
    dense = densest_block(soup)
    if dense is not None:
        _strip_title_block(dense)
        _strip_bylines(dense)
        return Body(dense, generic=True)
    if not profile.body:
        return None  # :func:`_compare` asks trafilatura
    generic = generic_body(lxml.html.tostring(soup, encoding="unicode"), page_url)
    return Body(generic, generic=True) if generic is not None else None


def _strip_chrome(body: Element) -> None:
    """Title, byline and dateline of a body taken as a whole ``<article>``."""
    for chrome in select_all(body, _BODY_CHROME):
        if not gone(chrome):
            drop(chrome)


def _strip_title_block(body: Element) -> None:
    """The headline and what sits beside it (category, date): the largest small box of it."""
    h1 = find(body, "h1")
    if h1 is None:
        return
    limit = len(text_of(h1, " ", strip=True)) + _MAX_BYLINE
    block = h1
    for depth, parent in enumerate(h1.iterancestors()):
        if parent is body or depth >= _TITLE_BLOCK_DEPTH:
            break
        if len(text_of(parent, " ", strip=True)) > limit:
            break
        block = parent
    drop(block)


def _strip_bylines(body: Element) -> None:
    """ "Julkaistu 8.9.2026 klo 13.45" lines near the top of the body."""
    candidates = islice(body.iterdescendants("div", "p", "span", "li"), _BYLINE_CANDIDATES)
    for element in list(candidates):
        if gone(element):
            continue
        text = text_of(element, " ", strip=True)
        if len(text) <= _MAX_BYLINE and _BYLINE.search(text) and parse_date(text) is not None:
            drop(element)
