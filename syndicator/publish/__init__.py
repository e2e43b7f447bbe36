"""Feed documents: Atom 1.0, RSS 2.0 and JSON Feed 1.1, combined and per language.

Paths, relative to ``service.base_url``: ``feeds/atom.xml``, ``feeds/rss.xml``,
``feeds/feed.json`` (all languages) and ``feeds/{lang}/…`` for each of ``feeds.languages``.
Entry ids are the items' canonical URLs and never change when a release is edited.
"""

from __future__ import annotations

from syndicator.publish.channel import Feed, feed_updated
from syndicator.publish.documents import (
    EntriesFor,
    all_feeds,
    feed_documents,
    render_feed,
    write_feeds,
)

__all__ = [
    "EntriesFor",
    "Feed",
    "all_feeds",
    "feed_documents",
    "feed_updated",
    "render_feed",
    "write_feeds",
]
