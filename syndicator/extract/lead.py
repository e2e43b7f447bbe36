"""The lead (ingress): the sentence or two a feed shows before "read more"."""

from __future__ import annotations

import lxml.etree as etree

from syndicator.configbase import ArticleProfile
from syndicator.extract import tree
from syndicator.extract.blocks import Line
from syndicator.extract.contacts import CONTACT_HEADING
from syndicator.extract.dates import parse_date
from syndicator.extract.readmore import LABEL
from syndicator.extract.tree import Element

__all__ = ["find_lead"]

# Ingress markup, most telling first: the class names of the lead box.
_LEAD_CLASSES = (
    "ingress", "lead", "intro", "entry-summary", "excerpt", "wp-block-post-excerpt",
    "article-lead", "article__lead", "preamble",
)  # fmt: skip
_LEAD_RANK = {name: rank for rank, name in enumerate(_LEAD_CLASSES)}
_ITEMPROP_RANK = len(_LEAD_CLASSES)  # [itemprop=description], the weakest
_NOT_LEAD = _ITEMPROP_RANK + 1
_MARKED_BELOW = etree.XPath("descendant::*[@class or @itemprop]")
_MARKED_IN = etree.XPath("descendant-or-self::*[@class or @itemprop]")
_MIN_LEAD = 25  # shorter first paragraphs are datelines or captions, not a lead


def find_lead(
    root: Element, body: Element, lines: list[Line], profile: ArticleProfile, description: str
) -> str:
    """Profile selector, then ingress markup, then the first real paragraph, then meta."""
    found = tree.select_one(body, profile.lead)
    if found is None:
        found = tree.select_one(root, profile.lead)
    if found is not None and (text := _clean(tree.text_of(found, " "))):
        return text
    if text := _marked_lead(root, body):
        return text
    first = _first_paragraph(lines)
    return first or _clean(description)


def _marked_lead(root: Element, body: Element) -> str:
    """Ingress markup, the most telling class first, the body before the page; one walk each."""
    ranked: list[tuple[int, int, int, Element]] = []
    # Only elements with a class or an itemprop can rank: XPath lists them in C. The page's
    # walk includes <html> itself (BeautifulSoup's soup holds it), the body's not the body.
    for place, path in enumerate((_MARKED_BELOW, _MARKED_IN)):
        top = body if place == 0 else root
        order = 0
        found = path(top)
        for element in found if isinstance(found, list) else ():
            if isinstance(element, etree._Element) and (rank := _lead_rank(element)) < _NOT_LEAD:
                ranked.append((rank, place, order, element))
                order += 1
    for _, _, _, element in sorted(ranked, key=lambda entry: entry[:3]):
        if text := _clean(tree.text_of(element, " ")):
            return text
    return ""


def _lead_rank(element: Element) -> int:
    ranks = [_LEAD_RANK[name] for name in tree.classes(element) if name in _LEAD_RANK]
    if element.get("itemprop") == "description":
        ranks.append(_ITEMPROP_RANK)
    return min(ranks, default=_NOT_LEAD)


def _first_paragraph(lines: list[Line]) -> str:
    fallback = ""
    for line in lines:
        text = line.text
        if line.block not in ("p", "div", "blockquote") or not text or line.links == line.segments:
            continue
        if LABEL.match(text) or CONTACT_HEADING.match(text) or _is_dateline(text):
            continue
        if len(text) >= _MIN_LEAD:
            return text
        fallback = fallback or text
    return fallback


def _is_dateline(text: str) -> bool:
    return len(text) < 40 and parse_date(text) is not None


def _clean(text: str) -> str:
    return " ".join(text.split())
