"""Atom 1.0: structure per RFC 4287, language alternates, stable ids across edits."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import feedparser
from lxml import etree

from syndicator.model import Entry
from syndicator.publish import Feed, render_feed
from tests.publish.samples import BASE, URLS, edited, make_config, make_entry, sample_entries

A = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _atom(entries: list[Entry], lang: str | None = None, **feeds: object) -> bytes:
    return render_feed(Feed(lang, "atom"), entries, make_config(**feeds))


def _root(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def test_feed_has_the_elements_rfc4287_requires() -> None:
    root = _root(_atom(sample_entries()))
    assert root.tag == f"{A}feed"
    assert root.nsmap[None] == "http://www.w3.org/2005/Atom"
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{A}{name}")) == 1, name
    assert root.findtext(f"{A}id") == BASE + "feeds/atom.xml"
    self_link = root.find(f"{A}link[@rel='self']")
    assert self_link is not None and self_link.get("href") == BASE + "feeds/atom.xml"
    assert self_link.get("type") == "application/atom+xml"
    home = root.find(f"{A}link[@rel='alternate']")
    assert home is not None and home.get("href") == BASE and home.get("type") == "text/html"
    entries = root.findall(f"{A}entry")
    assert len(entries) == 8
    for entry in entries:
        for name in ("id", "title", "updated", "published", "author"):
            assert len(entry.findall(f"{A}{name}")) == 1, name
        content = entry.find(f"{A}content")
        assert content is not None and content.get("type") == "html"
        keys = [
            (link.get("type"), link.get("hreflang"))
            for link in entry.findall(f"{A}link[@rel='alternate']")
        ]
        assert len(keys) == len(set(keys)), "one alternate per (type, hreflang)"


def test_feed_updated_is_the_newest_entry_update() -> None:
    root = _root(_atom(sample_entries()))
    # the Finnish release: published on the page at 10:35, item 1 (the fraction)
    assert root.findtext(f"{A}updated") == "2026-11-27T10:35:00.000001+02:00"
    newest = max(entry.findtext(f"{A}updated", "") for entry in root.findall(f"{A}entry"))
    assert root.findtext(f"{A}updated") == newest


def test_language_alternates_and_read_more_links_keep_their_attributes() -> None:
    root = _root(_atom([make_entry("fi")]))
    entry = root.find(f"{A}entry")
    assert entry is not None
    alternates = {
        link.get("hreflang"): link for link in entry.findall(f"{A}link[@rel='alternate']")
    }
    assert {lang: link.get("href") for lang, link in alternates.items()} == {
        **URLS,
        None: URLS["fi"],  # the own page closes the list too (feedparser takes the last)
    }
    assert all(link.get("type") == "text/html" for link in alternates.values())
    related = entry.findall(f"{A}link[@rel='related']")
    assert [(link.get("href"), link.get("title")) for link in related] == [
        ("https://www.vaasa.fi/koulut/", "Lue lisää kouluista"),
        ("https://www.vaasa.fi/paatokset/", "Päätökset"),
    ]
    enclosures = {
        link.get("href"): link.get("type")
        for link in entry.findall(f"{A}link")
        if link.get("rel") == "enclosure"
    }
    assert enclosures == {
        "https://www.vaasa.fi/kuvat/koulu.jpg": "image/jpeg",
        "https://www.vaasa.fi/liite.pdf": "application/pdf",
    }


def test_feedparser_reads_links_with_hreflang() -> None:
    parsed = feedparser.parse(_atom(sample_entries()))
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    first = parsed.entries[0]
    hreflangs = {link.get("hreflang"): link.href for link in first.links if link.rel == "alternate"}
    assert hreflangs == {**URLS, None: URLS["fi"]}
    assert [entry.link for entry in parsed.entries[:3]] == [URLS["fi"], URLS["sv"], URLS["en"]]
    assert any(link.rel == "related" and link.title == "Päätökset" for link in first.links)


def test_combined_feed_has_xml_lang_per_entry_and_none_on_the_feed() -> None:
    root = _root(_atom(sample_entries()))
    assert root.get(XML_LANG) is None
    langs = [entry.get(XML_LANG) for entry in root.findall(f"{A}entry")]
    assert langs[:3] == ["fi", "sv", "en"]


def test_language_feed_declares_its_language_and_title() -> None:
    only_sv = [entry for entry in sample_entries() if entry.article.lang == "sv"]
    root = _root(_atom(only_sv, "sv"))
    assert root.get(XML_LANG) == "sv"
    assert root.findtext(f"{A}title") == "Vasa"
    assert root.findtext(f"{A}id") == BASE + "feeds/sv/atom.xml"


def test_an_edit_keeps_the_id_and_moves_updated() -> None:
    before = make_entry("fi")
    after = edited(before)
    old = _root(_atom([before])).find(f"{A}entry")
    new = _root(_atom([after])).find(f"{A}entry")
    assert old is not None and new is not None
    assert old.findtext(f"{A}id") == new.findtext(f"{A}id") == URLS["fi"]
    assert old.findtext(f"{A}published") == new.findtext(f"{A}published")
    assert old.findtext(f"{A}updated") != new.findtext(f"{A}updated")
    assert new.findtext(f"{A}title", "").endswith("(päivitetty)")


def test_newest_n_only() -> None:
    root = _root(_atom(sample_entries(), max_entries=3))
    ids = [entry.findtext(f"{A}id") for entry in root.findall(f"{A}entry")]
    assert ids == [URLS["fi"], URLS["sv"], URLS["en"]]


def test_non_ascii_text_round_trips() -> None:
    data = _atom([make_entry("sv")])
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert "Stadsstyrelsen beslöt om skolan i Vörå — åtgärder".encode() in data
    parsed = feedparser.parse(data)
    assert parsed.entries[0].title == "Stadsstyrelsen beslöt om skolan i Vörå — åtgärder"
    assert parsed.entries[0].summary == "Ingressi sv: äöå ÄÖÅ & <tagit>"
    assert parsed.entries[0].content[0].value.startswith("<p>Runko sv äöå</p>")


def test_empty_feed_is_valid_and_deterministic() -> None:
    data = _atom([])
    assert data == _atom([])
    root = _root(data)
    assert root.findtext(f"{A}updated") == "2026-01-01T02:00:00+02:00"  # not 1970
    assert feedparser.parse(data).bozo == 0


def test_times_are_shown_in_helsinki_time_whatever_the_store_returns() -> None:
    entry = make_entry("fi")  # no time on the page: its detection time is shown
    entry = replace(entry, article=replace(entry.article, date_from_first_seen=True))
    in_utc = replace(entry, updated=entry.updated.astimezone(UTC))
    root = _root(_atom([in_utc]))
    assert root.findtext(f"{A}entry/{A}updated") == "2026-11-27T10:20:00.000001+02:00"
    summer = replace(entry, updated=datetime(2026, 7, 1, 9, 0, tzinfo=UTC))
    assert _root(_atom([summer])).findtext(f"{A}updated") == "2026-07-01T12:00:00.000001+03:00"


def test_characters_xml_cannot_carry_are_dropped() -> None:
    entry = make_entry("fi")
    broken = replace(entry, article=replace(entry.article, title="Vika\x00\x0bteksti"))
    root = _root(_atom([broken]))
    assert root.findtext(f"{A}entry/{A}title") == "Vikateksti"


def test_text_that_reads_as_markup_is_sent_escaped_as_html() -> None:
    """W3C ContainsUndeclaredHTML: a type="text" construct holding "<b>" or "&amp;"."""
    entry = make_entry("fi")
    odd = replace(entry.article, title="Kokous <b>tänään</b>", lead="Tom &amp; Jerry")
    root = _root(_atom([replace(entry, article=odd)]))
    title, summary = root.find(f"{A}entry/{A}title"), root.find(f"{A}entry/{A}summary")
    assert title is not None and summary is not None
    assert (title.get("type"), title.text) == ("html", "Kokous &lt;b&gt;tänään&lt;/b&gt;")
    assert (summary.get("type"), summary.text) == ("html", "Tom &amp;amp; Jerry")
    plain = _root(_atom([entry])).find(f"{A}entry/{A}summary")
    assert plain is not None and plain.get("type") is None  # "& <tagit>" reads as text
