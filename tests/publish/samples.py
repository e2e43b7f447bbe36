"""Sample entries for the publish and web tests: one release in fi/sv/en, plus more."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from syndicator.config import Config, FeedSettings, ServiceSettings, WebSubSettings
from syndicator.locales import HELSINKI
from syndicator.model import Article, Attachment, Entry, Image, Link

BASE = "https://syndicator.example/vaasa/"
T0 = datetime(2026, 11, 27, 10, 15, tzinfo=HELSINKI)

URLS = {
    "fi": "https://www.vaasa.fi/uutiset/kaupunginhallitus-paatti/",
    "sv": "https://www.vaasa.fi/sv/nyheter/stadsstyrelsen-beslot/",
    "en": "https://www.vaasa.fi/en/news/city-board-decided/",
}
TITLES = {
    "fi": "Kaupunginhallitus päätti Vöyrinkaupungin koulusta",
    "sv": "Stadsstyrelsen beslöt om skolan i Vörå — åtgärder",
    "en": "City Board decided on the school",
}


def make_config(*, hub: bool = False, **feeds: object) -> Config:
    """``hub``: the built-in WebSub hub is on (feeds name it); off by default here."""
    return Config(
        service=ServiceSettings(base_url=BASE),
        feeds=FeedSettings(title="Vaasa", titles={"sv": "Vasa", "en": "Vaasa (en)"}, **feeds),
        websub=WebSubSettings(enabled=hub),
    )


def make_entry(lang: str, item_id: int = 1, *, minutes: int = 0, version: int = 1) -> Entry:
    alternates = tuple(Link(url, label=TITLES[other], lang=other) for other, url in URLS.items())
    article = Article(
        url=URLS[lang],
        title=TITLES[lang],
        lang=lang,
        published=T0 + timedelta(minutes=minutes),
        updated=None,
        lead=f"Ingressi {lang}: äöå ÄÖÅ & <tagit>",
        body_html=f'<p>Runko {lang} äöå</p><p><a href="https://x.example/?a=1&b=2">x</a></p>',
        text=f"Runko {lang} äöå",
        images=(Image("https://www.vaasa.fi/kuvat/koulu.jpg", alt="Koulu"),),
        attachments=(Attachment("https://www.vaasa.fi/liite.pdf", "Liite", "application/pdf"),),
        read_more=(
            Link("https://www.vaasa.fi/koulut/", label="Lue lisää kouluista"),
            Link("https://www.vaasa.fi/paatokset/", label="Päätökset"),
        ),
        alternates=alternates,
    )
    return Entry(
        item_id=item_id,
        release_id=1,
        source="vaasa-fi",
        article=article,
        first_seen=T0,
        updated=T0 + timedelta(minutes=minutes + 5),
        version=version,
    )


def edited(entry: Entry) -> Entry:
    """The same item after an edit: new title, later ``updated``, next version."""
    article = replace(entry.article, title=entry.article.title + " (päivitetty)")
    return replace(entry, article=article, updated=entry.updated + timedelta(hours=2), version=2)


def sample_entries() -> list[Entry]:
    """Newest first: fi, sv, en of one release, then older Finnish-only items."""
    entries = [make_entry("fi", 1, minutes=20), make_entry("sv", 2, minutes=10)]
    entries.append(make_entry("en", 3, minutes=5))
    for number in range(4, 9):
        older = make_entry("fi", number, minutes=-60 * number)
        url = f"https://www.vaasa.fi/uutiset/tiedote-{number}/"
        article = replace(older.article, url=url, title=f"Tiedote {number}", alternates=())
        entries.append(replace(older, article=article))
    return entries


class EntryList:
    """A ``publish.EntryReader`` backed by a list, newest first; it records each read."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.calls: list[tuple[str | None, int]] = []
        self.source_calls: list[tuple[str, int]] = []

    def latest_entries(self, lang: str | None, limit: int) -> list[Entry]:
        self.calls.append((lang, limit))
        return [e for e in self.entries if lang is None or e.article.lang == lang][:limit]

    def source_entries(self, source: str, limit: int) -> list[Entry]:
        self.source_calls.append((source, limit))
        return [e for e in self.entries if e.source == source][:limit]
