"""The publisher's name: resolved from settings, the page or the host — never the source name;
and the feeds name it (author, dc:creator, JSON Feed authors)."""

from __future__ import annotations

import json
from dataclasses import replace

import feedparser
import pytest
from pydantic import ValidationError

from syndicator.config import Config
from syndicator.deliver import console
from syndicator.deliver.render import render_message
from syndicator.organisation import article_organisation, organisation_name, stamp
from syndicator.publish import Feed, render_feed
from syndicator.sources import html_listing
from tests.deliver.conftest import sample_article, sample_entry
from tests.publish.samples import make_config, make_entry

NAMES = {"fi": "Vaasan kaupunki", "sv": "Vasa stad", "en": "City of Vaasa"}
URL = "https://www.vaasa.fi/sv/nyheter/simhall/"


@pytest.mark.parametrize(
    ("setting", "lang", "site_name", "expected"),
    [
        ("Vaasan kaupunki", "sv", "Vasa stad – nyheter", "Vaasan kaupunki"),
        ("  Vaasan   kaupunki ", None, "", "Vaasan kaupunki"),
        (NAMES, "sv", "", "Vasa stad"),
        (NAMES, "sv-FI", "", "Vasa stad"),
        (NAMES, "en", "Vaasa", "City of Vaasa"),
        (NAMES, "de", "", "Vaasan kaupunki"),  # no German name: the first one given
        (NAMES, None, "", "Vaasan kaupunki"),
        ({"sv": "Vasa stad", "fi": "Vaasan kaupunki"}, "en", "", "Vasa stad"),
        ({"sv": "  "}, "sv", "Vasa stad", "Vasa stad"),  # a blank name is no name
        (None, "sv", "Vasa stad", "Vasa stad"),  # og:site_name
        (None, "sv", "  ", "www.vaasa.fi"),  # the host
        ("", "sv", "", "www.vaasa.fi"),
    ],
)
def test_organisation_name(
    setting: str | dict[str, str] | None, lang: str | None, site_name: str, expected: str
) -> None:
    assert organisation_name(setting, lang, site_name=site_name, url=URL) == expected


def test_a_url_without_a_host_gives_no_name() -> None:
    assert organisation_name(None, "fi", url="not a url") == ""
    assert organisation_name(None, "fi", url="http://[::1") == ""  # unparsable


def test_stamp_resolves_in_the_articles_language_and_settings_win_over_the_stamp() -> None:
    article = sample_article(lang="sv", site_name="Vasa stad – nyheter")
    assert stamp(article, None).organisation == "Vasa stad – nyheter"
    stamped = stamp(article, NAMES)
    assert stamped.organisation == "Vasa stad"
    assert article_organisation(stamped) == "Vasa stad"  # what the outbox prints
    assert article_organisation(stamped, "Vaasan kaupunki") == "Vaasan kaupunki"  # feeds
    assert article_organisation(sample_article()) == "www.vaasa.fi"  # an old row: no stamp


def test_render_message_names_the_organisation_not_the_source() -> None:
    config = console.Config(kind="console", name="c", locale="fi")
    entry = sample_entry(organisation="Vaasan kaupunki")
    message = render_message(entry, "created", config, "k")
    assert message.organisation == "Vaasan kaupunki"
    assert message.source == "vaasa-fi"  # kept for our logs only


def test_source_setting_accepts_a_name_or_one_per_language() -> None:
    base: dict[str, object] = {"kind": "html", "name": "vaasa-sv", "urls": [URL]}
    one = html_listing.Config.model_validate({**base, "organisation": "Vasa stad"})
    assert one.organisation == "Vasa stad"
    many = html_listing.Config.model_validate({**base, "organisation": NAMES})
    assert many.organisation == NAMES
    assert html_listing.Config.model_validate(base).organisation is None
    for wrong in ("", "   ", {"svenska": "Vasa stad"}, {"sv": ""}, 7):
        with pytest.raises(ValidationError, match="organisation"):
            html_listing.Config.model_validate({**base, "organisation": wrong})


def _config_with_sources(organisation: object) -> Config:
    config = make_config()
    source = {
        "kind": "html",
        "name": "vaasa-fi",
        "urls": ["https://www.vaasa.fi/"],
        "organisation": organisation,
    }
    return Config.model_validate({**config.model_dump(), "sources": [source]})


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
def test_feeds_name_the_organisation_per_language_and_never_the_source(fmt: str) -> None:
    config = _config_with_sources(NAMES)
    entries = [make_entry(lang, item_id=n) for n, lang in enumerate(("fi", "sv", "en"), 1)]
    document = render_feed(Feed(None, fmt), entries, config)  # type: ignore[arg-type]
    assert b"vaasa-fi" not in document
    if fmt == "json":
        authors = [item["authors"] for item in json.loads(document)["items"]]
        assert authors == [[{"name": NAMES[lang]}] for lang in ("fi", "sv", "en")]
        return
    parsed = feedparser.parse(document)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert [entry.author for entry in parsed.entries] == [NAMES["fi"], NAMES["sv"], NAMES["en"]]


def test_feeds_fall_back_to_the_stamp_then_the_page_then_the_host() -> None:
    config = _config_with_sources(None)
    stamped = replace(make_entry("fi", 1), source="vaasa-fi")
    stamped = replace(stamped, article=replace(stamped.article, organisation="Vaasan kaupunki"))
    named = make_entry("sv", 2)
    named = replace(named, article=replace(named.article, site_name="Vasa stad"))
    bare = make_entry("en", 3)
    document = render_feed(Feed(None, "json"), [stamped, named, bare], config)
    authors = [item["authors"][0]["name"] for item in json.loads(document)["items"]]
    assert authors == ["Vaasan kaupunki", "Vasa stad", "www.vaasa.fi"]
    assert b"vaasa-fi" not in document
