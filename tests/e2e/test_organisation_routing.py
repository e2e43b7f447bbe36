"""A poll end to end: the organisation set on a source reaches every message and feed in the
release's language (never the source name), and keyword rules route releases."""

from __future__ import annotations

import asyncio
from pathlib import Path

import feedparser

from syndicator.config import load_config
from syndicator.demo.site import SampleSite, SiteHandle
from syndicator.scheduler import run_once
from syndicator.store import open_store
from tests.e2e.conftest import SECRET, Sinks, sources_toml, write_config

ORGANISATION = '{ fi = "Vaasan kaupunki – viestintä", sv = "Vasa stad – kommunikation" }'
NAMES = {"fi": "Vaasan kaupunki – viestintä", "sv": "Vasa stad – kommunikation"}


def test_organisation_and_keyword_routing_through_a_real_poll(
    site: tuple[SampleSite, SiteHandle], sinks: Sinks, tmp_path: Path
) -> None:
    _sample, handle = site
    sources = sources_toml(handle.url, catch_up=False).replace(
        "catch_up = false\n", f"catch_up = false\norganisation = {ORGANISATION}\n"
    )
    arenas = 'keywords_include = ["jäähalli*", "ishall*"]\nkeywords_exclude = ["kirjasto"]'
    destinations = _hook("everything", f"{sinks.webhook.url}/all") + _hook(
        "arenas-only", f"{sinks.webhook.url}/arenas", arenas
    )
    _poll_once(tmp_path, sources, destinations)

    by_path: dict[str, list[dict[str, object]]] = {"/all": [], "/arenas": []}
    for request in sinks.webhook.requests:
        assert request.verified and b"site-" not in request.body  # no source name
        by_path[request.path].append(request.json()["data"])
    everything = {(d["language"], d["organisation"]) for d in by_path["/all"]}
    assert len(by_path["/all"]) == 4
    assert everything == set(NAMES.items())
    assert sorted(str(d["title"]) for d in by_path["/arenas"]) == [
        "Vaasan jäähalli peruskorjataan ensi kesänä",
        "Vasa ishall renoveras nästa sommar",
    ]

    for lang, name in NAMES.items():
        atom = (tmp_path / "public" / "feeds" / lang / "atom.xml").read_bytes()
        assert [entry.author for entry in feedparser.parse(atom).entries] == [name, name]
        assert b"site-fi" not in atom and b"site-sv" not in atom


def test_without_a_setting_the_pages_own_name_is_used(
    site: tuple[SampleSite, SiteHandle], sinks: Sinks, tmp_path: Path
) -> None:
    _sample, handle = site
    destinations = _hook("everything", f"{sinks.webhook.url}/all")
    _poll_once(tmp_path, sources_toml(handle.url, catch_up=False), destinations)
    shown = {(r.json()["data"]["language"], r.json()["data"]["organisation"])
             for r in sinks.webhook.requests}  # fmt: skip
    assert shown == {("fi", "Vaasan kaupunki"), ("sv", "Vasa stad")}  # og:site_name


def _hook(name: str, url: str, extra: str = "") -> str:
    return f"""
[[destinations]]
name = "{name}"
kind = "webhook"
url = "{url}"
secret = "{SECRET}"
{extra}
"""


def _poll_once(tmp_path: Path, sources: str, destinations: str) -> None:
    """One poll of the sources and one drain, in this process (``run_once``)."""
    config = load_config(write_config(tmp_path, sources, destinations))
    store = open_store(config.service.database_url)
    try:
        asyncio.run(run_once(config, store))
    finally:
        store.close()
