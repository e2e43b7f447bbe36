"""Atom ``link`` and language rules of the W3C checks (``w3c.py``), from the validator's link
and language validators: href, rel, type, title, hreflang; ``xml:lang`` and RSS language."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from tests.publish.w3c_text import Finding, is_full_url, undeclared_html

__all__ = ["ATOM", "atom_links", "languages"]

ATOM = "http://www.w3.org/2005/Atom"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# the IANA link relations the validator knows (others warn UnregisteredAtomLinkRel)
_RELATIONS = frozenset(
    {
        "alternate", "current", "describedby", "edit", "edit-media", "enclosure", "first",
        "hub", "last", "license", "next", "next-archive", "payment", "prev-archive",
        "previous", "related", "replies", "search", "self", "service", "up", "via",
    }
)  # fmt: skip
_SELF_TYPES = ("application/atom+xml", "application/rss+xml", "application/rdf+xml")
_LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$")  # ISO 639 (+ subtags)


def atom_links(parent: etree._Element, where: str) -> Iterator[Finding]:
    """Every ``atom:link`` child of ``parent`` (an Atom feed or entry, or an RSS channel)."""
    alternates: set[tuple[str | None, str | None]] = set()
    for link in parent.findall(f"{{{ATOM}}}link"):
        rel, here = link.get("rel", "alternate"), f"{where}/link"
        yield from _link(link, rel, here)
        if rel == "alternate":
            key = (link.get("type"), link.get("hreflang"))
            if key in alternates:
                yield Finding("DuplicateAtomLink", here, str(key))
            alternates.add(key)


def _link(link: etree._Element, rel: str, where: str) -> Iterator[Finding]:
    href = link.get("href")
    if not href:
        yield Finding("MissingHref", where)
    elif not is_full_url(href):
        yield Finding("ContainsRelRef", where, href)
    if rel not in _RELATIONS and not is_full_url(rel):
        yield Finding("UnregisteredAtomLinkRel", where, rel)
    kind = link.get("type")
    if rel == "self" and kind is not None and kind.split(";")[0] not in _SELF_TYPES:
        yield Finding("SelfNotAtom", where, kind)
    title = link.get("title")
    if title is not None and not title.strip():
        yield Finding("AttrNotBlank", where, "title")
    elif title is not None and undeclared_html(title):
        yield Finding("ContainsHTML", where, title)
    hreflang = link.get("hreflang")
    if hreflang is not None and not _LANGUAGE.match(hreflang):
        yield Finding("InvalidLanguage", where, hreflang)


def languages(root: etree._Element) -> Iterator[Finding]:
    """``xml:lang`` anywhere, and RSS ``<language>``: language codes."""
    for element in root.iter():
        value = element.get(_XML_LANG)
        if value is not None and not _LANGUAGE.match(value):
            yield Finding("InvalidLanguage", str(element.tag), value)
    for element in root.iter("language"):
        if not _LANGUAGE.match(element.text or ""):
            yield Finding("InvalidLanguage", "language", element.text or "")
