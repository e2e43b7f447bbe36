"""Feed documents: Atom 1.0, RSS 2.0 and JSON Feed 1.1, combined and per language.

Paths, relative to ``service.base_url``: ``feeds/atom.xml``, ``feeds/rss.xml``,
``feeds/feed.json`` (all languages), ``feeds/{lang}/…`` for each of ``feeds.languages`` and
``feeds/source/{name}/…`` for each configured source (served by the web app), and the RFC 5005
archive pages ``feeds/archive/{k}/…``, ``feeds/{lang}/archive/{k}/…`` and
``feeds/source/{name}/archive/{k}/…`` (``publish.archive``).
Entry ids are the items' canonical URLs and never change when a release is edited.

Dates: an entry's ``updated`` (Atom; RSS ``atom:updated``; JSON Feed ``date_modified``) is
the release's own time — the page's modified, else published time — or, for a version we
detected ourselves, when it was stored; its fraction of a second is the item id, so no two
entries share one (``channel.entry_updated``). The feed's ``updated`` is the newest entry's;
the HTTP ``Last-Modified`` is that or the newest storing, whichever is later (a backdated
release still changes the document); an empty feed's is a fixed, plausible date.
Media: Atom ``rel="enclosure"`` links and JSON Feed ``attachments`` carry every image and
attachment; RSS has one ``<enclosure>`` (the first image, else attachment) and
``media:content`` for the rest. ``rel="self"`` on every feed; ``rel="hub"`` (JSON Feed
``hubs``): ``feeds.hub_url``, else our own hub while ``[websub] enabled``. Text was cleaned
at extraction (``extract.displaytext``), so every format shows the same words.
"""

from __future__ import annotations

from syndicator.publish.channel import Feed, feed_changed, feed_updated
from syndicator.publish.documents import (
    EntryReader,
    all_feeds,
    feed_documents,
    feed_entries,
    published_feeds,
    render_feed,
    source_feeds,
    write_feeds,
)

__all__ = [
    "EntryReader",
    "Feed",
    "all_feeds",
    "feed_changed",
    "feed_documents",
    "feed_entries",
    "feed_updated",
    "published_feeds",
    "render_feed",
    "source_feeds",
    "write_feeds",
]
