"""Generic extraction, for pages whose markup we have no selector for.

First the densest block of paragraphs (a table cell, an unnamed ``div``): cheap, and it keeps
the block's lists and links. Then trafilatura, given the page *after* our boilerplate
removal, so a cookie banner trafilatura does not recognise is already gone; its output goes
through the same post-processing.
"""

from __future__ import annotations

import logging
import re

import trafilatura
from bs4 import Tag

from syndicator.extract.page import parse_fragment
from syndicator.extract.readmore import LABEL

__all__ = ["densest_block", "fuller_body", "generic_body"]

_log = logging.getLogger(__name__)
_MIN_PARAGRAPH = 40  # characters; shorter <p> are captions, datelines, menus
_MIN_BLOCK = 2  # paragraphs; one is a notice, not an article
_FAR_MORE = 2.0  # trafilatura's text this many times ours: ours was a fragment
_MIN_GAIN = 250  # characters; less is a banner or a caption, not the missing article
_SUBSTANTIAL = 1000  # characters of trafilatura's text that make it an article on its own
_AGREED_BLOCKS = ["li", "h2", "h3", "h4", "h5", "h6", "p"]
_PRODUCT_LINK = re.compile(r"^(?:mailto|tel):|\.(?:pdf|docx?|xlsx?|pptx?|odt|zip)(?:$|[?#])", re.I)
_MAX_UNAGREED = 200  # characters; a longer block is prose, kept
_FAR_LESS = 3.0  # ours this many times trafilatura's: ours held the page, not the article


def densest_block(root: Tag) -> Tag | None:
    """The element holding the most paragraph text directly: a layout's content cell.

    Cheap and predictable, tried before trafilatura on pages without a known body markup.
    """
    totals: dict[int, tuple[Tag, int, int]] = {}
    for paragraph in root.find_all("p"):
        parent = paragraph.parent
        length = len(paragraph.get_text(" ", strip=True))
        if not isinstance(parent, Tag) or length < _MIN_PARAGRAPH:
            continue
        _, chars, count = totals.get(id(parent), (parent, 0, 0))
        totals[id(parent)] = (parent, chars + length, count + 1)
    ranked = sorted(totals.values(), key=lambda entry: entry[1], reverse=True)
    if not ranked or ranked[0][2] < _MIN_BLOCK or ranked[0][0].name in ("body", "html"):
        return None
    return ranked[0][0]


def fuller_body(ours: int, html: str, url: str, title: str, body: Tag | None = None) -> Tag | None:
    """trafilatura's body of the original page when it disagrees strongly with the ``ours``
    characters our candidate has (0: none), else None. Far more text: ours was a teaser
    card, an empty ``.entry-content`` or one fragment of several; far less: ours was a
    wrapper of the whole page. The headline is not body text."""
    library = generic_body(html, url)
    if library is None:
        return None
    for string in library.find_all(string=lambda text: _same(text, title)):
        if isinstance(string.parent, Tag) and string.parent.name != "body":
            string.parent.extract()  # trafilatura keeps the h1 as a <p>
    theirs = len(library.get_text(" ", strip=True))
    if theirs and (not ours or (theirs > _FAR_MORE * ours and theirs - ours > _MIN_GAIN)):
        return library
    if theirs > _SUBSTANTIAL and ours > _FAR_LESS * theirs:
        return library  # ours was a whole-page wrapper: sidebars and footers came with it
    if body is not None and theirs > _SUBSTANTIAL:
        _keep_agreed(body, " ".join(library.get_text(" ").split()))
    return None


def _keep_agreed(body: Tag, theirs: str) -> None:
    """Drop the short link-led blocks of ours that trafilatura left out: related links,
    "most read" items, widget labels. Prose is kept whatever trafilatura says."""
    for block in body.find_all(_AGREED_BLOCKS):
        if block.__dict__.get("_decomposed", False) is True or block.find(_AGREED_BLOCKS):
            continue
        text = " ".join(block.get_text(" ").split())
        if not text or len(text) > _MAX_UNAGREED or text in theirs:
            continue
        links = block.find_all("a")
        if any(_PRODUCT_LINK.search(str(a.get("href") or "")) for a in links):
            continue  # attachments and contacts are ours to keep
        linked = sum(len(a.get_text(strip=True)) for a in links)
        if linked * 2 >= len(text.replace(" ", "")) and not LABEL.search(text):
            block.decompose()


def _same(text: str | None, title: str) -> bool:
    return bool(text and title) and " ".join(str(text).split()) == title


def generic_body(cleaned_html: str, url: str) -> Tag | None:
    """The main text of ``cleaned_html`` as a ``<body>`` element, or None."""
    try:
        result = trafilatura.extract(
            cleaned_html,
            url=url,
            output_format="html",
            include_links=True,
            include_images=True,
            include_tables=True,
            include_comments=False,
            favor_recall=True,
        )
    except (ValueError, TypeError, AttributeError, LookupError) as exc:
        # trafilatura trips over some malformed trees; treat them as "nothing found"
        _log.debug("trafilatura failed on %s: %s", url, exc)
        return None
    if not isinstance(result, str) or not result.strip():
        return None
    body = parse_fragment(result)
    return body if body.get_text(strip=True) else None
