"""PURE: every document we publish, and which of them hold a release (the WebSub topics).

Our hub accepts a subscription to any published feed: combined, per language, per source
and per saved filter, in each format. An event of an item writes an outbox row for each
live subscription whose topic is one of the documents the item appears in
(``topics_of``), so a subscriber to ``feeds/filter/energia/atom.xml`` hears of energy
releases only. A withdrawal has no article to match a filter against: it goes to the
filters of its language, whose subscribers then fetch a document without the release.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from syndicator.config import Config
from syndicator.model import Article
from syndicator.publish.documents import published_feeds
from syndicator.publish.filters import admitted

__all__ = ["TopicsFor", "topics_of"]

# (source name, language, article or None for a withdrawal) → topic URLs
TopicsFor = Callable[[str, str | None, Article | None], Sequence[str]]


def topics_of(
    config: Config, source: str, lang: str | None, article: Article | None
) -> tuple[str, ...]:
    """The URLs of the documents that hold an item of ``source`` in ``lang``: ``article``
    decides the saved filters; without one (a withdrawal) a filter's languages do."""
    filters = {feed_filter.name: feed_filter for feed_filter in config.feeds.filters}
    held: list[str] = []
    for feed in published_feeds(config):
        if feed.source is not None:
            holds = feed.source == source
        elif feed.filter is not None:
            chosen = filters[feed.filter]
            if article is not None:
                holds = admitted(chosen, article)
            else:
                holds = not chosen.languages or lang in chosen.languages
        else:
            holds = feed.lang is None or feed.lang == lang
        if holds:
            held.append(feed.url(config))
    return tuple(held)
