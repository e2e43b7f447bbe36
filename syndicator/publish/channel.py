"""What every feed format needs besides its entries: the feed's identity and a few formatters.

A ``Feed`` is one document we publish: a language (``None`` = all languages combined) and a
format. Its path is relative to ``service.base_url``; its URL is its Atom id, so it never changes
while the configuration does not.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from syndicator.config import Config
from syndicator.locales import HELSINKI
from syndicator.model import Entry
from syndicator.organisation import OrganisationSetting, article_organisation

__all__ = [
    "CONTENT_TYPES",
    "EMPTY_FEED_UPDATED",
    "FILENAMES",
    "Channel",
    "Feed",
    "Format",
    "absolute_url",
    "aware",
    "feed_updated",
    "guess_type",
    "rfc3339",
    "xml_safe",
]

Format = Literal["atom", "rss", "json"]

FILENAMES: dict[Format, str] = {"atom": "atom.xml", "rss": "rss.xml", "json": "feed.json"}
CONTENT_TYPES: dict[Format, str] = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "json": "application/feed+json",
}

# An empty store still yields identical bytes on every rebuild (stable ETag).
EMPTY_FEED_UPDATED = datetime(1970, 1, 1, tzinfo=UTC)

# Characters XML 1.0 forbids; scraped text occasionally carries them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class Feed:
    """One published document: ``feeds/atom.xml`` or ``feeds/sv/rss.xml``."""

    lang: str | None
    format: Format

    @property
    def path(self) -> str:
        folder = "feeds" if self.lang is None else f"feeds/{self.lang}"
        return f"{folder}/{FILENAMES[self.format]}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]

    def url(self, config: Config) -> str:
        """The document's absolute URL: its id, never changing with the entries."""
        return absolute_url(config.service.base_url, self.path)

    def title(self, config: Config) -> str:
        """``feeds.title`` for the combined feed, ``feeds.titles[lang]`` per language."""
        settings = config.feeds
        if self.lang is None:
            return settings.title
        return settings.titles.get(self.lang) or f"{settings.title} ({self.lang})"


@dataclass(frozen=True, slots=True)
class Channel:
    """Feed-level facts shared by the three renderers."""

    feed: Feed
    title: str
    feed_url: str  # the document's own URL: Atom id, rel="self", JSON Feed feed_url
    home_url: str  # the HTML page (our index)
    updated: datetime
    # each source's ``organisation`` setting: entries name their publisher, never the source
    organisations: Mapping[str, OrganisationSetting] = field(default_factory=dict)

    @classmethod
    def build(cls, feed: Feed, entries: Sequence[Entry], config: Config) -> Channel:
        return cls(
            feed=feed,
            title=feed.title(config),
            feed_url=feed.url(config),
            home_url=absolute_url(config.service.base_url, ""),
            updated=feed_updated(entries),
            organisations={source.name: source.organisation for source in config.sources},
        )

    def author(self, entry: Entry) -> str:
        """Who published ``entry``, as the current settings name it (``organisation.py``)."""
        return article_organisation(entry.article, self.organisations.get(entry.source))


def absolute_url(base_url: str, path: str) -> str:
    """``path`` under ``base_url``, which may or may not end in a slash."""
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def feed_updated(entries: Sequence[Entry]) -> datetime:
    """The newest ``updated`` among the entries; a fixed epoch when there are none."""
    return max((entry.updated for entry in entries), default=EMPTY_FEED_UPDATED)


def aware(moment: datetime) -> datetime:
    """``moment`` in Helsinki time, whatever zone the store returned it in (the same
    instant, so the output stays deterministic); a naive time is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(HELSINKI)


def rfc3339(moment: datetime) -> str:
    """``2026-11-27T10:15:00+02:00``."""
    return aware(moment).isoformat(timespec="seconds")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry."""
    return _XML_INVALID.sub("", text)


def guess_type(url: str, declared: str = "") -> str | None:
    """A MIME type for an enclosure: the declared one, else a guess from the URL's suffix."""
    if declared:
        return declared
    guessed, _encoding = mimetypes.guess_type(url.split("?", 1)[0], strict=False)
    return guessed
