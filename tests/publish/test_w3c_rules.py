"""The W3C checks of ``w3c.py`` catch what they claim to: each rule on a document breaking it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from syndicator.publish import Feed, render_feed
from tests.publish.samples import make_config, make_entry
from tests.publish.w3c import check

NOW = datetime(2026, 12, 1, tzinfo=UTC)
U = "2026-11-27T10:00:00+02:00"


def _atom(feed: str = "", entries: tuple[str, ...] = ("",)) -> bytes:
    head = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><id>https://x.example/f</id><title>T</title>'
        f'<updated>{U}</updated><link rel="self" href="https://x.example/f"/>'
        "<author><name>A</name></author>"
    )
    body = "".join(
        f"<entry><id>https://x.example/{n}</id><title>E</title>"
        f'<updated>2026-11-2{n}T10:00:00+02:00</updated><link href="https://x.example/{n}"/>'
        f"{extra}</entry>"
        for n, extra in enumerate(entries)
    )
    return (head + feed + body + "</feed>").encode()


def _rss(item: str = "", channel: str = "") -> bytes:
    return (
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>T</title>'
        "<link>https://x.example/</link><description>D</description>"
        '<atom:link rel="self" href="https://x.example/rss.xml"/>'
        f"{channel}<item><title>I</title><guid>https://x.example/1</guid>{item}</item>"
        "</channel></rss>"
    ).encode()


def _codes(path: str, data: bytes) -> list[str]:
    return [finding.code for finding in check(path, data, NOW)]


def test_the_handmade_baselines_are_clean() -> None:
    assert _codes("atom.xml", _atom()) == []
    assert _codes("rss.xml", _rss()) == []


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (_atom().replace(b'<link rel="self" href="https://x.example/f"/>', b""), "MissingSelf"),
        (_atom().replace(b"<title>T</title>", b""), "MissingElement"),
        (_atom().replace(b"<author><name>A</name></author>", b""), "MissingElement"),
        (_atom(f"<updated>{U}</updated>"), "DuplicateElement"),
        (_atom().replace(U.encode(), b"1970-01-01T02:00:00+02:00"), "ImplausibleDate"),
        (_atom().replace(U.encode(), b"2099-01-01T00:00:00Z"), "ImplausibleDate"),
        (_atom().replace(U.encode(), b"27.11.2026 10:00"), "InvalidRFC3339Date"),
        (_atom(entries=("", "")).replace(b"2026-11-21T", b"2026-11-20T"), "DuplicateUpdated"),
        (_atom(entries=("", "")).replace(b"/1</id>", b"/0</id>"), "DuplicateEntries"),
        (_atom(entries=('<link rel="related" href="/suhteellinen"/>',)), "ContainsRelRef"),
        (_atom(entries=("<summary>a &amp;amp; b</summary>",)), "ContainsUndeclaredHTML"),
        (_atom(entries=("<summary>&lt;b&gt;x&lt;/b&gt;</summary>",)), "ContainsUndeclaredHTML"),
        (_atom(entries=('<content type="html">&lt;script&gt;x&lt;/script&gt;</content>',)),
         "SecurityRisk"),
        (_atom(entries=('<content type="html">&lt;p onclick="x"&gt;y&lt;/p&gt;</content>',)),
         "SecurityRiskAttr"),
        (_atom(entries=('<content type="html">&lt;a href="/x"&gt;y&lt;/a&gt;</content>',)),
         "ContainsRelRef"),
        (_atom(entries=("<summary>\u202egnp.exe</summary>",)), "BadCharacters"),
        (_atom(entries=("<summary>c1 \u0085 \ufffd</summary>",)), "BadCharacters"),
        (_atom().replace(b"https://x.example/0</id>", b"0</id>"), "InvalidFullLink"),
        (_atom('<link rel="alternate" href="https://x.example/a"/>'
               '<link rel="alternate" href="https://x.example/b"/>'), "DuplicateAtomLink"),
        (_atom('<link rel="kotisivu" href="https://x.example/"/>'), "UnregisteredAtomLinkRel"),
        (_atom('<link rel="self" type="text/html" href="https://x.example/"/>'), "SelfNotAtom"),
        (_atom('<link rel="related" title="" href="https://x.example/"/>'), "AttrNotBlank"),
        (_atom('<link rel="related" title="&lt;/b&gt;" href="https://x.example/"/>'),
         "ContainsHTML"),
        (_atom('<link rel="related" hreflang="suomi!" href="https://x.example/"/>'),
         "InvalidLanguage"),
        (_atom('<link rel="related"/>'), "MissingHref"),
        (_atom().replace(b"<entry>", b'<entry xml:lang="fi_FI x">'), "InvalidLanguage"),
    ],
)  # fmt: skip
def test_atom_rules(data: bytes, code: str) -> None:
    assert code in _codes("atom.xml", data)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (_rss().replace(b'<atom:link rel="self" href="https://x.example/rss.xml"/>', b""),
         "MissingAtomSelfLink"),
        (_rss().replace(b"<description>D</description>", b""), "MissingElement"),
        (_rss().replace(b"<guid>https://x.example/1</guid>", b""), "MissingGuid"),
        (_rss().replace(b"<guid>https://x.example/1</guid>", b"<guid>1</guid>"), "InvalidHttpGUID"),
        (_rss("<pubDate>2026-11-27T10:00:00Z</pubDate>"), "InvalidRFC2822Date"),
        (_rss("<pubDate>Mon, 27 Nov 2026 10:00:00 +0200</pubDate>"), "IncorrectDOW"),
        (_rss("<pubDate>Thu, 01 Jan 1970 00:00:00 GMT</pubDate>"), "ImplausibleDate"),
        (_rss(channel="<lastBuildDate>Fri, 01 Jan 2100 00:00:00 GMT</lastBuildDate>"),
         "ImplausibleDate"),
        (_rss('<enclosure url="https://x.example/a.jpg" length="0" type="image/jpeg"/>' * 2),
         "DuplicateEnclosure"),
        (_rss('<enclosure url="https://x.example/a.jpg" type="image/jpeg"/>'),
         "InvalidNonNegativeInteger"),
        (_rss('<enclosure url="/a.jpg" length="0" type="image/jpeg"/>'), "InvalidURLAttribute"),
        (_rss().replace(b"<title>I</title>", b"<title>&lt;b&gt;I&lt;/b&gt;</title>"),
         "ContainsHTML"),
        (_rss("<description>&lt;iframe src='https://e.example/'&gt;&lt;/iframe&gt;</description>"),
         "SecurityRisk"),
        (_rss().replace(b"</channel>", b"<item><guid>https://x.example/1</guid></item></channel>"),
         "DuplicateValue"),
        (_rss(channel="<language>suomi kieli</language>"), "InvalidLanguage"),
        (_rss(channel='<atom:link rel="hub" href="/websub"/>'), "ContainsRelRef"),
    ],
)  # fmt: skip
def test_rss_rules(data: bytes, code: str) -> None:
    assert code in _codes("rss.xml", data)


def _json_feed(**changes: Any) -> bytes:
    data = render_feed(Feed(None, "json"), [make_entry("fi")], make_config())
    document = json.loads(data)
    item = document["items"][0]
    for key, value in changes.items():
        if value is None:
            item.pop(key)
        else:
            item[key] = value
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (_json_feed(id=1), "InvalidId"),
        (_json_feed(url="/uutiset/x/"), "InvalidFullLink"),
        (_json_feed(content_html=None, content_text=None), "MissingTextualContent"),
        (_json_feed(date_published="27.11.2026"), "InvalidRFC3339Date"),
        (_json_feed(date_modified="1970-01-01T00:00:00Z"), "ImplausibleDate"),
        (_json_feed(title="a\x85b"), "BadCharacters"),
        (_json_feed(content_html='<img src="x.png" onerror="y">'), "SecurityRiskAttr"),
        (b'{"version": "https://jsonfeed.org/version/1", "title": "T", "items": []}',
         "InvalidVersion"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": [],'
         b' "next_url": "archive/1/feed.json"}', "InvalidFullLink"),
    ],
)  # fmt: skip
def test_json_feed_rules(data: bytes, code: str) -> None:
    assert code in _codes("feed.json", data)


def test_a_json_feed_of_the_samples_is_clean() -> None:
    assert _codes("feed.json", _json_feed()) == []
