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

from syndicator.extract.readmore import LABEL
from syndicator.extract.tree import Element, drop, gone, parse_fragment, text_of

__all__ = ["densest_block", "fuller_body", "generic_body"]

_log = logging.getLogger(__name__)
_MIN_PARAGRAPH = 40  # characters; shorter <p> are captions, datelines, menus
_MIN_BLOCK = 2  # paragraphs; one is a notice, not an article
_SECTION_LEVELS = 5  # how far up the article's other sections may be
_SECTION_GAIN = 1.3  # a level up holding this much more paragraph text holds more article
_FAR_MORE = 2.0  # trafilatura's text this many times ours: ours was a fragment
_MIN_GAIN = 250  # characters; less is a banner or a caption, not the missing article
_SUBSTANTIAL = 1000  # characters of trafilatura's text that make it an article on its own
_AGREED_BLOCKS = ["li", "h2", "h3", "h4", "h5", "h6", "p"]
_PRODUCT_LINK = re.compile(r"^(?:mailto|tel):|\.(?:pdf|docx?|xlsx?|pptx?|odt|zip)(?:$|[?#])", re.I)
_MAX_UNAGREED = 200  # characters; a longer block is prose, kept
_EDGE_BLOCKS = ("p", "li", "h2", "h3", "h4", "h5", "h6", "figcaption", "blockquote", "div", "dd")
_PREFIX = 40  # characters: a block whose start trafilatura has is a block it has
_FAR_LESS = 3.0  # ours this many times trafilatura's: ours held the page, not the article


def densest_block(root: Element) -> Element | None:
    """The element holding the most paragraph text directly: a layout's content cell.

    Cheap and predictable, tried before trafilatura on pages without a known body markup.
    """
    totals: dict[Element, tuple[int, int]] = {}
    for paragraph in root.iter("p"):
        parent = paragraph.getparent()
        length = len(text_of(paragraph, " ", strip=True))
        if parent is None or length < _MIN_PARAGRAPH:
            continue
        chars, count = totals.get(parent, (0, 0))
        totals[parent] = (chars + length, count + 1)
    ranked = sorted(totals.items(), key=lambda entry: entry[1][0], reverse=True)
    if not ranked or ranked[0][1][1] < _MIN_BLOCK or ranked[0][0].tag == "html":
        return None
    return _with_sections(ranked[0][0], {parent: chars for parent, (chars, _) in totals.items()})


def _with_sections(best: Element, totals: dict[Element, int]) -> Element:
    """The ancestor of ``best`` that also holds the article's other sections: climb while a
    level up holds far more paragraph text (a post split into ``section`` boxes)."""
    chains = {parent: set(parent.iterancestors()) for parent in totals}
    block, held = best, totals[best]
    for depth, ancestor in enumerate(best.iterancestors()):
        if ancestor.tag in ("body", "html") or depth >= _SECTION_LEVELS:
            break
        within = sum(c for p, c in totals.items() if p is ancestor or ancestor in chains[p])
        if within >= _SECTION_GAIN * held:
            block, held = ancestor, within
    return block


def fuller_body(
    ours: int, html: str, url: str, title: str, body: Element | None = None
) -> Element | None:
    """trafilatura's body of the original page when it disagrees strongly with the ``ours``
    characters our candidate has (0: none), else None. Far more text: ours was a teaser
    card, an empty ``.entry-content`` or one fragment of several; far less: ours was a
    wrapper of the whole page. The headline is not body text."""
    library = generic_body(html, url)
    if library is None:
        return None
    for element in list(library.iterdescendants()):
        if _same(element.text, title) and not gone(element):
            drop(element)  # trafilatura keeps the h1 as a <p>
    theirs = len(text_of(library, " ", strip=True))
    if theirs and (not ours or (theirs > _FAR_MORE * ours and theirs - ours > _MIN_GAIN)):
        return library
    if theirs > _SUBSTANTIAL and ours > _FAR_LESS * theirs:
        return library  # ours was a whole-page wrapper: sidebars and footers came with it
    if body is not None and theirs > _SUBSTANTIAL:
        agreed = " ".join(text_of(library, " ").split())
        _keep_agreed(body, agreed)
        _trim_edges(body, agreed)
    return None


def _trim_edges(body: Element, theirs: str) -> None:
    """Drop the blocks before the first and after the last one trafilatura also has: the
    bylines, captions, author boxes, tag lists and "related" headings at an article's ends.
    What lies between is ours (sections trafilatura missed), and so are attachments,
    contacts and read-more links; at most a third of the text goes."""
    leaves = [block for block in body.iterdescendants(*_EDGE_BLOCKS) if _leaf(block)]
    budget = len(text_of(body, " ", strip=True)) // 3
    for order in (leaves, leaves[::-1]):
        for block in order:
            if gone(block):
                continue
            text = " ".join(text_of(block, " ").split())
            if not text:
                continue
            if _agrees(text, theirs) or _ours(block, text) or len(text) > budget:
                break
            budget -= len(text)
            drop(block)


def _leaf(block: Element) -> bool:
    return next(block.iterdescendants(*_EDGE_BLOCKS), None) is None


def _agrees(text: str, theirs: str) -> bool:
    return text in theirs or (len(text) > _PREFIX and text[:_PREFIX] in theirs)


def _ours(block: Element, text: str) -> bool:
    """Attachments, contacts and read-more links: our product, whatever trafilatura says."""
    if LABEL.search(text) or "@" in text:
        return True
    return any(_PRODUCT_LINK.search(str(a.get("href") or "")) for a in block.iter("a"))


def _keep_agreed(body: Element, theirs: str) -> None:
    """Drop the short link-led blocks of ours that trafilatura left out: related links,
    "most read" items, widget labels. Prose is kept whatever trafilatura says."""
    for block in list(body.iterdescendants(*_AGREED_BLOCKS)):
        if gone(block) or next(block.iterdescendants(*_AGREED_BLOCKS), None) is not None:
            continue
        text = " ".join(text_of(block, " ").split())
        if not text or len(text) > _MAX_UNAGREED or text in theirs:
            continue
        links = list(block.iter("a"))
        if any(_PRODUCT_LINK.search(str(a.get("href") or "")) for a in links):
            continue  # attachments and contacts are ours to keep
        linked = sum(len(text_of(a, strip=True)) for a in links)
        if linked * 2 >= len(text.replace(" ", "")) and not LABEL.search(text):
            drop(block)


def _same(text: str | None, title: str) -> bool:
    return bool(text and title) and " ".join(str(text).split()) == title


def generic_body(cleaned_html: str, url: str) -> Element | None:
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
    return body if text_of(body, strip=True) else None
