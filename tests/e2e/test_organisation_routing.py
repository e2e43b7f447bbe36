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
    destinations = f"""
[[destinations]]
name = "everything"
kind = "webhook"
url = "{sinks.webhook.url}/all"
secret = "{SECRET}"

[[destinations]]
name = "arenas-only"
kind = "webhook"
url = "{sinks.webhook.url}/arenas"
secret = "{SECRET}"
keywords_include = ["jäähalli*", "ishall*"]
keywords_exclude = ["kirjasto"]
"""
    path = write_config(tmp_path, sources, destinations)
    config = load_config(path)
    store = open_store(config.service.database_url)
    try:
        asyncio.run(run_once(config, store))
    finally:
        store.close()

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
    destinations = f"""
[[destinations]]
name = "everything"
kind = "webhook"
url = "{sinks.webhook.url}/all"
secret = "{SECRET}"
"""
    path = write_config(tmp_path, sources_toml(handle.url, catch_up=False), destinations)
    config = load_config(path)
    store = open_store(config.service.database_url)
    try:
        asyncio.run(run_once(config, store))
    finally:
        store.close()
    shown = {(r.json()["data"]["language"], r.json()["data"]["organisation"])
             for r in sinks.webhook.requests}  # fmt: skip
    assert shown == {("fi", "Vaasan kaupunki"), ("sv", "Vasa stad")}  # og:site_name
