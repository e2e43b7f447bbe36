"""What every feed format needs besides its entries: the feed's identity and a few formatters.

A ``Feed`` is one document we publish: a language (``None`` = all languages combined) and a
format. Its path is relative to ``service.base_url``; its URL is its Atom id, so it never changes
while the configuration does not.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from syndicator.config import Config
from syndicator.locales import HELSINKI
from syndicator.model import Entry
from syndicator.organisation import OrganisationSetting, article_organisation
from syndicator.publish.history import History

__all__ = [
    "CONTENT_TYPES",
    "EMPTY_FEED_UPDATED",
    "FILENAMES",
    "PLAUSIBLE_FROM",
    "Channel",
    "Feed",
    "Format",
    "absolute_url",
    "aware",
    "entry_published",
    "entry_updated",
    "feed_updated",
    "guess_type",
    "hub_url",
    "rfc3339",
    "rfc3339_exact",
]

Format = Literal["atom", "rss", "json"]

FILENAMES: dict[Format, str] = {"atom": "atom.xml", "rss": "rss.xml", "json": "feed.json"}
CONTENT_TYPES: dict[Format, str] = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "json": "application/feed+json",
}

# An empty feed's ``updated`` and Last-Modified. Documents never read the clock (an empty store
# rebuilds to identical bytes: a stable ETag), so this is a fixed date — the day empty feeds
# stopped being dated 1970, which validators call implausible (W3C ``ImplausibleDate``).
EMPTY_FEED_UPDATED = datetime(2026, 1, 1, tzinfo=UTC)
# Validators call any date before this implausible; a page claiming one is not believed.
PLAUSIBLE_FROM = datetime(1990, 1, 1, tzinfo=UTC)
_FRACTION = 1_000_000  # microseconds in a second: the room for the item id in ``updated``


@dataclass(frozen=True, slots=True)
class Feed:
    """One published document: ``feeds/atom.xml``, ``feeds/sv/rss.xml``; with ``source``
    (one configured source's entries, every language) ``feeds/source/{name}/feed.json``;
    with ``filter`` (a saved filter's matches, ``publish.filters``) ``feeds/filter/{name}/…``;
    with ``page`` (an RFC 5005 archive page, ``publish.archive``) ``archive/{page}/`` inside
    that folder: ``feeds/archive/2/atom.xml``, ``feeds/source/{name}/archive/2/rss.xml``."""

    lang: str | None
    format: Format
    source: str | None = None
    filter: str | None = None
    page: int | None = None

    @property
    def path(self) -> str:
        if self.source is not None:
            folder = f"feeds/source/{self.source}"
        elif self.filter is not None:
            folder = f"feeds/filter/{self.filter}"
        else:
            folder = "feeds" if self.lang is None else f"feeds/{self.lang}"
        if self.page is not None:
            folder = f"{folder}/archive/{self.page}"
        return f"{folder}/{FILENAMES[self.format]}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]

    def url(self, config: Config) -> str:
        """The document's absolute URL: its id, never changing with the entries."""
        return absolute_url(config.service.base_url, self.path)

    def title(self, config: Config) -> str:
        """``feeds.title`` for the combined feed, ``feeds.titles[lang]`` per language,
        ``feeds.title: name`` for a source's feed (``Channel.build`` names its publisher
        instead), a filter's own ``title``."""
        settings = config.feeds
        if self.source is not None:
            return f"{settings.title}: {self.source}"
        if self.filter is not None:
            return _filter_title(config, self.filter)
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
    hub_url: str | None = None  # the WebSub hub (rel="hub"), see ``hub_url``
    history: History | None = None  # RFC 5005 links and marker (``publish.archive``)

    @classmethod
    def build(
        cls,
        feed: Feed,
        entries: Sequence[Entry],
        config: Config,
        history: History | None = None,
    ) -> Channel:
        organisations = {source.name: source.organisation for source in config.sources}
        title = feed.title(config)
        if feed.source is not None:  # named by its publisher, as its entries are: never
            # by the internal source name (an empty one by the feeds' title alone)
            setting = organisations.get(feed.source)
            named = article_organisation(entries[0].article, setting) if entries else ""
            title = f"{config.feeds.title}: {named}" if named else config.feeds.title
        return cls(
            feed=feed,
            title=title,
            feed_url=feed.url(config),
            home_url=absolute_url(config.service.base_url, ""),
            updated=feed_updated(entries),
            organisations=organisations,
            hub_url=hub_url(config),
            history=history,
        )

    @property
    def feed_id(self) -> str:
        """The Atom id: the subscription document's URL, also on its archive pages (one
        logical feed, as in RFC 5005's examples); ``feed_url`` stays each page's own."""
        return self.history.current if self.history is not None else self.feed_url

    def author(self, entry: Entry) -> str:
        """Who published ``entry``, as the current settings name it (``organisation.py``)."""
        return article_organisation(entry.article, self.organisations.get(entry.source))


def _filter_title(config: Config, name: str) -> str:
    """The filter's title in its first language (else the feeds' first) that has one."""
    settings = config.feeds
    [feed_filter] = [each for each in settings.filters if each.name == name]
    for lang in (*feed_filter.languages, *settings.languages):
        if lang in feed_filter.title:
            return feed_filter.title[lang]
    return next(iter(feed_filter.title.values()), f"{settings.title}: {name}")


def absolute_url(base_url: str, path: str) -> str:
    """``path`` under ``base_url``, which may or may not end in a slash."""
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def hub_url(config: Config) -> str | None:
    """The WebSub hub every feed names: ``feeds.hub_url``, else our own ``/websub`` while
    the built-in hub is on (``[websub] enabled``, the default); else none."""
    if config.feeds.hub_url:
        return config.feeds.hub_url
    return absolute_url(config.service.base_url, "websub") if config.websub.enabled else None


def feed_updated(entries: Sequence[Entry]) -> datetime:
    """The newest :func:`entry_updated` among the entries; a fixed date when there are none."""
    return max((entry_updated(entry) for entry in entries), default=EMPTY_FEED_UPDATED)


def feed_changed(entries: Sequence[Entry]) -> datetime:
    """The HTTP ``Last-Modified``: when the document last changed — the newest entry time or
    the newest storing, whichever is later. A release stored now with an older page date
    changes the feed, so a client that sends only ``If-Modified-Since`` must not get a 304."""
    stored = (_utc(entry.updated) for entry in entries)
    return max(feed_updated(entries), max(stored, default=EMPTY_FEED_UPDATED))


def entry_published(entry: Entry) -> datetime:
    """When the page says it was published, if believable: not before 1990 and not after we
    stored its latest version; else when we first saw it."""
    published = _utc(entry.published)
    return published if _plausible(published, entry.updated) else _utc(entry.first_seen)


def entry_updated(entry: Entry) -> datetime:
    """The release's own time, as feeds show it (Atom ``updated``, JSON ``date_modified``).

    The page's modified time, else its published time, when the page gives one; a version
    we detected ourselves (no page time, or an edit the page does not date) gets its
    detection time, when the version was stored. Never later than that storing, nor before
    ``entry_published``. The fraction of the second is the item id, so two entries never
    share a value (W3C ``DuplicateUpdated``: the languages of one release share the page's
    time; a first poll stores many items in one second) while each entry's value depends
    on itself alone — it moves only when the entry does.
    """
    stored = _utc(entry.updated)
    page = _page_time(entry)
    moment = max(page, entry_published(entry)) if page and _plausible(page, stored) else stored
    return moment.replace(microsecond=entry.item_id % _FRACTION)


def _page_time(entry: Entry) -> datetime | None:
    """The time the page gives this version: for an edit, only a modified time later than our
    first sight of the item dates it (a published time never does)."""
    article = entry.article
    if entry.version > 1:
        modified = _utc(article.updated) if article.updated else None
        return modified if modified and modified > _utc(entry.first_seen) else None
    page = article.updated or (None if article.date_from_first_seen else article.published)
    return _utc(page) if page else None


def _plausible(moment: datetime, latest: datetime) -> bool:
    return PLAUSIBLE_FROM <= _utc(moment) <= _utc(latest)


def _utc(moment: datetime) -> datetime:
    """``moment`` as is when it carries a zone; a naive time is taken as UTC (as ``aware``)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def aware(moment: datetime) -> datetime:
    """``moment`` in Helsinki time, whatever zone the store returned it in (the same
    instant, so the output stays deterministic); a naive time is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(HELSINKI)


def rfc3339(moment: datetime) -> str:
    """``2026-11-27T10:15:00+02:00``."""
    return aware(moment).isoformat(timespec="seconds")


def rfc3339_exact(moment: datetime) -> str:
    """``2026-11-27T10:15:00.000042+02:00``: with the fraction of a second when it has one."""
    return aware(moment).isoformat(timespec="auto")


def guess_type(url: str, declared: str = "") -> str | None:
    """A MIME type for an enclosure: the declared one, else a guess from the URL's suffix."""
    if declared:
        return declared
    guessed, _encoding = mimetypes.guess_type(url.split("?", 1)[0], strict=False)
    return guessed
