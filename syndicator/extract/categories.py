"""The categories and tags a page declares, for routing (``routing.py``).

Read before boilerplate removal (which drops ``<meta>`` and tag clouds), in one walk:
``<meta property="article:section|article:tag">`` (Open Graph; also what
``sources.document`` writes for WordPress REST terms), links with ``rel="tag"``
(WordPress writes ``rel="category tag"``), then the ``category-<slug>`` / ``tag-<slug>``
classes WordPress puts on ``<body>`` and the post's ``<article>``. Names come before slugs;
a slug naming the same thing as a name ("kulttuuri-ja-vapaa-aika") is dropped.
"""

from __future__ import annotations

import re

from syndicator.extract import tree
from syndicator.extract.tree import Element
from syndicator.routing import category_key

__all__ = ["MAX_CATEGORIES", "find_categories"]

MAX_CATEGORIES = 40
_MAX_LENGTH = 100
_META = frozenset({"article:section", "article:tag"})
_CLASS = re.compile(r"^(?:category|tag)-(?!\d+$)([\w-]+)$")


def find_categories(root: Element) -> tuple[str, ...]:
    names: list[str] = []
    slugs: list[str] = []
    for tag in root.iter("meta", "a", "body", "article"):
        if tag.tag == "meta":
            key = (tag.get("property") or tag.get("name") or "").lower()
            if key in _META:
                names.append(tree.attr(tag, "content"))
        elif tag.tag == "a":
            if "tag" in tree.attr(tag, "rel").lower().split():
                names.append(tree.shown_text(tag))
        else:
            slugs += [
                match.group(1) for token in tree.classes(tag) if (match := _CLASS.match(token))
            ]
    return _distinct([*names, *slugs])


def _distinct(found: list[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    kept: list[str] = []
    for raw in found:
        name = " ".join(raw.split())[:_MAX_LENGTH]
        key = category_key(name)
        if key and key not in seen:
            seen.add(key)
            kept.append(name)
    return tuple(kept[:MAX_CATEGORIES])
