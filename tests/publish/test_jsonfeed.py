"""JSON Feed 1.1, checked against the spec's field rules by hand."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from syndicator.model import Entry
from syndicator.publish import Feed, render_feed
from tests.publish.samples import BASE, URLS, edited, make_config, make_entry, sample_entries

_FEED_KEYS = {"version", "title", "home_page_url", "feed_url", "description", "user_comment"}
_FEED_KEYS |= {"next_url", "icon", "favicon", "authors", "language", "expired", "hubs", "items"}
_ITEM_KEYS = {"id", "url", "external_url", "title", "content_html", "content_text", "summary"}
_ITEM_KEYS |= {"image", "banner_image", "date_published", "date_modified", "authors", "tags"}
_ITEM_KEYS |= {"language", "attachments"}


def _json(entries: list[Entry], lang: str | None = None) -> dict[str, Any]:
    data = render_feed(Feed(lang, "json"), entries, make_config())
    document: dict[str, Any] = json.loads(data.decode("utf-8"))
    return document


def _check_item(item: dict[str, Any]) -> None:
    unknown = {key for key in item if not key.startswith("_")} - _ITEM_KEYS
    assert not unknown, unknown
    assert isinstance(item["id"], str) and item["id"]
    assert "content_html" in item or "content_text" in item
    for key in ("date_published", "date_modified"):
        moment = datetime.fromisoformat(item[key])
        assert moment.tzinfo is not None, key
    for key in ("url", "external_url", "image"):
        if key in item:
            assert item[key].startswith("https://"), key
    for attachment in item.get("attachments", []):
        assert attachment["url"] and attachment["mime_type"]
    for author in item.get("authors", []):
        assert set(author) <= {"name", "url", "avatar"} and author


def test_feed_follows_the_version_1_1_rules() -> None:
    document = _json(sample_entries())
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert set(document) <= _FEED_KEYS
    assert isinstance(document["title"], str) and document["title"]
    assert document["home_page_url"] == BASE
    assert document["feed_url"] == BASE + "feeds/feed.json"
    assert "language" not in document  # the combined feed is multilingual
    assert len(document["items"]) == 8
    for item in document["items"]:
        _check_item(item)


def test_item_fields_and_extension() -> None:
    item = _json([make_entry("fi")], "fi")["items"][0]
    assert item["id"] == item["url"] == URLS["fi"]
    assert item["language"] == "fi"
    assert item["title"] == "Kaupunginhallitus päätti Vöyrinkaupungin koulusta"
    assert item["summary"] == "Ingressi fi: äöå ÄÖÅ & <tagit>"
    assert item["content_text"] == "Runko fi äöå"
    assert item["external_url"] == "https://www.vaasa.fi/koulut/"
    assert item["date_published"] == "2026-11-27T10:15:00+02:00"
    extension = item["_syndicator"]
    assert {(a["language"], a["url"]) for a in extension["alternates"]} == {
        ("sv", URLS["sv"]),
        ("en", URLS["en"]),
    }
    assert [link["title"] for link in extension["read_more"]] == [
        "Lue lisää kouluista",
        "Päätökset",
    ]


def test_language_feed_declares_language() -> None:
    assert _json([make_entry("sv")], "sv")["language"] == "sv"


def test_edit_keeps_id_and_changes_date_modified() -> None:
    before = _json([make_entry("en")])["items"][0]
    after = _json([edited(make_entry("en"))])["items"][0]
    assert before["id"] == after["id"]
    assert before["date_published"] == after["date_published"]
    assert before["date_modified"] < after["date_modified"]


def test_utf8_is_written_unescaped() -> None:
    data = render_feed(Feed(None, "json"), [make_entry("sv")], make_config())
    assert "beslöt om skolan i Vörå".encode() in data
    assert _json([make_entry("sv")])["items"][0]["title"].endswith("Vörå — åtgärder")
