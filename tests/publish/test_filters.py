"""Saved filters' matching is pure: routing.py's include rules plus languages, newest first,
cut to the limit; the config refuses a name used twice."""

from __future__ import annotations

from dataclasses import replace

import pytest

from syndicator.config import FeedFilter, parse_config
from syndicator.errors import ConfigError
from syndicator.model import Entry
from syndicator.publish.filters import matching, scan_language, scan_limit
from tests.publish.samples import make_config, make_entry


def _entry(number: int, lang: str, categories: tuple[str, ...], text: str) -> Entry:
    entry = make_entry(lang, number)
    return replace(entry, article=replace(entry.article, categories=categories, text=text))


ENTRIES = [
    _entry(1, "fi", ("Kulttuuri ja vapaa-aika",), "Uimahallin aukioloajat muuttuvat"),
    _entry(2, "sv", ("Kultur och fritid",), "Simhallens öppettider"),
    _entry(3, "fi", ("Energia",), "Tuulivoimala valmistuu"),
    _entry(4, "en", (), "The swimming hall opens"),
    _entry(5, "fi", ("kulttuuri-ja-vapaa-aika", "Energia"), "Uimahalli ja aurinkovoimala"),
]


@pytest.mark.parametrize(
    ("feed_filter", "limit", "expected"),
    [
        (FeedFilter(name="all"), 10, [1, 2, 3, 4, 5]),
        (FeedFilter(name="all"), 2, [1, 2]),
        (FeedFilter(name="sv", languages=("sv",)), 10, [2]),
        (FeedFilter(name="kult", categories=("Kulttuuri ja vapaa-aika",)), 10, [1, 5]),
        (FeedFilter(name="slug", categories=("ENERGIA", "kultur-och-fritid")), 10, [2, 3, 5]),
        (FeedFilter(name="prefix", keywords=("uimahalli*",)), 10, [1, 5]),
        (FeedFilter(name="word", keywords=("uimahalli",)), 10, [5]),  # whole words only
        (FeedFilter(name="phrase", keywords=("swimming hall",)), 10, [4]),
        (FeedFilter(name="both", categories=("energia",), keywords=("uimahalli*",)), 10, [5]),
        (FeedFilter(name="fi-en", languages=("fi", "en"), keywords=("opens", "tuuli*")), 1, [3]),
        (FeedFilter(name="none", categories=("puuttuu",)), 10, []),
    ],
)
def test_matching(feed_filter: FeedFilter, limit: int, expected: list[int]) -> None:
    assert [entry.item_id for entry in matching(feed_filter, ENTRIES, limit)] == expected


def test_the_scan_is_bounded_and_uses_a_single_language() -> None:
    assert scan_limit(make_config(max_entries=7)) == 70
    assert scan_language(FeedFilter(name="a", languages=("sv",))) == "sv"
    assert scan_language(FeedFilter(name="b", languages=("fi", "sv"))) is None
    assert scan_language(FeedFilter(name="c")) is None


def test_config_reads_filters_and_refuses_a_name_twice() -> None:
    text = """
[[sources]]
name = "vaasa"
kind = "wordpress"
url = "https://www.vaasa.fi/"

[[feeds.filters]]
name = "energia"
title = {fi = "Energia", sv = "Energi"}
categories = ["Energia"]
keywords = ["aurinkovoima*"]
languages = ["fi", "sv"]
"""
    [feed_filter] = parse_config(text, "feeds.toml", {}).feeds.filters
    assert feed_filter == FeedFilter(
        name="energia",
        title={"fi": "Energia", "sv": "Energi"},
        categories=("Energia",),
        keywords=("aurinkovoima*",),
        languages=("fi", "sv"),
    )
    twice = text + '\n[[feeds.filters]]\nname = "energia"\n'
    with pytest.raises(ConfigError, match="energia"):
        parse_config(twice, "feeds.toml", {})
    with pytest.raises(ConfigError, match="filters"):
        parse_config(text + '\n[[feeds.filters]]\nname = "../x"\n', "feeds.toml", {})
