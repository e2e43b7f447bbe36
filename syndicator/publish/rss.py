"""RSS 2.0 with the ``content:encoded`` body, ``dc:creator`` and an Atom ``rel="self"`` link.

RSS has no per-item language, so the combined feed carries no channel ``<language>``; each
item instead gets a ``<category>`` in the BCP 47 domain naming its language.

Media: RSS allows one ``<enclosure>`` per item (RSS Advisory Board), so it is the first
image, else the first attachment, with ``length="0"`` (the size is unknown, as the Board
allows); every other image and attachment is a Media RSS ``<media:content>``.
Edits: the ``guid`` never changes; ``<atom:updated>`` (RFC 3339) moves with each version,
as Atom's ``updated`` does.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from email.utils import format_datetime

from lxml import etree  # type: ignore[import-untyped]  # no stubs in the venv

from syndicator.model import Entry
from syndicator.publish.atom import ATOM_NS
from syndicator.publish.channel import (
    Channel,
    aware,
    entry_published,
    entry_updated,
    guess_type,
    rfc3339_exact,
    xml_safe,
)
from syndicator.publish.history import xml_history

__all__ = ["MEDIA_NS", "render_rss"]

MEDIA_NS = "http://search.yahoo.com/mrss/"
_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
_DC_NS = "http://purl.org/dc/elements/1.1/"
_NSMAP = {"atom": ATOM_NS, "content": _CONTENT_NS, "dc": _DC_NS, "media": MEDIA_NS}
_LANGUAGE_DOMAIN = "urn:ietf:bcp:47"
_UNKNOWN_TYPE = "application/octet-stream"
_UNKNOWN_LENGTH = "0"  # the RSS Advisory Board: 0 when the size is not known


def render_rss(channel: Channel, entries: Sequence[Entry]) -> bytes:
    """The whole document as UTF-8 bytes; identical input gives identical bytes."""
    rss = etree.Element("rss", {"version": "2.0"}, nsmap=_NSMAP)
    element = etree.SubElement(rss, "channel")
    _text(element, "title", channel.title)
    _text(element, "link", channel.home_url)
    _text(element, "description", channel.title)
    if channel.feed.lang is not None:
        _text(element, "language", channel.feed.lang)
    _text(element, "lastBuildDate", format_datetime(aware(channel.updated)))
    etree.SubElement(
        element,
        f"{{{ATOM_NS}}}link",
        {"rel": "self", "type": "application/rss+xml", "href": channel.feed_url},
    )
    xml_history(element, channel.history)
    if channel.hub_url is not None:
        etree.SubElement(element, f"{{{ATOM_NS}}}link", {"rel": "hub", "href": channel.hub_url})
    _text(element, "generator", "syndicator")
    for entry in entries:
        element.append(_item(entry, channel.author(entry)))
    return bytes(etree.tostring(rss, xml_declaration=True, encoding="utf-8", pretty_print=True))


def _item(entry: Entry, author_name: str) -> etree._Element:
    article = entry.article
    item = etree.Element("item")
    _text(item, "title", article.title)
    _text(item, "link", article.url)
    _text(item, "guid", article.url).set("isPermaLink", "true")
    _text(item, "pubDate", format_datetime(aware(entry_published(entry))))
    _text(item, f"{{{ATOM_NS}}}updated", rfc3339_exact(entry_updated(entry)))
    _text(item, f"{{{_DC_NS}}}creator", author_name)
    if article.lang:
        _text(item, "category", article.lang).set("domain", _LANGUAGE_DOMAIN)
    if article.lead:
        _text(item, "description", html.escape(article.lead, quote=False))  # RSS: HTML
    if article.body_html:
        _text(item, f"{{{_CONTENT_NS}}}encoded", article.body_html)
    _media(item, entry)
    return item


def _media(item: etree._Element, entry: Entry) -> None:
    """The first image (else attachment) as the one enclosure; the rest as media:content."""
    media = [(image.url, guess_type(image.url), image.alt, True) for image in entry.article.images]
    media += [
        (attachment.url, guess_type(attachment.url, attachment.mime_type), attachment.title, False)
        for attachment in entry.article.attachments
    ]
    seen: set[str] = set()
    for url, kind, title, is_image in media:
        if url in seen:
            continue
        attributes = {"url": xml_safe(url), "type": kind or _UNKNOWN_TYPE}
        if not seen:
            attributes["length"] = _UNKNOWN_LENGTH
            etree.SubElement(item, "enclosure", attributes)
        else:
            if is_image:
                attributes["medium"] = "image"
            content = etree.SubElement(item, f"{{{MEDIA_NS}}}content", attributes)
            if title:
                _text(content, f"{{{MEDIA_NS}}}title", title).set("type", "plain")
        seen.add(url)


def _text(parent: etree._Element, name: str, text: str) -> etree._Element:
    child = etree.SubElement(parent, name)
    child.text = xml_safe(text)
    return child
