"""rel="self" on every feed; rel="hub" (WebSub) on every feed while a hub is named or ours is on."""

from __future__ import annotations

import json
from typing import Any

import pytest
from lxml import etree

from syndicator.config import parse_config
from syndicator.errors import ConfigError
from syndicator.publish import feed_documents
from tests.publish.samples import BASE, EntryList, make_config, sample_entries
from tests.publish.w3c import check

A = "{http://www.w3.org/2005/Atom}"


def _links(path: str, data: bytes, rel: str) -> list[str]:
    if path.endswith(".json"):
        document = json.loads(data)
        if rel == "self":
            return [document["feed_url"]]
        return [hub["url"] for hub in document.get("hubs", [])]
    root = etree.fromstring(data)
    parent = root if root.tag == f"{A}feed" else root.find("channel")
    assert parent is not None
    return [link.get("href") for link in parent.findall(f"{A}link[@rel='{rel}']")]


def test_every_feed_links_itself_and_no_hub_while_ours_is_off() -> None:
    documents = feed_documents(EntryList(sample_entries()), make_config())
    for path, (data, _content_type) in documents.items():
        assert _links(path, data, "self") == [BASE + path], path
        assert _links(path, data, "hub") == [], path


@pytest.mark.parametrize(
    ("settings", "hub"),
    [
        ({"hub": True}, BASE + "websub"),  # our own hub (web/websub.py)
        ({"hub": True, "hub_url": "https://hub.example/"}, "https://hub.example/"),
        ({"hub_url": "https://hub.example/"}, "https://hub.example/"),  # an external hub only
        ({}, None),
    ],
)
def test_every_feed_names_the_hub(settings: dict[str, Any], hub: str | None) -> None:
    documents = feed_documents(EntryList(sample_entries()), make_config(**settings))
    for path, (data, _content_type) in documents.items():
        assert _links(path, data, "hub") == ([hub] if hub else []), path
        assert check(path, data) == [], path
    if hub:
        parsed = json.loads(documents["feeds/feed.json"][0])
        assert parsed["hubs"] == [{"type": "WebSub", "url": hub}]


SOURCE = '[[sources]]\nname = "s"\nkind = "feed"\nurl = "https://www.vaasa.fi/feed/"\n'


def test_the_hub_keys_load_from_feeds_toml() -> None:
    text = '[feeds]\nhub_url = "https://hub.example/websub"\n[websub]\nenabled = false\n'
    config = parse_config(text + SOURCE, "feeds.toml", {})
    assert config.feeds.hub_url == "https://hub.example/websub" and not config.websub.enabled
    assert parse_config(SOURCE, "feeds.toml", {}).websub.enabled is True  # ours, by default
    with pytest.raises(ConfigError, match="hub_url"):
        parse_config('[feeds]\nhub_url = "not a url"\n' + SOURCE, "feeds.toml", {})
