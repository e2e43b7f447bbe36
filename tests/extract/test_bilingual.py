"""Bilingual bodies become one item per language; monolingual ones stay whole."""

from __future__ import annotations

from syndicator.extract import extract_article
from syndicator.extract.bilingual import split_languages
from syndicator.extract.detect import detect_language

LANGS = ("fi", "sv", "en")
FI = (
    "<p>Vaasan kaupunki avaa uuden uimahallin Hietalahteen ensi vuoden syksyllä. Hallissa on "
    "kaksi allasta ja kuntosali.</p><p>Rakennustyöt alkavat keväällä, ja urakoitsija valitaan "
    "tammikuussa. Kustannusarvio on 30 miljoonaa euroa.</p>"
)
SV = (
    "<p>Vasa stad öppnar en ny simhall i Sandviken nästa höst. I hallen finns två bassänger "
    "och ett gym.</p><p>Byggarbetet börjar på våren och entreprenören väljs i januari. "
    "Kostnadskalkylen är 30 miljoner euro.</p>"
)


def _page(body: str) -> str:
    return (
        '<html lang="fi"><head><title>Tiedote</title></head><body><article>'
        '<h1 class="entry-title">Kaupunki avaa uuden uimahallin</h1>'
        f'<div class="entry-content">{body}</div></article></body></html>'
    )


def test_finnish_then_swedish_splits_with_the_swedish_heading() -> None:
    article = extract_article(
        _page(FI + "<h2>På svenska: Staden öppnar en ny simhall</h2>" + SV),
        "https://www.vaasa.fi/tiedote/uimahalli/",
    )
    fi, sv = split_languages(article, LANGS)
    assert (fi.lang, fi.url, fi.title) == (
        "fi",
        "https://www.vaasa.fi/tiedote/uimahalli/",
        "Kaupunki avaa uuden uimahallin",
    )
    assert (sv.lang, sv.url, sv.title) == (
        "sv",
        "https://www.vaasa.fi/tiedote/uimahalli/#sv",
        "Staden öppnar en ny simhall",
    )
    assert "Sandviken" in sv.text and "Sandviken" not in fi.text
    assert "Hietalahteen" in fi.text and "Hietalahteen" not in sv.text
    assert [link.url for link in fi.alternates] == [sv.url]
    assert [link.url for link in sv.alternates] == [fi.url]


def test_alternating_paragraphs_are_regrouped() -> None:
    fi_paragraphs = FI.split("</p>")[:2]
    sv_paragraphs = SV.split("</p>")[:2]
    body = "".join(f"{a}</p>{b}</p>" for a, b in zip(fi_paragraphs, sv_paragraphs, strict=True))
    article = extract_article(_page(body), "https://www.vaasa.fi/tiedote/uimahalli/")
    parts = split_languages(article, LANGS)
    assert [part.lang for part in parts] == ["fi", "sv"]
    assert parts[1].text.startswith("Vasa stad öppnar")


def test_a_swedish_quote_does_not_split_a_finnish_release() -> None:
    body = FI + FI + "<p>– Vi är mycket glada, säger direktören.</p>"
    article = extract_article(_page(body), "https://www.vaasa.fi/tiedote/uimahalli/")
    assert split_languages(article, LANGS) == [article]


def test_detection_is_restricted_to_the_configured_languages() -> None:
    assert detect_language("Vasa stad öppnar en ny simhall i Sandviken", LANGS)[0] == "sv"  # type: ignore[index]
    assert detect_language("Vasa stad öppnar en ny simhall i Sandviken", ("fi", "en"))[0] in (
        "fi",
        "en",
    )  # type: ignore[index]
    assert detect_language("ok", LANGS) is None
    assert detect_language("Vaasan kaupunki tiedottaa", ("fi",)) is None  # nothing to decide


def test_finnish_names_in_a_swedish_contact_block_do_not_split_it() -> None:
    contacts = "".join(
        f"<p>{name}, {title}, tfn 040 123 45{i}{i}, {name.split()[0].lower()}@vaasa.fi</p>"
        for i, (name, title) in enumerate(
            [("Maija Meikäläinen", "bibliotekschef"), ("Pekka Virtanen", "byggchef"),
             ("Tuula Järvinen", "kommunikationschef"), ("Jukka Mäkinen", "stadsdirektör")]
        )
    )  # fmt: skip
    article = extract_article(
        _page(SV + "<h2>Mer information</h2>" + contacts), "https://www.vaasa.fi/sv/tiedote/x/"
    )
    assert split_languages(article, LANGS) == [article]


def test_closing_lines_follow_their_label_language() -> None:
    body = (
        FI + "<p>Lue lisää: https://www.vaasa.fi/tiedote/uimahalli/</p>"
        "<h2>På svenska: Staden öppnar en ny simhall</h2>" + SV
        + "<p>Läs mer: https://www.vaasa.fi/sv/tiedote/simhall/</p>"
        "<p>Lue lisää / Läs mer: https://www.vaasa.fi/uimahalli-kuvat/</p>"
    )  # fmt: skip
    article = extract_article(_page(body), "https://www.vaasa.fi/tiedote/uimahalli/")
    fi, sv = split_languages(article, LANGS)
    assert "tiedote/uimahalli/" in fi.text and "tiedote/uimahalli/" not in sv.text
    assert "sv/tiedote/simhall/" in sv.text and "sv/tiedote/simhall/" not in fi.text
    assert "uimahalli-kuvat" in fi.text and "uimahalli-kuvat" in sv.text  # both languages
