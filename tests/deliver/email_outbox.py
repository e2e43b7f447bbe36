"""Support for the e-mail outbox tests (languages, digests, bilingual mails): a feeds.toml
with one e-mail destination, and releases stored and routed the way a poll does it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from syndicator.config import Config, parse_config
from syndicator.configbase import DestinationBase
from syndicator.decide import decide, route
from syndicator.model import Link
from syndicator.store import Store
from tests.deliver.conftest import sample_article
from tests.sinks import SmtpSink

__all__ = ["TITLES", "email_config", "store_release"]

TITLES = {"fi": "Tiedote", "sv": "Meddelande", "en": "Release"}
_PATHS = {"fi": "uutiset", "sv": "sv/nyheter", "en": "en/news"}


def email_config(sink: SmtpSink, settings: str) -> Config:
    """A validated config whose destination ``press`` sends to ``sink``; ``settings`` are
    more TOML lines of that destination (recipients, languages, schedule…)."""
    text = f"""
[[sources]]
name = "vaasa"
kind = "feed"
url = "https://www.vaasa.fi/feed/"

[[destinations]]
name = "press"
kind = "email"
host = "127.0.0.1"
port = {sink.port}
security = "none"
sender = "tiedotteet@vaasa.example"
timeout = 5
{settings}
"""
    return parse_config(text, "feeds.toml", {})


def store_release(
    store: Store,
    destinations: Sequence[DestinationBase],
    number: int,
    langs: Sequence[str],
    now: datetime,
) -> dict[str, str]:
    """Release ``number`` in ``langs`` (one item each, one release), stored at ``now`` and
    routed as a poll routes it (each links the other of fi/sv, so a version stored later
    joins the release); its URL per language. Titles: ``Tiedote 1``, ``Meddelande 1``."""
    urls = {lang: f"https://www.vaasa.fi/{path}/{number}/" for lang, path in _PATHS.items()}
    for lang in langs:
        article = sample_article(
            url=urls[lang],
            title=f"{TITLES[lang]} {number}",
            lang=lang,
            published=now,
            lead=f"{TITLES[lang]} {number}: lead ({lang}).",
            text=f"{TITLES[lang]} {number}: body ({lang}).",
            body_html=f"<p>{TITLES[lang]} {number}: body ({lang}).</p>",
            alternates=tuple(
                Link(urls[other], "", other) for other in ("fi", "sv") if other != lang
            ),
        )
        routed = route(destinations, source="vaasa", lang=lang, event="created")
        store.save_article(
            "vaasa", article, decide(None, article), None, destinations=routed, now=now
        )
    return {lang: urls[lang] for lang in langs}
