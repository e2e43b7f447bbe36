"""Our own words in Finnish, Swedish and English.

Key scheme:

- UI labels are bare snake_case words: ``read_more``, ``new_release``, ``updated_release``,
  ``published``, ``updated``, ``other_languages``, ``source``, ``in_language`` (the name of
  a language *in that language*: "Suomeksi", "På svenska", "In English").
- Error messages are ``"error." + code``, where ``code`` is a ``SyndicatorError.code``:
  ``translate("error.fetch.http_503", "sv")``. A code without its own entry falls back to its
  family: ``<area>.http_<status>`` → ``<area>.http_status``, ``delivery.smtp_<n>`` →
  ``delivery.smtp``, then ``<area>.failed`` (``fetch``, ``extract``, ``delivery``, ``config``,
  ``store``, ``source``); an unknown area yields the key itself.

``translate`` falls back from the wanted language to English, then to the key itself, so a
missing word is visible but never an exception. ``lang`` may be a tag such as ``"sv-FI"``.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

__all__ = ["LABELS", "LANGUAGES", "format_datetime", "normalise_lang", "translate"]

LANGUAGES = ("fi", "sv", "en")
LABELS = (
    "read_more",
    "new_release",
    "updated_release",
    "published",
    "updated",
    "other_languages",
    "source",
    "in_language",
)

_HELSINKI = ZoneInfo("Europe/Helsinki")
_FAMILY = re.compile(r"^(error\.[a-z]+)\.(http|smtp)_\d+$")
_MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

# key: (fi, sv, en)
_WORDS: dict[str, tuple[str, str, str]] = {
    "read_more": ("Lue lisää", "Läs mer", "Read more"),
    "new_release": ("Uusi tiedote", "Nytt pressmeddelande", "New press release"),
    "updated_release": (
        "Päivitetty tiedote",
        "Uppdaterat pressmeddelande",
        "Updated press release",
    ),
    "published": ("Julkaistu", "Publicerad", "Published"),
    "updated": ("Päivitetty", "Uppdaterad", "Updated"),
    "other_languages": ("Muilla kielillä", "På andra språk", "In other languages"),
    "source": ("Lähde", "Källa", "Source"),
    "in_language": ("Suomeksi", "På svenska", "In English"),
    "error.unknown": ("Tuntematon virhe", "Okänt fel", "Unknown error"),
    "error.config.failed": (
        "Asetuksissa on virhe",
        "Inställningarna innehåller fel",
        "The configuration has errors",
    ),
    "error.store.failed": (
        "Tietokanta ei vastaa",
        "Databasen svarar inte",
        "The database is not responding",
    ),
    "error.source.failed": (
        "Lähteen luku epäonnistui",
        "Källan kunde inte läsas",
        "The source failed",
    ),
    "error.source.profile_misses": (
        "Valitsimet eivät enää löydä tiedotteiden tekstiä (sivusto uudistettu?)",
        "Väljarna hittar inte längre pressmeddelandenas text (ny webbplats?)",
        "The selectors no longer find the releases' text (site redesigned?)",
    ),
    "error.source.no_candidates": (
        "Lähteestä ei löytynyt yhtään tiedotetta",
        "Inga pressmeddelanden hittades i källan",
        "No releases were found in the source",
    ),
    "error.fetch.failed": ("Sivun haku epäonnistui", "Sidan kunde inte hämtas", "Fetching failed"),
    "error.fetch.timeout": (
        "Palvelin ei vastannut ajoissa",
        "Servern svarade inte i tid",
        "The server did not answer in time",
    ),
    "error.fetch.connect": (
        "Palvelimeen ei saatu yhteyttä",
        "Det gick inte att ansluta till servern",
        "Could not connect to the server",
    ),
    "error.fetch.http_status": (
        "Palvelin vastasi virhekoodilla",
        "Servern svarade med en felkod",
        "The server answered with an error status",
    ),
    "error.fetch.too_large": ("Sivu on liian suuri", "Sidan är för stor", "The page is too large"),
    "error.fetch.blocked_address": (
        "Osoite on estetty (yksityinen verkko)",
        "Adressen är spärrad (privat nätverk)",
        "The address is blocked (private network)",
    ),
    "error.fetch.robots_disallowed": (
        "Sivuston robots.txt kieltää haun",
        "Webbplatsens robots.txt förbjuder hämtning",
        "The site's robots.txt disallows fetching",
    ),
    "error.fetch.robots_unavailable": (
        "Sivuston robots.txt ei vastaa; haku odottaa",
        "Webbplatsens robots.txt svarar inte; hämtningen väntar",
        "The site's robots.txt does not answer; fetching waits",
    ),
    "error.fetch.invalid_url": ("Virheellinen osoite", "Ogiltig adress", "Invalid URL"),
    "error.fetch.invalid_json": (
        "Vastaus ei ole kelvollista JSONia",
        "Svaret är inte giltig JSON",
        "The answer is not valid JSON",
    ),
    "error.fetch.too_many_redirects": (
        "Liian monta uudelleenohjausta",
        "För många omdirigeringar",
        "Too many redirects",
    ),
    "error.fetch.decoding": (
        "Sivun merkistöä ei voitu tulkita",
        "Sidans teckenkodning kunde inte tolkas",
        "The page could not be decoded",
    ),
    "error.extract.failed": (
        "Tiedotteen poiminta epäonnistui",
        "Pressmeddelandet kunde inte extraheras",
        "Extraction failed",
    ),
    "error.extract.no_article": (
        "Sivulta ei löytynyt tiedotetta",
        "Ingen artikel hittades på sidan",
        "No article was found on the page",
    ),
    "error.extract.unreadable": (
        "Sivua ei voitu lukea",
        "Sidan kunde inte läsas",
        "The page could not be read",
    ),
    "error.delivery.failed": ("Lähetys epäonnistui", "Leveransen misslyckades", "Delivery failed"),
    "error.delivery.retryable": (
        "Lähetys epäonnistui, yritetään uudelleen",
        "Leveransen misslyckades, försöker igen",
        "Delivery failed, will retry",
    ),
    "error.delivery.permanent": (
        "Vastaanottaja hylkäsi viestin",
        "Mottagaren avvisade meddelandet",
        "The destination rejected the message",
    ),
    "error.delivery.http_status": (
        "Vastaanottaja vastasi virhekoodilla",
        "Mottagaren svarade med en felkod",
        "The destination answered with an error status",
    ),
    "error.delivery.http_429": (
        "Liikaa pyyntöjä, vastaanottaja pyysi odottamaan",
        "För många förfrågningar, mottagaren bad oss vänta",
        "Too many requests; the destination asked us to wait",
    ),
    "error.delivery.timeout": (
        "Vastaanottaja ei vastannut ajoissa",
        "Mottagaren svarade inte i tid",
        "The destination did not answer in time",
    ),
    "error.delivery.connect": (
        "Vastaanottajaan ei saatu yhteyttä",
        "Det gick inte att ansluta till mottagaren",
        "Could not connect to the destination",
    ),
    "error.delivery.smtp": (
        "Sähköpostipalvelin hylkäsi viestin",
        "E-postservern avvisade meddelandet",
        "The mail server refused the message",
    ),
    "error.delivery.tls": (
        "Salattu yhteys epäonnistui",
        "Den krypterade anslutningen misslyckades",
        "The encrypted connection failed",
    ),
    "error.delivery.unknown_destination": (
        "Kohdetta ei ole määritetty",
        "Destinationen är inte konfigurerad",
        "The destination is not configured",
    ),
    "error.delivery.no_event": ("Tapahtuma puuttuu", "Händelsen saknas", "The event is missing"),
    "error.delivery.internal": ("Sisäinen virhe", "Internt fel", "Internal error"),
}


def normalise_lang(lang: str | None) -> str | None:
    """``"sv-FI"`` → ``"sv"``; None or empty stays None."""
    if not lang:
        return None
    return lang.strip().replace("_", "-").split("-", 1)[0].lower() or None


def translate(key: str, lang: str | None) -> str:
    """``key`` in ``lang``, else in English, else the key itself (error keys via their family)."""
    for candidate in _candidates(key):
        words = _WORDS.get(candidate)
        if words is not None:
            return _pick(words, lang)
    return key


def format_datetime(value: datetime, lang: str | None) -> str:
    """A short local (Europe/Helsinki) date and time as people write it in ``lang``."""
    local = value.astimezone(_HELSINKI) if value.tzinfo else value.replace(tzinfo=_HELSINKI)
    code = normalise_lang(lang)
    if code == "fi":
        return f"{local.day}.{local.month}.{local.year} klo {local.hour}.{local.minute:02d}"
    if code == "sv":
        return f"{local.day}.{local.month}.{local.year} kl. {local.hour}.{local.minute:02d}"
    month = _MONTHS_EN[local.month - 1]
    return f"{local.day} {month} {local.year}, {local.hour:02d}:{local.minute:02d}"


def _candidates(key: str) -> list[str]:
    keys = [key]
    if not key.startswith("error."):
        return keys
    if match := _FAMILY.match(key):
        area, kind = match.groups()
        keys.append(f"{area}.{kind}_status" if kind == "http" else f"{area}.{kind}")
    parts = key.split(".")
    if len(parts) >= 2:
        keys.append(f"error.{parts[1]}.failed")
    return keys


def _pick(words: tuple[str, str, str], lang: str | None) -> str:
    code = normalise_lang(lang)
    index = LANGUAGES.index(code) if code in LANGUAGES else LANGUAGES.index("en")
    return words[index] or words[LANGUAGES.index("en")]
