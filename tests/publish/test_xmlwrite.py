"""The string-written Atom and RSS carry any text exactly: a parser reads back what went in.

The writer escapes by hand (``publish/xmlwrite.py``), so every value — titles, leads, bodies,
link targets, image captions — is generated here with the characters that break XML
(``& < > " ' \\r \\n \\t``, ``]]>``, controls XML forbids, lone surrogates, non-BMP) and read
back with lxml: the text must equal the input minus only what XML 1.0 cannot carry.
"""

from __future__ import annotations

import html
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from syndicator.model import Attachment, Image, Link
from syndicator.publish import Feed, render_feed
from syndicator.publish.xmlwrite import escape_attribute, escape_text, xml_safe
from tests.publish.samples import make_config, make_entry

A = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
_NASTY = st.sampled_from(["&", "<", ">", '"', "'", "\r", "\n", "\r\n", "\t", "]]>", "&amp;"])
_TEXT = st.lists(
    st.one_of(_NASTY, st.text(min_size=1, max_size=8), st.sampled_from(["\x00", "\x1f", "\ud800"])),
    min_size=1,
    max_size=12,
).map("".join)


def _kept(text: str) -> str:
    """What a reader gets back: XML-forbidden characters gone; a text value that ends up
    empty is dropped by the renderer as absent."""
    return xml_safe(text)


@settings(max_examples=150, deadline=None)
@given(title=_TEXT, lead=_TEXT, body=_TEXT, alt=_TEXT, query=_TEXT)
def test_atom_reads_back_every_value(
    title: str, lead: str, body: str, alt: str, query: str
) -> None:
    entry = make_entry("fi")
    url = "https://www.vaasa.fi/kuva.jpg?x=" + query
    article = replace(
        entry.article,
        title=title,
        lead=lead,
        body_html=body,
        images=(Image(url, alt=alt),),
        attachments=(),
        read_more=(Link("https://www.vaasa.fi/a?b=1&c=2", label=alt),),
    )
    data = render_feed(Feed(None, "atom"), [replace(entry, article=article)], make_config())
    root = etree.fromstring(data)
    [element] = root.findall(f"{A}entry")
    assert _read_text(element.find(f"{A}title")) == _kept(title)
    if _kept(lead):
        assert _read_text(element.find(f"{A}summary")) == _kept(lead)
    if _kept(body):
        assert element.findtext(f"{A}content") == _kept(body)
    enclosure = element.find(f"{A}link[@rel='enclosure']")
    assert enclosure is not None and enclosure.get("href") == _kept(url)
    assert enclosure.get("title", "") == _kept(alt)
    related = element.find(f"{A}link[@rel='related']")
    assert related is not None and related.get("href") == "https://www.vaasa.fi/a?b=1&c=2"


@settings(max_examples=150, deadline=None)
@given(title=_TEXT, body=_TEXT, caption=_TEXT)
def test_rss_reads_back_every_value(title: str, body: str, caption: str) -> None:
    entry = make_entry("sv")
    files = (
        Attachment("https://www.vaasa.fi/a.pdf", "A", "application/pdf"),
        Attachment("https://www.vaasa.fi/b.pdf?q=" + caption, caption, "application/pdf"),
    )
    article = replace(entry.article, title=title, body_html=body, images=(), attachments=files)
    data = render_feed(Feed(None, "rss"), [replace(entry, article=article)], make_config())
    item = etree.fromstring(data).find("channel/item")
    assert item is not None
    assert (item.findtext("title") or "") == _kept(title)
    if _kept(body):
        assert item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") == _kept(body)
    media = item.find(f"{MEDIA}content")
    assert media is not None and media.get("url") == _kept(files[1].url)
    assert (media.findtext(f"{MEDIA}title") or "") == _kept(caption)


def test_escaping_matches_what_a_parser_undoes() -> None:
    value = 'a & b < c > d " e \r f \n g \t h'
    assert etree.fromstring(f"<x>{escape_text(value)}</x>").text == value
    assert etree.fromstring(f'<x y="{escape_attribute(value)}"/>').get("y") == value
    assert escape_text("plain words, no markup") == "plain words, no markup"


def _read_text(element: etree._Element | None) -> str:
    """An Atom text construct as a reader shows it: type="html" holds escaped plain text."""
    assert element is not None
    text = element.text or ""
    return html.unescape(text) if element.get("type") == "html" else text
