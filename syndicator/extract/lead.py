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

_LEAD_SELECTORS = (
    ".ingress", ".lead", "p.intro", ".intro", ".entry-summary", ".excerpt",
    ".wp-block-post-excerpt", ".article-lead", ".article__lead", ".preamble",
    "[itemprop=description]",
)  # fmt: skip
_MIN_LEAD = 25  # shorter first paragraphs are datelines or captions, not a lead


def find_lead(
    soup: BeautifulSoup, body: Tag, lines: list[Line], profile: ArticleProfile, description: str
) -> str:
    """Profile selector, then ingress markup, then the first real paragraph, then meta."""
    for selector in (profile.lead, *_LEAD_SELECTORS):
        found = select_one(body, selector) or select_one(soup, selector)
        if found is not None and (text := _clean(found.get_text(" "))):
            return text
    first = _first_paragraph(lines)
    return first or _clean(description)


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
