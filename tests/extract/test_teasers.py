"""Teaser lists go, whatever their class names; a release's own link lists stay."""

from __future__ import annotations

import pytest

from syndicator.extract.teasers import drop_teaser_lists
from syndicator.extract.tree import parse_page, text_of

RELATED = (
    '<div class="aiheesta"><h3>Aiemmin aiheesta</h3><ul>'
    '<li><strong>Kartoitus valmistui</strong><br>Teksti.<br><a href="/a/">Lue lisää</a></li>'
    '<li><strong>Laajennus etenee</strong><br>Teksti.<br><a href="/b/">Lue lisää</a></li>'
    "</ul></div>"
)
CARDS = (
    '<section><h2>Ajankohtaista</h2><div><a href="/x/"><h3>Provinssi</h3></a></div>'
    '<div><a href="/y/"><h3>Tangomarkkinat</h3></a></div></section>'
)
READ_MORE = (
    '<p>LUE LISÄÄ:</p><ul><li><a href="https://www.vaasa.fi/tiedote/a/">Vaasan tiedote</a></li>'
    '<li><a href="https://www.kokkola.fi/kip/">Kokkolan KIP</a></li></ul>'
)
CONTACTS = (
    '<ul><li><strong>Maria Laine</strong>, <a href="mailto:m@x.fi">m@x.fi</a></li>'
    '<li><strong>Timo Nieminen</strong>, <a href="tel:+358401">040 1</a></li></ul>'
)


@pytest.mark.parametrize(
    ("html", "gone", "count"),
    [
        (RELATED, "Aiemmin aiheesta", 2),
        (CARDS, "Ajankohtaista", 2),
        (READ_MORE, "", 0),
        (CONTACTS, "", 0),
    ],
)
def test_teaser_lists(html: str, gone: str, count: int) -> None:
    root = parse_page(f"<main><h1>Otsikko</h1><p>Teksti.</p>{html}</main>")
    assert drop_teaser_lists(root) == count
    text = text_of(root, " ")
    assert "Otsikko" in text
    if gone:
        assert gone not in text
    else:
        assert "@" in text or "Vaasan tiedote" in text
