"""The explicit registry of source kinds."""

from __future__ import annotations

import pytest

import syndicator.sources
from syndicator.configbase import SourceBase
from syndicator.errors import ConfigError
from syndicator.sources import KINDS, feed, html_listing, kind_of, wordpress
from syndicator.sources.document import synthesize_document


def test_exported_names() -> None:
    assert syndicator.sources.__all__ == ["KINDS", "Listing", "SourceKind", "kind_of"]


def test_kinds() -> None:
    assert {"html": html_listing, "feed": feed, "wordpress": wordpress} == KINDS
    assert kind_of(feed.Config(name="f", kind="feed", url="https://www.vaasa.fi/feed/")) is feed
    source = html_listing.Config(name="h", kind="html", urls=("https://www.vaasa.fi/",))
    assert kind_of(source) is html_listing


def test_unknown_kind() -> None:
    with pytest.raises(ConfigError, match="unknown source kind"):
        kind_of(SourceBase(name="nothing"))


def test_synthesized_document_escapes_the_title() -> None:
    html = synthesize_document(
        url="https://x.example/a", title="<b>A & B</b>", body_html="<p>x</p>"
    )
    assert "<title>&lt;b&gt;A &amp; B&lt;/b&gt;</title>" in html
    assert "<html>" in html and "<time" not in html
