"""Read-more links: every way releases write them, and every place they must not come from."""

from __future__ import annotations

import pytest

from syndicator.extract import extract_article
from syndicator.model import Contact

URL = "https://www.vaasa.fi/tiedote/testi/"
TEXT = "<p>Kaupunki tiedottaa, että uusi koulu avataan syksyllä ja se on kaikkien käytössä.</p>"


def read_more(content: str, around: str = "") -> list[str]:
    html = (
        f'<html lang="fi"><body>{around}<main><article><h1 class="entry-title">Otsikko</h1>'
        f'<div class="entry-content">{TEXT}{content}</div></article></main>{around}</body></html>'
    )
    return [link.url for link in extract_article(html, URL).read_more]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('<p>Lue lisää: <a href="https://x.fi/a">A</a></p>', ["https://x.fi/a"]),
        ('<p>LUE LISÄÄ <a href="https://x.fi/a">A</a></p>', ["https://x.fi/a"]),
        ('<p>lue lisää:<a href="/a/">A</a></p>', ["https://www.vaasa.fi/a/"]),
        ('<p><a href="https://x.fi/a?utm_source=v">Lue lisää</a></p>', ["https://x.fi/a"]),
        ('<p><a href="https://x.fi/a">Läs mer om projektet</a></p>', ["https://x.fi/a"]),
        ('<p>Läs mer: <a href="https://x.fi/sv">x</a></p>', ["https://x.fi/sv"]),
        ('<p>Read more: <a href="https://x.fi/en">x</a></p>', ["https://x.fi/en"]),
        ("<p>READ MORE https://x.fi/bare.</p>", ["https://x.fi/bare"]),
        ("<p>Lue lisää: www.visitvaasa.fi/kesa</p>", ["https://www.visitvaasa.fi/kesa"]),
        (
            "<p><strong>LUE LISÄÄ:</strong></p><p>https://x.fi/seuraava</p>",
            ["https://x.fi/seuraava"],
        ),
        ("<p>LUE LISÄÄ:<br>\nhttps://x.fi/rivi</p>", ["https://x.fi/rivi"]),
        ('<p>Lue lisää:</p><p><a href="https://x.fi/p">https://x.fi/p</a></p>', ["https://x.fi/p"]),
        (
            '<h2>Lue lisää</h2><ul><li><a href="https://x.fi/1">1</a></li>'
            '<li><a href="https://x.fi/2">2</a></li></ul>',
            ["https://x.fi/1", "https://x.fi/2"],
        ),
        (
            '<p>Lue lisää: <a href="https://x.fi/a?fbclid=1">A</a> ja '
            '<a href="https://x.fi/a#osa">A</a></p>',
            ["https://x.fi/a"],
        ),
        ('<p>Lue lisää: <a href="javascript:void(0)">x</a></p>', []),
        (f'<p>Lue lisää: <a href="{URL}#top">tämä sivu</a></p>', []),
        ("<p>Tässä ei ole lisälukemista.</p>", []),
        (
            "<p>Lue lisää tapahtumasta kaupungin sivuilta, joilla on paljon tietoa asiasta ja "
            'muustakin mitä kaupunki tekee.</p><p><a href="https://x.fi/muu">Muu linkki</a></p>',
            [],
        ),
        ('<p>Sivusto: <a href="https://x.fi/s">x</a></p><p>Lue lisää:</p>', []),
    ],
)
def test_read_more(content: str, expected: list[str]) -> None:
    assert read_more(content) == expected


@pytest.mark.parametrize(
    "around",
    [
        '<nav><a href="/ajankohtaista/">Lue lisää</a></nav>',
        '<div class="cookie-banner"><p>Käytämme evästeitä. <a href="/tietosuoja/">Lue lisää</a>'
        "</p></div>",
        '<div id="cmplz-cookiebanner-container"><a href="/a/">Read more</a></div>',
        '<div class="privacy-box"><p>Evästeet: kakor ja cookies. Käytämme evästeitä ja '
        'evästeet ovat tärkeitä. <a href="/t/">Lue lisää</a></p></div>',
        '<section class="related-posts"><a href="/tiedote/muu/">Lue lisää</a></section>',
        '<div class="sharedaddy"><a href="https://facebook.com/sharer?u=x">Read more</a></div>',
        '<footer><p>Lue lisää: <a href="/yhteystiedot/">yhteystiedot</a></p></footer>',
        '<aside><p>Läs mer: <a href="/sv/">x</a></p></aside>',
        '<div class="breadcrumbs"><a href="/">Lue lisää</a></div>',
    ],
)
def test_never_from_boilerplate(around: str) -> None:
    assert read_more("", around) == []


def contacts(content: str) -> tuple[Contact, ...]:
    html = (
        '<html lang="fi"><body><article><h1 class="entry-title">Otsikko</h1>'
        f'<div class="entry-content">{TEXT}{content}</div></article></body></html>'
    )
    return extract_article(html, URL).contacts


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "<h2>Lisätietoja</h2><p>Tomas Häyry, kaupunginjohtaja, p. 040 123 4567, "
            "tomas.hayry@vaasa.fi</p>",
            [Contact("Tomas Häyry", "kaupunginjohtaja", "040 123 4567", "tomas.hayry@vaasa.fi")],
        ),
        (
            "<p><strong>Lisätietoja:</strong> kaupunginjohtaja Tomas Häyry, puh. 040 123 4567</p>",
            [Contact("Tomas Häyry", "kaupunginjohtaja", "040 123 4567")],
        ),
        (
            "<p>Mer information<br>Anna Berg<br>stadsdirektör<br>tfn 050 111 2222<br>"
            "anna.berg(at)vasa.fi</p>",
            [Contact("Anna Berg", "stadsdirektör", "050 111 2222", "anna.berg@vasa.fi")],
        ),
        (
            "<h3>Further information</h3><p>Ann Lee, Director, tel. +358 40 111 2222, "
            "ann.lee@vaasa.fi<br>Bo Ek, Manager, tel. +358 40 333 4444, bo.ek@vaasa.fi</p>"
            '<p><a href="https://x.fi/liite.pdf">Attachment</a></p>',
            [
                Contact("Ann Lee", "Director", "+358 40 111 2222", "ann.lee@vaasa.fi"),
                Contact("Bo Ek", "Manager", "+358 40 333 4444", "bo.ek@vaasa.fi"),
            ],
        ),
        ("<p>Ei yhteystietoja tässä.</p>", []),
    ],
)
def test_contacts(content: str, expected: list[Contact]) -> None:
    assert list(contacts(content)) == expected
