"""Display text: cleaned once at extraction, the same in every feed and on the index page."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from syndicator.deliver import console
from syndicator.deliver.render import render_message
from syndicator.extract import extract_article
from syndicator.extract.displaytext import TITLE_MAX, clean_article, display_text, display_title
from syndicator.model import Article, Attachment, Contact, Entry, Image, Link
from syndicator.publish import Feed, render_feed
from syndicator.web.index import render_index
from tests.publish.samples import make_config, make_entry

RLO = "\u202e"  # right-to-left override: "gnp.exe" after it shows as "exe.png"
URL = "https://www.vaasa.fi/tiedote/testi/"
SEEN = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
TEXT = "Kaupunki tiedottaa, että uusi koulu avataan syksyllä ja se on kaikkien käytössä."


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Tiedote " + RLO + "gnp.exe", "Tiedote gnp.exe"),
        ("a\u202ab\u202bc\u202cd\u202de", "abcde"),  # embeddings and their pop
        ("\u2066isolate\u2069 \u2067rtl\u2068", "isolate rtl"),  # isolates
        ("left\u200emark\u200fright\u061c", "leftmarkright"),  # LRM, RLM, Arabic letter mark
        ("nul\x00bell\x07esc\x1bdel\x7f", "nulbellescdel"),  # C0 and DEL
        ("c1\x80\x85\x9fend", "c1end"),  # C1, NEL included
        ("broken \ufffd encoding", "broken  encoding"),
        ("tab\tand\nnewline stay\r", "tab\tand\nnewline stay"),  # CR is a control
        ("Vörå — åtgärder “ok” 🙂 עברית", "Vörå — åtgärder “ok” 🙂 עברית"),  # text is kept
        ("", ""),
    ],
)
def test_display_text(raw: str, shown: str) -> None:
    assert display_text(raw) == shown


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("  Otsikko \n kahdella\trivillä ", "Otsikko kahdella rivillä"),
        ("Tiedote " + RLO + "gnp.exe", "Tiedote gnp.exe"),
        ("x" * TITLE_MAX, "x" * TITLE_MAX),  # at the cap: untouched
    ],
)
def test_display_title(raw: str, shown: str) -> None:
    assert display_title(raw) == shown


def test_a_long_title_is_cut_at_a_word_boundary() -> None:
    title = display_title("sana " * 1000)  # 5,000 characters
    assert len(title) <= TITLE_MAX and title.endswith("sana…")
    assert title.count("sana") == len(title.split())


def test_clean_article_cleans_every_shown_field() -> None:
    dirty = "Nimi" + RLO + "\x00\ufffd"
    article = Article(
        url=URL,
        title=dirty,
        lang="fi",
        published=SEEN,
        updated=None,
        lead=dirty,
        body_html=f"<p>{dirty}</p>",
        text=dirty,
        images=(Image("https://x.example/a.jpg", alt=dirty),),
        attachments=(Attachment("https://x.example/a.pdf", title=dirty),),
        contacts=(Contact(dirty, title=dirty, phone=dirty, email=dirty),),
        read_more=(Link("https://x.example/", label=dirty),),
        alternates=(Link("https://x.example/sv/", label=dirty, lang="sv"),),
        categories=(dirty, "\u202e"),
        site_name=dirty,
        organisation=dirty,
    )
    cleaned = clean_article(article)
    assert "Nimi" + RLO not in repr(cleaned) and "\\x00" not in repr(cleaned)
    assert "\\ufffd" not in repr(cleaned) and "\ufffd" not in repr(cleaned)
    assert cleaned.title == cleaned.lead == cleaned.text == cleaned.site_name == "Nimi"
    assert cleaned.images[0].alt == cleaned.contacts[0].name == "Nimi"
    assert cleaned.read_more[0].label == cleaned.alternates[0].label == "Nimi"
    assert cleaned.categories == ("Nimi",)
    assert clean_article(cleaned) == cleaned  # idempotent


def _extracted(title: str) -> Article:
    html = (
        '<!doctype html><html lang="fi"><head><meta charset="utf-8"></head><body><article>'
        f'<h1 class="entry-title">{title}</h1><div class="entry-content"><p>{TEXT}</p>'
        '<p><img src="/kuva.jpg" alt="Kuva \u202egpj.exe"></p></div></article></body></html>'
    )
    return extract_article(html, URL, first_seen=SEEN)


def _outputs(article: Article) -> dict[str, str]:
    entry: Entry = replace(make_entry("fi"), article=article)
    config = make_config()
    shown = {
        fmt: render_feed(Feed(None, fmt), [entry], config).decode("utf-8")
        for fmt in ("atom", "rss", "json")
    }
    shown["json"] = json.dumps(json.loads(shown["json"]), ensure_ascii=False)
    shown["index"] = render_index("fi", config, {"fi": [entry]}, [])
    destination = console.Config(kind="console", name="c", locale="fi")
    message = render_message(entry, "created", destination, "k")
    alt = message.image.alt if message.image else ""
    shown["message"] = "\n".join((message.title, message.text, alt))
    return shown


def test_an_override_in_a_title_never_reaches_a_feed_or_the_index() -> None:
    article = _extracted("Tiedote \u202egnp.exe")
    assert article.title == "Tiedote gnp.exe"
    assert article.images[0].alt == "Kuva gpj.exe"
    for name, text in _outputs(article).items():
        assert RLO not in text, name
        assert "Tiedote gnp.exe" in text, name
        if name in ("atom", "json", "message"):  # where the image's alt text is shown
            assert "Kuva gpj.exe" in text, name


def test_a_5000_character_title_is_capped_the_same_everywhere() -> None:
    article = _extracted("Pitkä " * 834)
    assert len(article.title) <= TITLE_MAX
    for name, text in _outputs(article).items():
        assert article.title in text, name
        assert "Pitkä " * 60 not in text, name
