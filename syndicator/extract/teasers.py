"""Teaser lists: "Aiemmin aiheesta", "Andra meddelanden", a listing page's cards.

A teaser is a short item that links to another page under a title (a heading or bold text
holding or held by the link) or with a "Read more" link. Two or more side by side are a list
of other articles, whatever their class names; a release body's own "LUE LISÄÄ:" list has
plain links and a contact list ``mailto:`` ones, so neither is taken for one.
"""

from __future__ import annotations

from bs4 import Tag

from syndicator.extract.page import gone, holds_article
from syndicator.extract.readmore import LABEL

__all__ = ["drop_teaser_lists"]

_ITEMS = frozenset({"li", "article", "div"})
_TITLES = ("h2", "h3", "h4", "h5", "h6", "strong", "b")
_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_MAX_TEASER = 400  # characters; a longer item is prose
_MIN_TEASERS = 2
_ITEM_DEPTH = 4  # from a link up to its item
_PROSE = 80  # characters: a paragraph of running text, not a label


def drop_teaser_lists(root: Tag) -> int:
    """Drop every teaser list (with its heading) that does not hold the article; count them."""
    dropped = 0
    for parent in _candidates(root):
        if gone(parent):
            continue
        children = [child for child in parent.find_all(True, recursive=False)]
        items = [child for child in children if child.name not in _HEADINGS]
        teasers = sum(1 for item in items if _is_teaser(item))
        if teasers < _MIN_TEASERS or teasers * 2 < len(items) or holds_article(parent):
            continue
        if _in_running_text(parent):
            continue
        dropped += teasers
        _drop_with_heading(parent)
    return dropped


def _in_running_text(parent: Tag) -> bool:
    """A ``<ul>`` with prose paragraphs on both sides is part of the text ("the plans:
    **A** does this, **B** that"), however bold its links."""
    if parent.name not in ("ul", "ol"):
        return False
    before = parent.find_previous_sibling(True)
    after = parent.find_next_sibling(True)
    return all(
        isinstance(side, Tag) and side.name == "p" and len(side.get_text(strip=True)) >= _PROSE
        for side in (before, after)
    )


def _candidates(root: Tag) -> list[Tag]:
    """Parents of the items that hold a link: far fewer than all containers."""
    seen: dict[int, Tag] = {}
    for link in root.find_all("a", href=True):
        node: Tag | None = link
        for _ in range(_ITEM_DEPTH):
            if node is None or node.parent is None:
                break
            if node.name in _ITEMS and isinstance(node.parent, Tag):
                seen.setdefault(id(node.parent), node.parent)
            node = node.parent
    return list(seen.values())


def _is_teaser(item: Tag) -> bool:
    if item.name not in _ITEMS or _longer(item, _MAX_TEASER):
        return False
    links = [a for a in item.find_all("a", href=True) if _is_page_link(a)]
    if not links:
        return False
    for link in links:
        if LABEL.fullmatch(link.get_text(" ", strip=True).rstrip("»›→ ")):
            return True
        if link.find(_TITLES) is not None or _titled(link, item):
            return True
    return False


def _longer(item: Tag, limit: int) -> bool:
    """More than ``limit`` characters of text, reading no further than that."""
    size = 0
    for string in item.strings:
        size += len(string.strip())
        if size > limit:
            return True
    return False


def _titled(link: Tag, item: Tag) -> bool:
    """``link`` sits in a heading or bold text inside ``item`` (not climbing to the root)."""
    for parent in link.parents:
        if parent is item:
            return item.name in _TITLES
        if parent.name in _TITLES:
            return True
    return False


def _is_page_link(link: Tag) -> bool:
    href = str(link.get("href") or "").strip().lower()
    return not href.startswith(("mailto:", "tel:", "#", "javascript:"))


def _drop_with_heading(parent: Tag) -> None:
    heading = parent.find_previous_sibling(True)
    container = parent.parent
    if isinstance(heading, Tag) and heading.name in _HEADINGS:
        heading.decompose()
    if isinstance(container, Tag) and container.name in ("div", "section", "aside"):
        rest = [c for c in container.find_all(True, recursive=False) if c is not parent]
        if all(child.name in _HEADINGS for child in rest):
            container.decompose()
            return
    parent.decompose()
