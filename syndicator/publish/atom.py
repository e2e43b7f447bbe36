"""Atom 1.0 (RFC 4287), written with ``xmlwrite`` so every link keeps rel, type, hreflang and title.

(feedgen drops those attributes on extra entry links — python-feedgen issue #135 — which would
lose the language alternates partners rely on.)
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterator, Sequence

from syndicator.model import Entry
from syndicator.publish.channel import (
    Channel,
    entry_published,
    entry_updated,
    guess_type,
    rfc3339,
    rfc3339_exact,
)
from syndicator.publish.history import xml_history
from syndicator.publish.xmlwrite import attributes, document, element, escape_attribute

__all__ = ["ATOM_NS", "render_atom"]

ATOM_NS = "http://www.w3.org/2005/Atom"
_HTML = "text/html"
_TYPE_HTML = {"type": "html"}
_ENTRY_LINE = "\n    "  # an entry's children, one per line, indented under it
# Text that reads as markup: an end tag, an HTML start tag or an entity ("</x>", "<b>", "&amp;").
_MARKUP = re.compile(
    r"</\w+>|&#?\w+;|<(a|b|i|u|s|p|br|hr|em|strong|span|div|img|h[1-6]|ul|ol|li|table|tr|td"
    r"|sup|sub|small|big|font|code|pre|q|blockquote|script|style|iframe|object|embed|form"
    r"|input|button|svg|video|audio|body|html|head|meta|link)[\s/>]",
    re.IGNORECASE,
)


def render_atom(channel: Channel, entries: Sequence[Entry]) -> bytes:
    """The whole document as UTF-8 bytes; identical input gives identical bytes."""
    head = [
        element("id", channel.feed_id),
        element("title", channel.title),
        element("updated", rfc3339_exact(channel.updated)),
        _link("self", channel.feed_url, type="application/atom+xml"),
        *xml_history(channel.history, "link"),
    ]
    if channel.hub_url is not None:
        head.append(_link("hub", channel.hub_url))
    head.append(_link("alternate", channel.home_url, type=_HTML))
    head.append(element("generator", "syndicator"))
    root = f'feed xmlns="{ATOM_NS}"' + attributes({"xml:lang": channel.feed.lang})
    body = (_entry(entry, channel.author(entry)) for entry in entries)
    return document(root, itertools.chain(head, body))


def _entry(entry: Entry, author_name: str) -> str:
    article = entry.article
    parts = [
        "<entry" + attributes({"xml:lang": article.lang}) + ">",
        element("id", article.url),
        _plain("title", article.title),
        element("published", rfc3339(entry_published(entry))),
        element("updated", rfc3339_exact(entry_updated(entry))),
        f"<author>{element('name', author_name)}</author>",
    ]
    if article.lead:
        parts.append(_plain("summary", article.lead))
    if article.body_html:
        parts.append(element("content", article.body_html, _TYPE_HTML))
    parts.extend(_links(entry))
    return _ENTRY_LINE.join(parts) + "\n  </entry>"


def _links(entry: Entry) -> Iterator[str]:
    yield from _alternates(entry)
    yield from _related_and_enclosures(entry)


def _alternates(entry: Entry) -> Iterator[str]:
    """The entry's own page, then the same release in other languages.

    RFC 4287 allows one rel="alternate" per (type, hreflang). Readers disagree on which
    alternate is "the" link (most take the first, feedparser the last), so when other
    languages are listed the own page also closes the list, without hreflang.
    """
    article = entry.article
    seen: set[str | None] = {article.lang}
    yield _link("alternate", article.url, type=_HTML, hreflang=article.lang)
    others = 0
    for alternate in article.alternates:
        if alternate.url == article.url or alternate.lang in seen or alternate.lang is None:
            continue
        seen.add(alternate.lang)
        others += 1
        yield _link(
            "alternate", alternate.url, type=_HTML, hreflang=alternate.lang, title=alternate.label
        )
    if others and article.lang is not None:
        yield _link("alternate", article.url, type=_HTML)


def _related_and_enclosures(entry: Entry) -> Iterator[str]:
    article = entry.article
    seen: set[str] = set()
    for link in article.read_more:
        if link.url not in seen:
            seen.add(link.url)
            yield _link("related", link.url, hreflang=link.lang, title=link.label)
    for image in article.images:
        if image.url not in seen:
            seen.add(image.url)
            yield _link("enclosure", image.url, type=guess_type(image.url), title=image.alt)
    for attachment in article.attachments:
        if attachment.url not in seen:
            seen.add(attachment.url)
            kind = guess_type(attachment.url, attachment.mime_type)
            yield _link("enclosure", attachment.url, type=kind, title=attachment.title)


def _link(
    rel: str,
    href: str,
    type: str | None = None,  # Atom's attribute name
    hreflang: str | None = None,
    title: str | None = None,
) -> str:
    """``<link>`` with the attributes that have a value (written out: an entry has ~9)."""
    optional = ""
    if type:
        optional += f' type="{escape_attribute(type)}"'
    if hreflang:
        optional += f' hreflang="{escape_attribute(hreflang)}"'
    if title:
        optional += f' title="{escape_attribute(title)}"'
    return f'<link rel="{rel}" href="{escape_attribute(href)}"{optional}/>'


def _plain(name: str, text: str) -> str:
    """A text construct. Plain text that reads as markup ("Kokous <b>tänään</b>") is sent
    escaped as type="html": the same words, and no reader (nor the W3C validator's
    ContainsUndeclaredHTML) can take it for markup."""
    if _MARKUP.search(text):
        return element(name, html.escape(text, quote=False), _TYPE_HTML)
    return element(name, text)
