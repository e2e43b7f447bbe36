"""The index page's own words in fi/sv/en, until ``syndicator.i18n`` takes them over."""

from __future__ import annotations

from syndicator.i18n import translate

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGE_NAMES", "UI_LANGUAGES", "error_text", "word"]

UI_LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "fi"

# Each language by its own name (shown in the switcher and the section headings).
LANGUAGE_NAMES = {"fi": "suomi", "sv": "svenska", "en": "English"}

_WORDS: dict[str, dict[str, str]] = {
    "fi": {
        "title": "Tiedotteet syötteinä",
        "intro": "Kaupungin tiedotteet Atom-, RSS- ja JSON Feed -syötteinä kumppaneille.",
        "all_languages": "Kaikki kielet",
        "feeds": "Syötteet",
        "latest": "Uusimmat tiedotteet",
        "no_entries": "Ei vielä tiedotteita.",
        "status": "Lähteiden tila",
        "source": "Lähde",
        "last_poll": "Viimeisin haku",
        "last_error": "Viimeisin virhe",
        "items": "Tiedotteita",
        "never": "ei vielä",
        "ok": "kunnossa",
        "no_sources": "Ei lähteitä.",
        "store_down": "Tietokanta ei vastaa.",
    },
    "sv": {
        "title": "Pressmeddelanden som flöden",
        "intro": "Stadens pressmeddelanden som Atom-, RSS- och JSON Feed-flöden för partner.",
        "all_languages": "Alla språk",
        "feeds": "Flöden",
        "latest": "Senaste pressmeddelanden",
        "no_entries": "Inga pressmeddelanden ännu.",
        "status": "Källornas status",
        "source": "Källa",
        "last_poll": "Senaste hämtning",
        "last_error": "Senaste fel",
        "items": "Meddelanden",
        "never": "inte ännu",
        "ok": "i ordning",
        "no_sources": "Inga källor.",
        "store_down": "Databasen svarar inte.",
    },
    "en": {
        "title": "Press releases as feeds",
        "intro": "The city's press releases as Atom, RSS and JSON Feed for partners.",
        "all_languages": "All languages",
        "feeds": "Feeds",
        "latest": "Latest releases",
        "no_entries": "No releases yet.",
        "status": "Source status",
        "source": "Source",
        "last_poll": "Last poll",
        "last_error": "Last error",
        "items": "Releases",
        "never": "not yet",
        "ok": "ok",
        "no_sources": "No sources.",
        "store_down": "The database does not answer.",
    },
}

# Error codes by family (the part before the dot); the code itself is shown beside.


def word(key: str, lang: str) -> str:
    return _WORDS.get(lang, _WORDS[DEFAULT_LANGUAGE])[key]


def error_text(code: str, lang: str) -> str:
    """The translated description of an error code (``syndicator.i18n`` owns the words)."""
    return translate(f"error.{code}", lang)
