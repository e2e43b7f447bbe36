"""Which language a page is in: element ``lang`` attributes first, the text (lingua) when
nothing is declared, and ``None`` with a reason for a language we do not publish."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from syndicator.configbase import ArticleProfile
from syndicator.extract import extract_article
from syndicator.extract.detect import identify_language
from syndicator.extraction import Extraction, read_article
from syndicator.model import Candidate

DATA = Path(__file__).resolve().parents[1] / "data" / "language"
LANGS = ("fi", "sv", "en")
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
URL = "https://satama.example/tiedote/terminaali.html"


def _read(html: str, languages: tuple[str, ...] = LANGS, hint: str | None = None) -> Extraction:
    return read_article(html, URL, ArticleProfile(), hint, NOW, Candidate(URL), languages, None)


def _page(body: str) -> str:
    return f"<html><head><title>Tiedote</title></head><body><article>{body}</article></body></html>"


def test_a_short_finnish_release_without_lang_is_finnish() -> None:
    html = _page("<h1>Kirjasto suljettu</h1><p>Pääkirjasto on suljettu huomenna.</p>")
    assert extract_article(html, URL).lang == "fi"
    [part] = _read(html).parts
    assert part.lang == "fi"


# Texts the old stop-word guesser called "sv" ("den", "de", "om", "som" are Swedish too).
FOREIGN = {
    "de": "Die Stadt hat den neuen Plan für den Bau vorgestellt. Den Auftrag erhält eine Firma "
    "aus Vaasa, die den Bau im Sommer beginnt.",
    "da": "Byen åbner en ny svømmehal til efteråret. Det er en stor dag for byen, og det er også "
    "godt for de unge, som kan svømme om vinteren.",
}


@pytest.mark.parametrize("code", sorted(FOREIGN))
def test_text_in_a_language_we_do_not_publish_is_none_with_a_reason(code: str) -> None:
    html = _page(f"<h1>Hallenbad</h1><p>{FOREIGN[code]}</p>")
    assert extract_article(html, URL).lang is None
    extraction = _read(html)
    [part] = extraction.parts
    assert part.lang is None
    note = extraction.language_note
    assert f"reads as {code}" in note and "not a published language" in note


def test_a_declared_language_we_do_not_publish_is_none_too() -> None:
    html = _page("<h1>Nyt svømmebad</h1><p>Vaasa åbner en ny svømmehal til efteråret.</p>")
    extraction = _read(html.replace("<html>", '<html lang="da">'))
    assert extraction.parts[0].lang is None and "da" in extraction.language_note


def test_a_language_outside_a_narrower_configuration_is_none() -> None:
    html = _page(
        "<h1>New swimming hall</h1><p>The city of Vaasa opens a new swimming hall next autumn "
        "with two pools and a gym.</p>"
    )
    assert _read(html, ("fi", "sv")).parts[0].lang is None
    assert _read(html, ("fi", "en")).parts[0].lang == "en"


def test_identify_language_says_why_it_gives_no_language() -> None:
    assert identify_language("Pääkirjasto on suljettu huomenna.", LANGS).lang == "fi"
    assert identify_language("ok", LANGS).reason
    german = identify_language("Die Bibliothek ist morgen geschlossen.", LANGS)
    assert german.lang is None and german.detected == "de"


def test_a_table_layout_release_marked_lang_sv_after_an_hr_is_split() -> None:
    html = (DATA / "table-bilingual.html").read_text("utf-8")
    fi, sv = _read(html).parts
    assert (fi.lang, fi.url, fi.title) == ("fi", URL, "Satama saa uuden matkustajaterminaalin")
    assert (sv.lang, sv.url, sv.title) == ("sv", f"{URL}#sv", "Hamnen får en ny passagerarterminal")
    assert "Vaskiluotoon" in fi.text and "Vasklot" not in fi.text
    assert "Vasklot" in sv.text and "Vaskiluotoon" not in sv.text
    assert "Mer information" in sv.text and "Lisätietoja" in fi.text
    assert fi.published == sv.published == datetime(2026, 11, 12, 8, 0, tzinfo=UTC)


def test_element_lang_wins_over_a_source_hint() -> None:
    html = (DATA / "table-bilingual.html").read_text("utf-8")
    fi, sv = _read(html, hint="sv").parts  # the element attributes say which half is which
    assert (fi.lang, sv.lang) == ("fi", "sv")


def test_a_page_marking_only_its_second_language_keeps_its_own_for_the_first() -> None:
    html = (DATA / "table-bilingual.html").read_text("utf-8")
    html = html.replace(' lang="fi"', "").replace("<html>", '<html lang="fi">')
    fi, sv = _read(html).parts
    assert (fi.lang, fi.url, sv.lang, sv.url) == ("fi", URL, "sv", f"{URL}#sv")
    assert sv.title == "Hamnen får en ny passagerarterminal"
