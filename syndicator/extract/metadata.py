"""What a page says about itself in ``<head>``, JSON-LD and ``<body class>``.

Read before boilerplate removal, which drops ``<script>`` (JSON-LD) and ``<meta>``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from syndicator.extract import tree
from syndicator.extract.tree import Element

__all__ = ["PageMeta", "read_meta"]

_PUBLISHED_META = (
    "article:published_time", "datepublished", "date", "pubdate", "dc.date.issued",
    "dcterms.created", "publish-date", "og:published_time",
)  # fmt: skip
_MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified")
_ARTICLE_TYPES = frozenset({"newsarticle", "article", "blogposting", "reportagenewsarticle"})
_MAX_JSON_LD = 200_000
_HEAD_TAGS = ("meta", "link", "script", "title")
_LD_JSON = re.compile(r"ld\+json", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PageMeta:
    html_lang: str | None = None
    og_locale: str | None = None
    og_type: str = ""
    og_title: str = ""
    title_tag: str = ""
    site_name: str = ""
    description: str = ""
    og_image: str | None = None
    og_image_alt: str = ""
    canonical: str | None = None
    shortlink: str | None = None
    body_classes: tuple[str, ...] = ()
    published: str | None = None  # raw text, parsed by the caller
    modified: str | None = None
    hreflang: tuple[tuple[str, str], ...] = ()  # (hreflang, href) from <link rel=alternate>
    ld_article: bool = False  # JSON-LD says the page is one article (NewsArticle, BlogPosting)


def read_meta(root: Element) -> PageMeta:
    """What the page at ``root`` (the ``<html>`` of :func:`tree.parse_page`) says about itself."""
    tags = _HeadTags()
    for tag in root.iter(*_HEAD_TAGS):  # one walk for <meta>, <link>, JSON-LD and <title>
        tags.add(tag)
    metas, links = tags.metas, tags.links
    ld_published, ld_modified, ld_article = _json_ld_dates(tags.scripts)
    html = root if root.tag == "html" else tree.find(root, "html")
    body = tree.find(root, "body")
    return PageMeta(
        html_lang=_attr(html, "lang") or _attr(html, "xml:lang"),
        og_locale=metas.get("og:locale"),
        og_type=metas.get("og:type", "").lower(),
        og_title=metas.get("og:title", ""),
        title_tag=tags.title,
        site_name=metas.get("og:site_name", ""),
        description=metas.get("og:description") or metas.get("description", ""),
        og_image=metas.get("og:image:secure_url") or metas.get("og:image"),
        og_image_alt=metas.get("og:image:alt", ""),
        canonical=links.get("canonical"),
        shortlink=links.get("shortlink"),
        body_classes=tuple(_attr(body, "class").split()),
        published=_first(metas, _PUBLISHED_META) or ld_published,
        modified=_first(metas, _MODIFIED_META) or ld_modified,
        hreflang=tuple(tags.hreflang),
        ld_article=ld_article,
    )


class _HeadTags:
    """What ``<meta>``, ``<link>``, ``<script type=ld+json>`` and ``<title>`` say."""

    def __init__(self) -> None:
        self.metas: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.hreflang: list[tuple[str, str]] = []
        self.scripts: list[Element] = []
        self.title = ""
        self._titled = False

    def add(self, tag: Element) -> None:
        if tag.tag == "meta":
            key = (_attr(tag, "property") or _attr(tag, "name") or _attr(tag, "itemprop")).lower()
            if key and (content := _attr(tag, "content")):
                self.metas.setdefault(key, content)
        elif tag.tag == "link":
            self._link(tag)
        elif tag.tag == "script":
            if _LD_JSON.search(_attr(tag, "type")):
                self.scripts.append(tag)
        elif not self._titled:  # the first <title>
            self._titled = True
            self.title = tree.text_of(tag, " ", strip=True)

    def _link(self, tag: Element) -> None:
        href = _attr(tag, "href")
        rels = _attr(tag, "rel").lower().split()
        for rel in rels:
            if href:
                self.links.setdefault(rel, href)
        code = _attr(tag, "hreflang")
        if "alternate" in rels and href and code:
            self.hreflang.append((code, href))


def _attr(tag: Element | None, name: str) -> str:
    return "" if tag is None else tree.attr(tag, name).strip()


def _first(values: dict[str, str], keys: tuple[str, ...]) -> str | None:
    return next((values[key] for key in keys if values.get(key)), None)


def _json_ld_dates(scripts: list[Element]) -> tuple[str | None, str | None, bool]:
    """Published and modified, and whether a node is an article."""
    published: str | None = None
    modified: str | None = None
    article = False
    for script in scripts:
        raw = tree.text_of(script)  # script content is one raw text node
        if not raw or len(raw) > _MAX_JSON_LD:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):  # hand-written JSON-LD is often broken
            continue
        for node in sorted(_nodes(data, 0), key=_article_first):
            article = article or _article_first(node) == 0
            published = published or _text(node.get("datePublished"))
            modified = modified or _text(node.get("dateModified"))
    return published, modified, article


def _nodes(data: object, depth: int) -> Iterator[dict[str, object]]:
    if depth > 20:
        return
    if isinstance(data, list):
        for item in data:
            yield from _nodes(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            yield from _nodes(data.get(key), depth + 1)


def _article_first(node: dict[str, object]) -> int:
    kinds = node.get("@type")
    names = kinds if isinstance(kinds, list) else [kinds]
    return 0 if any(str(name).lower() in _ARTICLE_TYPES for name in names) else 1


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
