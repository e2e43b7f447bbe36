"""PURE: saved filters' feeds (``[[feeds.filters]]``): which releases each one holds.

A filter's ``categories`` and ``keywords`` are ``routing.py``'s include rules (each list that
is set needs one match, by the same spelling and word rules as a destination's); its
``languages``, when set, keep those languages only. The web app reads the newest
``scan_limit`` entries (of the filter's one language, when it has exactly one), keeps the
matches and cuts them to ``feeds.max_entries``: bounded work per render, so a filter that
rarely matches may show fewer than ``max_entries`` old releases.
"""

from __future__ import annotations

from collections.abc import Iterable

from syndicator.config import Config, FeedFilter
from syndicator.model import Article, Entry
from syndicator.publish.channel import FILENAMES, Feed
from syndicator.routing import Rules, admits

__all__ = [
    "SCAN_FACTOR",
    "admitted",
    "filter_feeds",
    "matching",
    "scan_language",
    "scan_limit",
]

SCAN_FACTOR = 10  # entries read per entry shown, at most


def filter_feeds(config: Config) -> list[Feed]:
    """Every saved filter's documents, in each format."""
    return [
        Feed(None, fmt, filter=feed_filter.name)
        for feed_filter in config.feeds.filters
        for fmt in FILENAMES
    ]


def scan_limit(config: Config) -> int:
    """How many of the newest entries a filter's feed reads."""
    return SCAN_FACTOR * config.feeds.max_entries


def scan_language(feed_filter: FeedFilter) -> str | None:
    """The language to read entries of: the filter's only one, else all (``None``)."""
    return feed_filter.languages[0] if len(feed_filter.languages) == 1 else None


def matching(feed_filter: FeedFilter, entries: Iterable[Entry], limit: int) -> list[Entry]:
    """The first ``limit`` of ``entries`` (newest first) that ``feed_filter`` admits."""
    chosen: list[Entry] = []
    for entry in entries:
        if admitted(feed_filter, entry.article):
            chosen.append(entry)
            if len(chosen) == limit:
                break
    return chosen


def admitted(feed_filter: FeedFilter, article: Article) -> bool:
    """Whether ``feed_filter``'s feed holds ``article``."""
    if feed_filter.languages and article.lang not in feed_filter.languages:
        return False
    rules = Rules(categories_include=feed_filter.categories, keywords_include=feed_filter.keywords)
    return admits(rules, article.categories, "\n".join((article.title, article.lead, article.text)))
