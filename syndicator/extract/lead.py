"""The lead (ingress): the sentence or two a feed shows before "read more"."""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

from syndicator.configbase import ArticleProfile
from syndicator.extract.blocks import Line
from syndicator.extract.contacts import CONTACT_HEADING
from syndicator.extract.dates import parse_date
from syndicator.extract.page import select_one
from syndicator.extract.readmore import LABEL

__all__ = ["find_lead"]

# Ingress markup, most telling first: the class names of the lead box.
_LEAD_CLASSES = (
    "ingress", "lead", "intro", "entry-summary", "excerpt", "wp-block-post-excerpt",
    "article-lead", "article__lead", "preamble",
)  # fmt: skip
_LEAD_RANK = {name: rank for rank, name in enumerate(_LEAD_CLASSES)}
_ITEMPROP_RANK = len(_LEAD_CLASSES)  # [itemprop=description], the weakest
_NOT_LEAD = _ITEMPROP_RANK + 1
_MIN_LEAD = 25  # shorter first paragraphs are datelines or captions, not a lead


def find_lead(
    soup: BeautifulSoup, body: Tag, lines: list[Line], profile: ArticleProfile, description: str
) -> str:
    """Profile selector, then ingress markup, then the first real paragraph, then meta."""
    found = select_one(body, profile.lead) or select_one(soup, profile.lead)
    if found is not None and (text := _clean(found.get_text(" "))):
        return text
    if text := _marked_lead(soup, body):
        return text
    first = _first_paragraph(lines)
    return first or _clean(description)


def _marked_lead(soup: BeautifulSoup, body: Tag) -> str:
    """Ingress markup, the most telling class first, the body before the page; one walk each."""
    ranked: list[tuple[int, int, int, Tag]] = []
    for place, root in enumerate((body, soup)):
        for order, tag in enumerate(root.find_all(_is_lead)):
            ranked.append((_lead_rank(tag), place, order, tag))
    for _, _, _, tag in sorted(ranked, key=lambda entry: entry[:3]):
        if text := _clean(tag.get_text(" ")):
            return text
    return ""


def _is_lead(tag: Tag) -> bool:
    return _lead_rank(tag) < _NOT_LEAD


def _lead_rank(tag: Tag) -> int:
    classes = tag.get("class")
    names = classes if isinstance(classes, list) else []
    ranks = [_LEAD_RANK[name] for name in names if name in _LEAD_RANK]
    if tag.get("itemprop") == "description":
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
