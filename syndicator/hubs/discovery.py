"""PURE. The WebSub hub and topic a fetched resource advertises (W3C WebSub § 4).

The HTTP ``Link`` header wins over the document: when it names a hub, its hub and its
``rel="self"`` are used; otherwise the document's (``<atom:link>`` of an Atom or RSS feed,
``<link>`` in an HTML head). The topic is ``rel="self"`` when given, else the fetched URL.
Only http(s) hubs and topics count; relative links resolve against the fetched URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from syndicator.extract.tree import Element
from syndicator.urls import absolute_url

__all__ = ["HubLink", "choose_hub", "feed_links", "header_links", "html_links"]

Rel = tuple[str, str]  # (rel, absolute URL)
# One link-value of RFC 8288: <target> then ;-separated parameters (a quoted one may hold , ;).
_LINK = re.compile(r'<([^>]*)>((?:\s*;\s*[^;,="]+(?:=\s*(?:"[^"]*"|[^;,"]*))?)*)')
_PARAM = re.compile(r'\s*;\s*([^;,="\s]+)\s*(?:=\s*(?:"([^"]*)"|([^;,"\s]*)))?')


@dataclass(frozen=True, slots=True)
class HubLink:
    hub: str
    topic: str


def header_links(value: str | None, base: str) -> list[Rel]:
    """``(rel, url)`` of every relation in a ``Link`` header (``rel="hub self"`` gives two)."""
    pairs: list[tuple[str, str]] = []
    for match in _LINK.finditer(value or ""):
        params = {m.group(1).lower(): m.group(2) or m.group(3) or ""
                  for m in _PARAM.finditer(match.group(2))}  # fmt: skip
        pairs.append((params.get("rel", ""), match.group(1)))
    return _resolved(pairs, base)


def feed_links(links: Iterable[Mapping[str, Any]], base: str) -> list[Rel]:
    """``(rel, url)`` of feedparser's ``feed.links`` (Atom links, RSS ``atom:link`` too)."""
    return _resolved(
        ((str(link.get("rel") or ""), str(link.get("href") or "")) for link in links), base
    )


def html_links(root: Element, base: str) -> list[Rel]:
    """``(rel, url)`` of the ``<link>`` elements of an HTML document (its ``<html>`` root)."""
    pairs: list[tuple[str, str]] = []
    for element in root.iter("link"):
        href = element.get("href") or ""
        pairs.extend((one, href) for one in (element.get("rel") or "").split())
    return _resolved(pairs, base)


def choose_hub(url: str, headers: Sequence[Rel], document: Sequence[Rel]) -> HubLink | None:
    """The hub to subscribe to and its topic, from the header's links, else the document's."""
    for links in (headers, document):
        hub = _first(links, "hub")
        if hub is not None:
            return HubLink(hub, _first(links, "self") or url)
    return None


def _first(links: Sequence[Rel], rel: str) -> str | None:
    return next((url for name, url in links if name == rel), None)


def _resolved(pairs: Iterable[tuple[str, str]], base: str) -> list[Rel]:
    found: list[Rel] = []
    for rel, href in pairs:
        url = absolute_url(href, base) if href else None
        if url is not None and url.startswith(("http://", "https://")):
            found.extend((one, url) for one in rel.lower().split())
    return found
