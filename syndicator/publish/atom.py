"""Atom 1.0 (RFC 4287), written with lxml so every link keeps rel, type, hreflang and title.

(feedgen drops those attributes on extra entry links — python-feedgen issue #135 — which would
lose the language alternates partners rely on.)
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence

from lxml import etree  # type: ignore[import-untyped]  # no stubs in the venv

from syndicator.model import Entry
from syndicator.publish.channel import (
    Channel,
    entry_published,
    entry_updated,
    guess_type,
    rfc3339,
    rfc3339_exact,
    xml_safe,
)
from syndicator.publish.history import xml_history

__all__ = ["ATOM_NS", "render_atom"]

ATOM_NS = "http://www.w3.org/2005/Atom"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_HTML = "text/html"
# Text that reads as markup: an end tag, an HTML start tag or an entity ("</x>", "<b>", "&amp;").
_MARKUP = re.compile(
    r"</\w+>|&#?\w+;|<(a|b|i|u|s|p|br|hr|em|strong|span|div|img|h[1-6]|ul|ol|li|table|tr|td"
    r"|sup|sub|small|big|font|code|pre|q|blockquote|script|style|iframe|object|embed|form"
    r"|input|button|svg|video|audio|body|html|head|meta|link)[\s/>]",
    re.IGNORECASE,
)


def render_atom(channel: Channel, entries: Sequence[Entry]) -> bytes:
    """The whole document as UTF-8 bytes; identical input gives identical bytes."""
    feed = etree.Element(_q("feed"), nsmap={None: ATOM_NS})
    if channel.feed.lang is not None:
        feed.set(_XML_LANG, channel.feed.lang)
    _text(feed, "id", channel.feed_id)
    _text(feed, "title", channel.title)
    _text(feed, "updated", rfc3339_exact(channel.updated))
    _link(feed, "self", channel.feed_url, type="application/atom+xml")
    xml_history(feed, channel.history)
    if channel.hub_url is not None:
        _link(feed, "hub", channel.hub_url)
    _link(feed, "alternate", channel.home_url, type=_HTML)
    _text(feed, "generator", "syndicator")
    for entry in entries:
        feed.append(_entry(entry, channel.author(entry)))
    return bytes(etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True))


def _entry(entry: Entry, author_name: str) -> etree._Element:
    article = entry.article
    element = etree.Element(_q("entry"))
    if article.lang:
        element.set(_XML_LANG, article.lang)
    _text(element, "id", article.url)
    _plain(element, "title", article.title)
    _text(element, "published", rfc3339(entry_published(entry)))
    _text(element, "updated", rfc3339_exact(entry_updated(entry)))
    author = etree.SubElement(element, _q("author"))
    _text(author, "name", author_name)
    if article.lead:
        _plain(element, "summary", article.lead)
    if article.body_html:
        _text(element, "content", article.body_html).set("type", "html")
    for attributes in _links(entry):
        etree.SubElement(element, _q("link"), attributes)
    return element


def _links(entry: Entry) -> Iterator[dict[str, str]]:
    yield from _alternates(entry)
    yield from _related_and_enclosures(entry)


def _alternates(entry: Entry) -> Iterator[dict[str, str]]:
    """The entry's own page, then the same release in other languages.

    RFC 4287 allows one rel="alternate" per (type, hreflang). Readers disagree on which
    alternate is "the" link (most take the first, feedparser the last), so when other
    languages are listed the own page also closes the list, without hreflang.
    """
    article = entry.article
    seen: set[str | None] = {article.lang}
    yield _attributes("alternate", article.url, type=_HTML, hreflang=article.lang)
    others = 0
    for alternate in article.alternates:
        if alternate.url == article.url or alternate.lang in seen or alternate.lang is None:
            continue
        seen.add(alternate.lang)
        others += 1
        yield _attributes(
            "alternate", alternate.url, type=_HTML, hreflang=alternate.lang, title=alternate.label
        )
    if others and article.lang is not None:
        yield _attributes("alternate", article.url, type=_HTML)


def _related_and_enclosures(entry: Entry) -> Iterator[dict[str, str]]:
    article = entry.article
    seen: set[str] = set()
    for link in article.read_more:
        if link.url not in seen:
            seen.add(link.url)
            yield _attributes("related", link.url, hreflang=link.lang, title=link.label)
    for image in article.images:
        if image.url not in seen:
            seen.add(image.url)
            yield _attributes("enclosure", image.url, type=guess_type(image.url), title=image.alt)
    for attachment in article.attachments:
        if attachment.url not in seen:
            seen.add(attachment.url)
            kind = guess_type(attachment.url, attachment.mime_type)
            yield _attributes("enclosure", attachment.url, type=kind, title=attachment.title)


def _attributes(rel: str, href: str, **optional: str | None) -> dict[str, str]:
    attributes = {"rel": rel, "href": xml_safe(href)}
    attributes.update({key: xml_safe(value) for key, value in optional.items() if value})
    return attributes


def _link(parent: etree._Element, rel: str, href: str, **optional: str | None) -> None:
    etree.SubElement(parent, _q("link"), _attributes(rel, href, **optional))


def _plain(parent: etree._Element, name: str, text: str) -> None:
    """A text construct. Plain text that reads as markup ("Kokous <b>tänään</b>") is sent
    escaped as type="html": the same words, and no reader (nor the W3C validator's
    ContainsUndeclaredHTML) can take it for markup."""
    if _MARKUP.search(text):
        _text(parent, name, html.escape(text, quote=False)).set("type", "html")
    else:
        _text(parent, name, text)


def _text(parent: etree._Element, name: str, text: str) -> etree._Element:
    child = etree.SubElement(parent, _q(name))
    child.text = xml_safe(text)
    return child


def _q(name: str) -> str:
    return f"{{{ATOM_NS}}}{name}"
