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
import itertools
from collections.abc import Iterable, Iterator, Sequence
from email.utils import format_datetime

from syndicator.model import Entry
from syndicator.publish.atom import ATOM_NS
from syndicator.publish.channel import (
    Channel,
    aware,
    entry_published,
    entry_updated,
    guess_type,
    rfc3339_exact,
)
from syndicator.publish.history import xml_history
from syndicator.publish.xmlwrite import attributes, document, element

__all__ = ["MEDIA_NS", "render_rss"]

MEDIA_NS = "http://search.yahoo.com/mrss/"
_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
_DC_NS = "http://purl.org/dc/elements/1.1/"
_NSMAP = {"atom": ATOM_NS, "content": _CONTENT_NS, "dc": _DC_NS, "media": MEDIA_NS}
_ROOT = 'rss version="2.0"' + "".join(f' xmlns:{prefix}="{uri}"' for prefix, uri in _NSMAP.items())
_LANGUAGE_DOMAIN = {"domain": "urn:ietf:bcp:47"}
_PERMALINK = {"isPermaLink": "true"}
_PLAIN = {"type": "plain"}
_ITEM_LINE = "\n      "  # an item's children, one per line, indented under it
_UNKNOWN_TYPE = "application/octet-stream"
_UNKNOWN_LENGTH = "0"  # the RSS Advisory Board: 0 when the size is not known


def render_rss(channel: Channel, entries: Sequence[Entry]) -> bytes:
    """The whole document as UTF-8 bytes; identical input gives identical bytes."""
    head = [
        element("title", channel.title),
        element("link", channel.home_url),
        element("description", channel.title),
    ]
    if channel.feed.lang is not None:
        head.append(element("language", channel.feed.lang))
    head.append(element("lastBuildDate", format_datetime(aware(channel.updated))))
    head.append(_atom_link("self", channel.feed_url, "application/rss+xml"))
    head.extend(xml_history(channel.history, "atom:link"))
    if channel.hub_url is not None:
        head.append(_atom_link("hub", channel.hub_url))
    head.append(element("generator", "syndicator"))
    items = (_item(entry, channel.author(entry)) for entry in entries)
    lines = itertools.chain(["<channel>"], _indented(head), _indented(items), ["</channel>"])
    return document(_ROOT, lines)


def _item(entry: Entry, author_name: str) -> str:
    article = entry.article
    parts = [
        "<item>",
        element("title", article.title),
        element("link", article.url),
        element("guid", article.url, _PERMALINK),
        element("pubDate", format_datetime(aware(entry_published(entry)))),
        element("atom:updated", rfc3339_exact(entry_updated(entry))),
        element("dc:creator", author_name),
    ]
    if article.lang:
        parts.append(element("category", article.lang, _LANGUAGE_DOMAIN))
    if article.lead:
        parts.append(element("description", html.escape(article.lead, quote=False)))  # HTML
    if article.body_html:
        parts.append(element("content:encoded", article.body_html))
    parts.extend(_media(entry))
    return _ITEM_LINE.join(parts) + "\n    </item>"


def _media(entry: Entry) -> Iterator[str]:
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
        values = {"url": url, "type": kind or _UNKNOWN_TYPE}
        if not seen:
            yield f"<enclosure{attributes({**values, 'length': _UNKNOWN_LENGTH})}/>"
        else:
            medium = "image" if is_image else None
            start = "media:content" + attributes({**values, "medium": medium})
            caption = element("media:title", title, _PLAIN) if title else ""
            yield f"<{start}>{caption}</media:content>" if caption else f"<{start}/>"
        seen.add(url)


def _atom_link(rel: str, href: str, kind: str | None = None) -> str:
    return f"<atom:link{attributes({'rel': rel, 'type': kind, 'href': href})}/>"


def _indented(lines: Iterable[str]) -> Iterator[str]:
    return (f"  {line}" for line in lines)
