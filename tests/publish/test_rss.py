"""RSS 2.0: permalink guids, RFC 822 dates, content:encoded, no channel language when combined."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from email.utils import parsedate_to_datetime

import feedparser
from lxml import etree

from syndicator.model import Entry, Image
from syndicator.publish import Feed, render_feed
from tests.publish.samples import BASE, URLS, edited, make_config, make_entry, sample_entries

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
PHOTO = "https://www.vaasa.fi/kuvat/kartta.png"


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


MEDIA = "{http://search.yahoo.com/mrss/}"


def _item(entry: Entry) -> etree._Element:
    item = etree.fromstring(_rss([entry])).find("channel/item")
    assert item is not None
    return item


def test_one_enclosure_the_image_and_media_content_for_the_rest() -> None:
    entry = make_entry("fi")
    extra = replace(entry.article, images=(*entry.article.images, Image(PHOTO, alt="Kartta")))
    item = _item(replace(entry, article=extra))
    enclosures = item.findall("enclosure")
    assert [dict(e.attrib) for e in enclosures] == [
        {"url": "https://www.vaasa.fi/kuvat/koulu.jpg", "type": "image/jpeg", "length": "0"}
    ]
    media = [
        (m.get("url"), m.get("type"), m.get("medium"), m.findtext(f"{MEDIA}title"))
        for m in item.findall(f"{MEDIA}content")
    ]
    assert media == [
        (PHOTO, "image/png", "image", "Kartta"),
        ("https://www.vaasa.fi/liite.pdf", "application/pdf", None, "Liite"),
    ]
    parsed = feedparser.parse(_rss([replace(entry, article=extra)]))
    assert parsed.bozo == 0
    assert parsed.entries[0].enclosures[0].href.endswith("koulu.jpg")


def test_without_images_the_first_attachment_is_the_enclosure() -> None:
    entry = make_entry("sv")
    item = _item(replace(entry, article=replace(entry.article, images=())))
    [enclosure] = item.findall("enclosure")
    assert enclosure.attrib == {
        "url": "https://www.vaasa.fi/liite.pdf",
        "type": "application/pdf",
        "length": "0",
    }
    assert item.findall(f"{MEDIA}content") == []
    bare = replace(entry, article=replace(entry.article, images=(), attachments=()))
    assert _item(bare).find("enclosure") is None


def test_an_edit_keeps_the_guid_and_moves_atom_updated() -> None:
    before, after = _item(make_entry("en")), _item(edited(make_entry("en")))
    assert before.findtext("guid") == after.findtext("guid") == URLS["en"]
    assert before.findtext("pubDate") == after.findtext("pubDate")
    old, new = before.findtext(f"{ATOM}updated", ""), after.findtext(f"{ATOM}updated", "")
    assert datetime.fromisoformat(old) < datetime.fromisoformat(new)
