"""The allow-list: nothing executable survives; links and images become absolute."""

from __future__ import annotations

from syndicator.extract.sanitize import html_to_text, sanitize_html

BASE = "https://www.vaasa.fi/tiedote/x/"


def test_scripts_styles_and_handlers_are_gone() -> None:
    dirty = (
        '<p onclick="steal()" style="color:red">Hei <b onmouseover="x()">maailma</b></p>'
        "<script>alert(1)</script><style>p{}</style><noscript>ei js</noscript>"
        '<iframe src="https://evil.example/"></iframe><svg><script>alert(2)</script></svg>'
        '<img src="/a.jpg" onerror="alert(3)" alt="Kuva">'
        '<form action="/x"><input name="q"></form><object data="x.swf"></object>'
    )
    clean = sanitize_html(dirty, BASE)
    lowered = clean.lower()
    for forbidden in ("<script", "alert", "onclick", "onmouseover", "onerror", "style=", "<style",
                      "<iframe", "<svg", "<form", "<input", "<object", "ei js"):  # fmt: skip
        assert forbidden not in lowered
    assert "<p>Hei <b>maailma</b></p>" in clean
    assert '<img src="https://www.vaasa.fi/a.jpg" alt="Kuva">' in clean or (
        'alt="Kuva"' in clean and 'src="https://www.vaasa.fi/a.jpg"' in clean
    )


def test_dangerous_links_lose_their_href() -> None:
    clean = sanitize_html(
        '<a href="javascript:alert(1)">a</a><a href=" JaVaScRiPt:alert(1)">b</a>'
        '<a href="data:text/html,x">c</a><a href="vbscript:x">d</a>',
        BASE,
    )
    assert "href" not in clean
    assert "javascript" not in clean.lower()


def test_links_become_absolute_and_lose_tracking() -> None:
    clean = sanitize_html(
        '<a href="../y/?utm_source=x&amp;id=3#osa">y</a> <a href="mailto:a@vaasa.fi">a</a>'
        ' <img src="//cdn.vaasa.fi/k.jpg">',
        BASE,
    )
    assert 'href="https://www.vaasa.fi/tiedote/y/?id=3#osa"' in clean
    assert 'href="mailto:a@vaasa.fi"' in clean
    assert 'src="https://cdn.vaasa.fi/k.jpg"' in clean
    assert 'rel="noopener noreferrer"' in clean


def test_layout_tags_stay_bare_and_unknown_tags_keep_their_text() -> None:
    clean = sanitize_html(
        '<div class="x" data-id="1"><span id="y">teksti</span><h1>Otsikko</h1>'
        "<marquee>liikkuva</marquee><custom-el>oma</custom-el></div>",
        BASE,
    )
    assert clean == "<div><span>teksti</span><h1>Otsikko</h1>liikkuvaoma</div>"


def test_text_has_blank_lines_between_paragraphs() -> None:
    html = "<p>Eka  kappale\n jatkuu.</p><p>Toka<br>rivi</p><ul><li>yksi</li><li>kaksi</li></ul>"
    assert html_to_text(html) == "Eka kappale jatkuu.\n\nToka\nrivi\n\nyksi\n\nkaksi"


def test_text_of_nothing_is_empty() -> None:
    assert html_to_text("") == ""
    assert html_to_text("<p> </p><div></div>") == ""
