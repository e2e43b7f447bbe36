"""Our own words in Finnish, Swedish and English: one table, one date format per language.

Keys are namespaced by where the words appear:

- ``label.<word>``: words in the messages destinations receive (``label.read_more``,
  ``label.new_release``…); ``LABELS`` lists the ``<word>`` part, which ``Message.labels`` is
  keyed by. ``label.in_language`` is a language's name *in that language* ("På svenska").
- ``index.<word>``: the index page (``index.title``, ``index.last_poll``…).
- ``release.<word>``: a release's own page (``release.versions``…).
- ``status.<word>``: the operators' status page (``status.pending``, ``status.retry``…).
- ``error.<code>``, where ``code`` is a ``SyndicatorError.code``:
  ``translate("error.fetch.http_503", "sv")``. A code without its own entry falls back to its
  family: ``<area>.http_<status>`` → ``<area>.http_status``, ``delivery.smtp_<n>`` →
  ``delivery.smtp``, then ``<area>.failed`` (``fetch``, ``extract``, ``delivery``, ``config``,
  ``store``, ``source``); an unknown area yields the key itself.

``translate`` falls back from the wanted language to English, then to the key itself, so a
missing word is visible but never an exception. ``lang`` may be a tag such as ``"sv-FI"``.
Every date we show goes through ``format_datetime``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType

from syndicator.locales import HELSINKI, normalise_lang

__all__ = ["LABELS", "LANGUAGES", "LANGUAGE_NAMES", "WORDS", "format_datetime", "translate"]

LANGUAGES = ("fi", "sv", "en")
# Each language by its own name (the index page's switcher and section headings).
LANGUAGE_NAMES = {"fi": "suomi", "sv": "svenska", "en": "English"}
LABELS = (
    "read_more",
    "new_release",
    "updated_release",
    "published",
    "updated",
    "other_languages",
    "source",
    "in_language",
    "withdrawn_release",
    "changed_title",
    "changed_date",
    "changed_text",
    "changed_other",
    "digest",
)

_FAMILY = re.compile(r"^(error\.[a-z]+)\.(http|smtp)_\d+$")
_MONTHS_EN = (
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
)

# key: (fi, sv, en)
_WORDS: dict[str, tuple[str, str, str]] = {
    "label.read_more": ("Lue lisää", "Läs mer", "Read more"),
    "label.new_release": ("Uusi tiedote", "Nytt pressmeddelande", "New press release"),
    "label.updated_release": (
        "Päivitetty tiedote",
        "Uppdaterat pressmeddelande",
        "Updated press release",
    ),
    "label.published": ("Julkaistu", "Publicerad", "Published"),
    "label.updated": ("Päivitetty", "Uppdaterad", "Updated"),
    "label.other_languages": ("Muilla kielillä", "På andra språk", "In other languages"),
    "label.source": ("Lähde", "Källa", "Source"),
    "label.in_language": ("Suomeksi", "På svenska", "In English"),
    "label.withdrawn_release": ("Tiedote peruttu", "Meddelandet återkallat", "Release withdrawn"),
    # An update sent as a notice says what changed (deliver/changes.py).
    "label.changed_title": ("Otsikko muuttui", "Rubriken ändrades", "Title changed"),
    "label.changed_date": (
        "Julkaisuaika muuttui",
        "Publiceringstiden ändrades",
        "Publication time changed",
    ),
    "label.changed_text": ("Tekstiä muutettiin", "Texten ändrades", "Text changed"),
    "label.changed_other": (
        "Linkkejä tai kuvia muutettiin",
        "Länkar eller bilder ändrades",
        "Links or images changed",
    ),
    "label.digest": ("Tiedotekooste", "Sammandrag av pressmeddelanden", "Press release digest"),
    "index.title": (
        "Tiedotteet syötteinä",
        "Pressmeddelanden som flöden",
        "Press releases as feeds",
    ),
    "index.intro": (
        "Kaupungin tiedotteet Atom-, RSS- ja JSON Feed -syötteinä kumppaneille.",
        "Stadens pressmeddelanden som Atom-, RSS- och JSON Feed-flöden för partner.",
        "The city's press releases as Atom, RSS and JSON Feed for partners.",
    ),
    "index.all_languages": ("Kaikki kielet", "Alla språk", "All languages"),
    "index.feeds": ("Syötteet", "Flöden", "Feeds"),
    "index.by_source": ("Lähteittäin", "Per källa", "By source"),
    "index.by_filter": ("Tallennetut suodattimet", "Sparade filter", "Saved filters"),
    "index.latest": ("Uusimmat tiedotteet", "Senaste pressmeddelanden", "Latest releases"),
    "index.no_entries": (
        "Ei vielä tiedotteita.",
        "Inga pressmeddelanden ännu.",
        "No releases yet.",
    ),
    "index.status": ("Lähteiden tila", "Källornas status", "Source status"),
    "index.source": ("Lähde", "Källa", "Source"),
    "index.last_poll": ("Viimeisin haku", "Senaste hämtning", "Last poll"),
    "index.last_error": ("Viimeisin virhe", "Senaste fel", "Last error"),
    "index.items": ("Tiedotteita", "Meddelanden", "Releases"),
    "index.never": ("ei vielä", "inte ännu", "not yet"),
    "index.ok": ("kunnossa", "i ordning", "ok"),
    "index.no_sources": ("Ei lähteitä.", "Inga källor.", "No sources."),
    "index.feed_address": ("Syötteen osoite", "Flödets adress", "Feed address"),
    "index.copy": ("Kopioi", "Kopiera", "Copy"),  # the button beside a feed address
    "index.copied": ("Kopioitu", "Kopierad", "Copied"),
    "index.updated": ("päivitetty", "uppdaterad", "updated"),
    "index.search": ("Hae otsikoista", "Sök i rubrikerna", "Search titles"),
    "index.search_results": ("Hakutulokset", "Sökresultat", "Search results"),
    "index.no_matches": ("Ei osumia.", "Inga träffar.", "No matches."),
    "index.embed": ("Upota sivullesi", "Bädda in på din sida", "Embed on your page"),
    "index.embed_intro": (
        "Uusimmat tiedotteet omalle sivullesi iframe-kehyksessä, ilman skriptejä.",
        "De senaste pressmeddelandena på din sida i en iframe, utan skript.",
        "The latest releases on your page in an iframe, without scripts.",
    ),
    "index.embed_snippet": ("Upotuskoodi", "Inbäddningskod", "Embed code"),
    "index.embed_theme": (
        "Värit CSS-muuttujina, annettuina osoitteen parametreina:",
        "Färger som CSS-variabler, givna som parametrar i adressen:",
        "Colours as CSS variables, given as query parameters:",
    ),
    "release.versions": ("Versiot", "Versioner", "Versions"),
    "release.version": ("Versio", "Version", "Version"),
    "release.first": ("Ensimmäinen versio", "Första versionen", "First version"),
    "release.contacts": ("Yhteystiedot", "Kontaktuppgifter", "Contacts"),
    "release.attachments": ("Liitteet", "Bilagor", "Attachments"),
    "release.original": ("Alkuperäinen sivu", "Ursprunglig sida", "Original page"),
    "status.title": ("Palvelun tila", "Tjänstens status", "Service status"),
    "status.degraded": ("Heikentynyt", "Försämrad", "Degraded"),
    "status.next_poll": ("Seuraava haku", "Nästa hämtning", "Next poll"),
    "status.destinations": ("Kohteet", "Mottagare", "Destinations"),
    "status.destination": ("Kohde", "Mottagare", "Destination"),
    "status.pending": ("Jonossa", "I kö", "Pending"),
    "status.failed": ("Epäonnistuneet", "Misslyckade", "Failed (dead letters)"),
    "status.release": ("Tiedote", "Pressmeddelande", "Release"),
    "status.retry": ("Yritä uudelleen", "Försök igen", "Retry"),
    "status.retry_all": ("Yritä kaikkia uudelleen", "Försök alla igen", "Retry all failed"),
    "status.token": ("Ylläpitäjän tunnus", "Administratörsnyckel", "Admin token"),
    "status.retried": ("Jonoon palautettu", "Tillbaka i kön", "Queued again"),
    "status.no_destinations": ("Ei kohteita.", "Inga mottagare.", "No destinations."),
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

# Read-only view for tests and tools that walk every key.
WORDS: Mapping[str, tuple[str, str, str]] = MappingProxyType(_WORDS)


def translate(key: str, lang: str | None) -> str:
    """``key`` in ``lang``, else in English, else the key itself (error keys via their family)."""
    for candidate in _candidates(key):
        words = _WORDS.get(candidate)
        if words is not None:
            return _pick(words, lang)
    return key


def format_datetime(value: datetime, lang: str | None) -> str:
    """A local (Europe/Helsinki) date and time as the language's style guides write it:
    ``12.3.2025 klo 9.05``, ``12.3.2025 kl. 9.05``, ``12 March 2025, 9:05``; naive = local."""
    local = value.astimezone(HELSINKI) if value.tzinfo else value.replace(tzinfo=HELSINKI)
    code = normalise_lang(lang)
    if code == "fi":
        return f"{local.day}.{local.month}.{local.year} klo {local.hour}.{local.minute:02d}"
    if code == "sv":
        return f"{local.day}.{local.month}.{local.year} kl. {local.hour}.{local.minute:02d}"
    month = _MONTHS_EN[local.month - 1]
    return f"{local.day} {month} {local.year}, {local.hour}:{local.minute:02d}"


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
