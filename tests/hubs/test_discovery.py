"""Discovery of a source's hub and topic: the Link header first, then the document (Atom,
RSS with atom:link, an HTML head); topic = rel=self, else the fetched URL."""

from __future__ import annotations

import pytest

from syndicator.http import Page
from syndicator.hubs.discovery import HubLink, choose_hub, header_links
from syndicator.sources import feed, html_listing
from syndicator.sources.listing import advertised_hub

URL = "https://www.vaasa.fi/uutiset/feed/"
HUB = "https://hub.example/"


@pytest.mark.parametrize(
    ("value", "links"),
    [
        (None, []),
        ("", []),
        (f'<{HUB}>; rel="hub"', [("hub", HUB)]),
        (f"<{HUB}>; rel=hub", [("hub", HUB)]),
        (f'<{HUB}>; rel="hub", <{URL}>; rel="self"', [("hub", HUB), ("self", URL)]),
        (f'<{HUB}>;rel="HUB self"', [("hub", HUB), ("self", HUB)]),
        ('</push>; rel="hub"', [("hub", "https://www.vaasa.fi/push")]),  # relative: resolved
        ('<https://a.example/x,y>; title="a, b; c"; rel="hub"', [("hub", "https://a.example/x,y")]),
        ('<mailto:x@y.example>; rel="hub"', []),  # not http(s)
        (
            '<https://api.w.org/>; rel="https://api.w.org/"',
            [("https://api.w.org/", "https://api.w.org/")],
        ),
        ("garbage without brackets", []),
    ],
)
def test_link_headers(value: str | None, links: list[tuple[str, str]]) -> None:
    assert header_links(value, URL) == links


@pytest.mark.parametrize(
    ("headers", "document", "found"),
    [
        ([], [], None),
        ([("self", URL)], [], None),  # a self link alone is no hub
        ([("hub", HUB)], [], HubLink(HUB, URL)),  # no self: the fetched URL
        ([("hub", HUB), ("self", "https://x.example/t")], [], HubLink(HUB, "https://x.example/t")),
        # the header wins, with its own self (not the document's)
        ([("hub", HUB)], [("hub", "https://other.example/"), ("self", "https://d.example/")],
         HubLink(HUB, URL)),
        ([], [("hub", HUB), ("self", "https://d.example/")], HubLink(HUB, "https://d.example/")),
        ([], [("hub", HUB), ("hub", "https://second.example/")], HubLink(HUB, URL)),
    ],
)  # fmt: skip
def test_choose_hub(
    headers: list[tuple[str, str]], document: list[tuple[str, str]], found: HubLink | None
) -> None:
    assert choose_hub(URL, headers, document) == found


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Uutiset</title><id>urn:x</id>
<updated>2026-12-01T10:00:00Z</updated>
<link rel="hub" href="https://hub.example/"/>
<link rel="self" href="https://www.vaasa.fi/atom.xml"/>
<link rel="alternate" href="https://www.vaasa.fi/"/>
<entry><title>Kirjasto</title><id>urn:1</id><link href="https://www.vaasa.fi/1"/>
<updated>2026-12-01T10:00:00Z</updated></entry></feed>"""

RSS = b"""<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel><title>Uutiset</title><link>https://www.vaasa.fi/</link>
<atom:link rel="hub" href="/websub"/>
<item><title>Kirjasto</title><link>https://www.vaasa.fi/1</link></item></channel></rss>"""


def _page(body: bytes, link: str | None = None) -> Page:
    headers = {"link": link} if link else {}
    return Page(URL, 200, body, body.decode(), "utf-8", "application/xml", headers)


def _feed_source() -> feed.Config:
    return feed.Config(kind="feed", name="vaasa", url=URL)


def test_an_atom_feed_names_its_hub_and_self() -> None:
    read = feed.read_feed(ATOM, URL, _feed_source())
    assert advertised_hub(_page(ATOM), read.links) == HubLink(HUB, "https://www.vaasa.fi/atom.xml")


def test_an_rss_feed_with_atom_link_and_no_self_gets_the_fetched_url() -> None:
    read = feed.read_feed(RSS, URL, _feed_source())
    assert advertised_hub(_page(RSS), read.links) == HubLink("https://www.vaasa.fi/websub", URL)


def test_the_link_header_wins_over_the_feed() -> None:
    read = feed.read_feed(ATOM, URL, _feed_source())
    page = _page(ATOM, '<https://push.example/>; rel="hub"')
    assert advertised_hub(page, read.links) == HubLink("https://push.example/", URL)


LISTING = """<!doctype html><html><head><title>Uutiset</title>
<link rel="stylesheet" href="/s.css"><link rel="hub" href="https://hub.example/">
<link rel="self alternate" href="https://www.vaasa.fi/uutiset/"></head>
<body><article><a href="/1"><h2>Kirjasto</h2></a></article></body></html>"""


def test_an_html_listing_head_names_its_hub() -> None:
    source = html_listing.Config(kind="html", name="vaasa", urls=(URL,))
    read = html_listing.read_page(LISTING, URL, source)
    assert [c.url for c in read.candidates] == ["https://www.vaasa.fi/1"]
    found = advertised_hub(_page(LISTING.encode()), read.links)
    assert found == HubLink(HUB, "https://www.vaasa.fi/uutiset/")


def test_a_page_without_hub_advertises_none() -> None:
    source = html_listing.Config(kind="html", name="vaasa", urls=(URL,))
    read = html_listing.read_page("<html><head></head><body></body></html>", URL, source)
    assert advertised_hub(_page(b"<html></html>"), read.links) is None
