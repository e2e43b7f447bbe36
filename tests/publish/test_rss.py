"""RSS 2.0: permalink guids, RFC 822 dates, content:encoded, no channel language when combined."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import feedparser
from lxml import etree

from syndicator.model import Entry
from syndicator.publish import Feed, render_feed
from tests.publish.samples import BASE, URLS, make_config, make_entry, sample_entries

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"


def _rss(entries: list[Entry], lang: str | None = None) -> bytes:
    return render_feed(Feed(lang, "rss"), entries, make_config())


def test_feedparser_reads_the_combined_feed() -> None:
    parsed = feedparser.parse(_rss(sample_entries()))
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    assert parsed.feed.title == "Vaasa"
    assert "language" not in parsed.feed
    first = parsed.entries[0]
    assert first.id == first.link == URLS["fi"]
    assert first.content[0].value.startswith("<p>Runko fi äöå</p>")
    assert first.summary == "Ingressi fi: äöå ÄÖÅ &amp; &lt;tagit&gt;"  # plain text, as HTML
    assert first.author == "www.vaasa.fi"  # no organisation set nor og:site_name: the host


def test_channel_elements() -> None:
    root = etree.fromstring(_rss(sample_entries(), "sv"))
    channel = root.find("channel")
    assert root.get("version") == "2.0" and channel is not None
    assert channel.findtext("language") == "sv"
    assert channel.findtext("link") == BASE
    self_link = channel.find(f"{ATOM}link")
    assert self_link is not None and self_link.get("rel") == "self"
    assert self_link.get("href") == BASE + "feeds/sv/rss.xml"
    # the newest entry's own time: its page says it was published at 10:35
    assert channel.findtext("lastBuildDate") == "Fri, 27 Nov 2026 10:35:00 +0200"


def test_items_carry_permalink_guid_and_rfc822_dates() -> None:
    entry = make_entry("en")
    item = etree.fromstring(_rss([entry])).find("channel/item")
    assert item is not None
    guid = item.find("guid")
    assert guid is not None and guid.text == URLS["en"] and guid.get("isPermaLink") == "true"
    assert parsedate_to_datetime(item.findtext("pubDate", "")) == entry.published
    assert item.findtext("category") == "en"
    assert item.findtext(f"{CONTENT}encoded", "").startswith("<p>Runko en")
