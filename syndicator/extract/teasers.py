"""Teaser lists: "Aiemmin aiheesta", "Andra meddelanden", a listing page's cards.

A teaser is a short item that links to another page under a title (a heading or bold text
holding or held by the link) or with a "Read more" link. Two or more side by side are a list
of other articles, whatever their class names; a release body's own "LUE LISÄÄ:" list has
plain links and a contact list ``mailto:`` ones, so neither is taken for one.
"""

from __future__ import annotations

from collections.abc import Iterator

from syndicator.extract import tree
from syndicator.extract.page import holds_article
from syndicator.extract.readmore import LABEL
from syndicator.extract.tree import Element

__all__ = ["drop_teaser_lists"]

_ITEMS = frozenset({"li", "article", "div"})
_TITLES = ("h2", "h3", "h4", "h5", "h6", "strong", "b")
_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_MAX_TEASER = 400  # characters; a longer item is prose
_MIN_TEASERS = 2
_ITEM_DEPTH = 4  # from a link up to its item
_PROSE = 80  # characters: a paragraph of running text, not a label


def drop_teaser_lists(root: Element) -> int:
    """Drop every teaser list (with its heading) that does not hold the article; count them."""
    dropped = 0
    for parent in _candidates(root):
        if tree.gone(parent):
            continue
        items = [child for child in tree.children(parent) if child.tag not in _HEADINGS]
        teasers = sum(1 for item in items if _is_teaser(item))
        if teasers < _MIN_TEASERS or teasers * 2 < len(items) or holds_article(parent):
            continue
        if _in_running_text(parent):
            continue
        dropped += teasers
        _drop_with_heading(parent)
    return dropped


def _in_running_text(parent: Element) -> bool:
    """A ``<ul>`` with prose paragraphs on both sides is part of the text ("the plans:
    **A** does this, **B** that"), however bold its links."""
    if parent.tag not in ("ul", "ol"):
        return False
    sides = (_sibling(parent.itersiblings(preceding=True)), _sibling(parent.itersiblings()))
    return all(
        side is not None and side.tag == "p" and len(tree.text_of(side, strip=True)) >= _PROSE
        for side in sides
    )


def _sibling(siblings: Iterator[Element]) -> Element | None:
    """The first element among ``siblings`` (comments skipped)."""
    return next((s for s in siblings if isinstance(s.tag, str)), None)


def _candidates(root: Element) -> list[Element]:
    """Parents of the items that hold a link: far fewer than all containers."""
    seen: dict[int, Element] = {}
    for link in root.iterdescendants("a"):
        if link.get("href") is None:
            continue
        node: Element | None = link
        for _ in range(_ITEM_DEPTH):
            parent = node.getparent() if node is not None else None
            if node is None or parent is None:
                break
            if node.tag in _ITEMS:
                seen.setdefault(id(parent), parent)
            node = parent
    return list(seen.values())


def _is_teaser(item: Element) -> bool:
    if item.tag not in _ITEMS or _longer(item, _MAX_TEASER):
        return False
    links = [a for a in item.iterdescendants("a") if a.get("href") is not None]
    links = [a for a in links if _is_page_link(a)]
    if not links:
        return False
    for link in links:
        if LABEL.fullmatch(tree.text_of(link, " ", strip=True).rstrip("»›→ ")):
            return True
        if next(link.iterdescendants(*_TITLES), None) is not None or _titled(link, item):
            return True
    return False


def _longer(item: Element, limit: int) -> bool:
    """More than ``limit`` characters of text, reading no further than that."""
    size = 0
    for string in tree.strings(item):
        size += len(string.strip())
        if size > limit:
            return True
    return False


def _titled(link: Element, item: Element) -> bool:
    """``link`` sits in a heading or bold text inside ``item`` (not climbing to the root)."""
    for parent in link.iterancestors():
        if parent is item:
            return item.tag in _TITLES
        if parent.tag in _TITLES:
            return True
    return False


def _is_page_link(link: Element) -> bool:
    href = tree.attr(link, "href").strip().lower()
    return not href.startswith(("mailto:", "tel:", "#", "javascript:"))


def _drop_with_heading(parent: Element) -> None:
    heading = _sibling(parent.itersiblings(preceding=True))
    container = parent.getparent()
    if heading is not None and heading.tag in _HEADINGS:
        tree.drop(heading)
    if container is not None and container.tag in ("div", "section", "aside"):
        rest = [c for c in tree.children(container) if c is not parent]
        if all(child.tag in _HEADINGS for child in rest):
            tree.drop(container)
            return
    tree.drop(parent)
