"""Generic extraction, for pages whose markup we have no selector for.

First the densest block of paragraphs (a table cell, an unnamed ``div``): cheap, and it keeps
the block's lists and links. Then trafilatura, given the page *after* our boilerplate
removal, so a cookie banner trafilatura does not recognise is already gone; its output goes
through the same post-processing.
"""

from __future__ import annotations

import logging

import trafilatura
from bs4 import Tag

from syndicator.extract.page import parse_fragment

__all__ = ["densest_block", "generic_body"]

_log = logging.getLogger(__name__)
_MIN_PARAGRAPH = 40  # characters; shorter <p> are captions, datelines, menus
_MIN_BLOCK = 2  # paragraphs; one is a notice, not an article


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
