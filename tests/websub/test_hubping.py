"""Pings to external hubs (``websub.publish_to``): which feeds, what is POSTed, failures
logged and never raised. The hub is a real server on 127.0.0.1."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qsl

import httpx
import pytest

from syndicator.config import Config, ServiceSettings, WebSubSettings, load_config
from syndicator.deliver.hubping import changed_topics, ping_hubs
from syndicator.demo.site import SampleSite
from syndicator.scheduler import run_once
from syndicator.store import open_store
from tests.e2e.conftest import LIBRARY, sources_toml, write_config
from tests.sinks import HttpSink
from tests.websub.conftest import BASE, make_config


def hub_config(*hubs: str) -> Config:
    return Config(service=ServiceSettings(base_url=BASE), websub=WebSubSettings(publish_to=hubs))


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5.0) as opened:
        yield opened


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fi", ["feeds/atom.xml", "feeds/rss.xml", "feeds/feed.json",
                "feeds/fi/atom.xml", "feeds/fi/rss.xml", "feeds/fi/feed.json"]),
        ("sv", ["feeds/atom.xml", "feeds/rss.xml", "feeds/feed.json",
                "feeds/sv/atom.xml", "feeds/sv/rss.xml", "feeds/sv/feed.json"]),
    ],
)  # fmt: skip
def test_a_change_touches_the_combined_feeds_and_its_language(
    lang: str, expected: list[str]
) -> None:
    assert changed_topics(hub_config(), "vaasa", lang) == [BASE + path for path in expected]


def test_a_change_touches_its_source_s_feeds_and_the_filters_of_its_language() -> None:
    config = make_config()  # sources vaasa-fi and vaasa-sv; filters uimahalli and energia
    folders = {
        topic.removeprefix(BASE).rsplit("/", 1)[0]
        for topic in changed_topics(config, "vaasa-sv", "sv")
    }
    assert folders == {
        "feeds",
        "feeds/sv",
        "feeds/source/vaasa-sv",
        "feeds/filter/uimahalli",
        "feeds/filter/energia",
    }


def test_a_multilingual_source_touches_every_feed() -> None:
    assert len(changed_topics(hub_config(), "vaasa", None)) == 12


async def test_each_hub_gets_a_form_encoded_publish_per_topic(client: httpx.AsyncClient) -> None:
    with HttpSink() as first, HttpSink() as second:
        config = hub_config(first.url + "/", second.url + "/hub")
        topics = [BASE + "feeds/fi/atom.xml", BASE + "feeds/atom.xml"]
        assert await ping_hubs(config, topics, client) == 4
        for sink, path in ((first, "/"), (second, "/hub")):
            assert sorted(
                dict(parse_qsl(r.body.decode())).get("hub.url", "") for r in sink.requests
            ) == sorted(topics)
            for request in sink.requests:
                assert (request.method, request.path) == ("POST", path)
                assert request.headers["content-type"] == "application/x-www-form-urlencoded"
                assert dict(parse_qsl(request.body.decode()))["hub.mode"] == "publish"


async def test_a_failing_hub_is_logged_not_raised(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with HttpSink() as hub:
        hub.respond(500)
        with caplog.at_level(logging.WARNING, logger="syndicator.websub"):
            sent = await ping_hubs(hub_config(hub.url + "/"), [BASE + "feeds/atom.xml"], client)
        assert sent == 0
        assert len(hub.requests) == 1
    (record,) = [r for r in caplog.records if getattr(r, "event", "") == "websub.ping_failed"]
    assert getattr(record, "error_code", None) == "delivery.http_500"


async def test_no_hubs_no_requests(client: httpx.AsyncClient) -> None:
    assert await ping_hubs(hub_config(), [BASE + "feeds/atom.xml"], client) == 0


@pytest.mark.parametrize("dry_run", [False, True])
async def test_poll_once_pings_after_a_change_unless_dry_run(tmp_path: Path, dry_run: bool) -> None:
    sample = SampleSite(with_releases=False)
    sample.add_release("kirjasto", {"fi": LIBRARY["fi"]}, post_id=5001)
    handle = sample.serve()
    try:
        with HttpSink() as hub:
            path = write_config(
                tmp_path, sources_toml(handle.url, catch_up=True, langs=("fi",)), ""
            )
            with path.open("a", encoding="utf-8") as toml:
                toml.write(f'\n[websub]\npublish_to = ["{hub.url}/"]\n')
            config = load_config(path)
            store = open_store(config.service.database_url)
            try:
                await run_once(config, store, dry_run=dry_run)
                await run_once(config, store, dry_run=dry_run)  # nothing new: no ping
            finally:
                store.close()
            pinged = sorted(dict(parse_qsl(r.body.decode()))["hub.url"] for r in hub.requests)
    finally:
        handle.stop()
    base = config.service.base_url
    [source] = config.sources
    expected = [] if dry_run else sorted(changed_topics(config, source.name, "fi"))
    assert pinged == expected
    assert all(url.startswith(base) for url in pinged)
