"""Kind ``feed``: an existing RSS or Atom feed (feedparser); pages are fetched for full text.

With ``fetch_article = false`` each candidate carries ``html``: a small document synthesised
from the entry's content (``sources.document.synthesize_document``), so no page is fetched.
The source's configured ``language`` wins over the entry's and the channel's (a WordPress
``/feed/`` labels every post with the site's admin language). Dates are read from the raw
text (``feeddates``): feedparser's ``*_parsed`` reads an unknown zone (``EET``) or none as
UTC, or drops the date. The featured image (``media:content``, ``media:thumbnail``, an image
``enclosure``) is the candidate's ``image`` and the document's ``og:image``.
A feed that parses to no entries (garbage, an HTML error page) yields ``()`` and a warning.
feedparser runs in a parse worker (``read_feed``): a huge feed costs a worker, not the loop.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Literal

import feedparser

from syndicator.configbase import SourceBase, Url
from syndicator.http import Fetcher
from syndicator.hubs.discovery import Rel, feed_links
from syndicator.locales import normalise_lang
from syndicator.model import Candidate
from syndicator.parsing import Parser
from syndicator.sources.document import fragment_text, synthesize_document
from syndicator.sources.feeddates import entry_moment
from syndicator.sources.listing import Listing, advertised_hub, validators_of
from syndicator.urls import absolute_url, canonical_url

__all__ = ["Config", "FeedEntries", "candidates", "read_feed"]

log = logging.getLogger("syndicator.sources")


class Config(SourceBase):
    kind: Literal["feed"]
    url: Url
    fetch_article: bool = True  # fetch each entry's page for the full text


@dataclass(frozen=True, slots=True)
class FeedEntries:
    candidates: tuple[Candidate, ...]
    invalid: str | None = None  # why a body with no entries is not a feed
    links: tuple[Rel, ...] = ()  # the feed's own links (rel="hub", rel="self", ...)


async def candidates(source: Config, fetcher: Fetcher, parser: Parser) -> Listing:
    page = await fetcher.get(source.url, conditional=True, source=source.name)
    if page is None:
        return Listing(None)
    read = await parser.run(read_feed, page.content, page.url, source)
    if read.invalid is not None:
        log.warning(
            "%s: %s is not a feed: %s",
            source.name,
            page.url,
            read.invalid,
            extra={
                "event": "source.invalid_feed",
                "source": source.name,
                "url": page.url,
                "error_code": "source.invalid_feed",
            },
        )
    return Listing(
        read.candidates, validators_of(source.url, page), advertised_hub(page, read.links)
    )


def read_feed(content: bytes, url: str, source: Config) -> FeedEntries:
    """The feed's entries as candidates (in a parse worker)."""
    parsed = feedparser.parse(content, response_headers={"content-location": url})
    entries: list[Any] = list(parsed.get("entries") or [])
    invalid = None
    if not entries and parsed.get("bozo"):
        invalid = str(parsed.get("bozo_exception"))
    feed_lang = normalise_lang(parsed.get("feed", {}).get("language"))
    found: dict[str, Candidate] = {}
    for entry in entries:
        if len(found) >= source.max_items:  # newest first: the rest would be cut anyway
            break
        candidate = _candidate(entry, url, feed_lang, source)
        if candidate is not None:
            found.setdefault(candidate.url, candidate)
    links = tuple(feed_links(parsed.get("feed", {}).get("links") or [], url))
    return FeedEntries(tuple(found.values())[: source.max_items], invalid, links)


def _candidate(entry: Any, base: str, feed_lang: str | None, source: Config) -> Candidate | None:
    link = str(entry.get("link") or "")
    absolute = absolute_url(link, base) if link else None
    if absolute is None:
        return None
    url = canonical_url(absolute)
    title = fragment_text(str(entry.get("title") or ""))
    updated = entry_moment(entry, "updated")
    published = entry_moment(entry, "published") or updated
    lang = source.language or _entry_lang(entry) or feed_lang
    image = _image(entry, base)
    html = None
    if not source.fetch_article:
        contents = entry.get("content") or []
        body = str(contents[0].get("value", "")) if contents else str(entry.get("summary") or "")
        html = synthesize_document(
            url=url,
            title=title,
            body_html=body,
            lang=lang,
            published=published,
            modified=updated,
            image=image,
            categories=_categories(entry),
        )
    return Candidate(
        url=url,
        title=title or None,
        published=published,
        teaser=fragment_text(str(entry.get("summary") or "")),
        lang=lang,
        html=html,
        image=image,
    )


def _categories(entry: Any) -> tuple[str, ...]:
    """The entry's ``<category>`` (RSS) or ``<category term>`` (Atom) names, for routing."""
    tags = entry.get("tags") or []
    terms = (tag.get("term") for tag in tags if isinstance(tag, dict))
    return tuple(term.strip() for term in terms if isinstance(term, str) and term.strip())


def _image(entry: Any, base: str) -> str | None:
    """The first image of ``media:content``, then ``media:thumbnail``, then an enclosure."""
    contents = [m for m in entry.get("media_content") or [] if isinstance(m, dict)]
    thumbnails = [m for m in entry.get("media_thumbnail") or [] if isinstance(m, dict)]
    enclosures = [m for m in entry.get("enclosures") or [] if isinstance(m, dict)]
    found = [
        *(m.get("url") for m in contents if _is_image(m, str(m.get("url") or ""))),
        *(m.get("url") for m in thumbnails),
        *(m.get("href") for m in enclosures if str(m.get("type") or "").startswith("image/")),
    ]
    for url in found:
        if isinstance(url, str) and (absolute := absolute_url(url, base)):
            return absolute
    return None


def _is_image(media: dict[str, Any], url: str) -> bool:
    """``medium="image"`` or an image ``type``; with neither, an image file name."""
    medium, kind = media.get("medium"), str(media.get("type") or "")
    if medium or kind:
        return medium == "image" or kind.startswith("image/")
    return url.lower().split("?")[0].endswith((".jpg", ".jpeg", ".png", ".webp", ".gif"))


def _entry_lang(entry: Any) -> str | None:
    for detail in (entry.get("title_detail"), *(entry.get("content") or [])):
        if detail and (lang := normalise_lang(detail.get("language"))):
            return lang
    return None
