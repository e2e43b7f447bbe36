"""Routing by categories and keywords: a pure function, table-driven; and route() uses it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from syndicator.decide import route
from syndicator.deliver import console
from syndicator.model import Article
from syndicator.routing import Rules, admits, category_key, wanted

TEXT = "Vaasan uusi uimahalli avataan maaliskuussa.\nWasa Teater esittää Kevätkonsertin."
CATEGORIES = ("Kulttuuri ja vapaa-aika", "liikunta")


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (Rules(), True),
        # categories: by name or slug, case-insensitive, one of the list is enough
        (Rules(categories_include=("kulttuuri-ja-vapaa-aika",)), True),
        (Rules(categories_include=("LIIKUNTA",)), True),
        (Rules(categories_include=("Talous", "Liikunta")), True),
        (Rules(categories_include=("Talous",)), False),
        (Rules(categories_include=("Kulttuuri",)), False),  # a word of a name is not the name
        (Rules(categories_exclude=("Liikunta",)), False),
        (Rules(categories_exclude=("Talous",)), True),
        # keywords: whole words and phrases in title, lead or text, case-insensitive
        (Rules(keywords_include=("uimahalli",)), True),
        (Rules(keywords_include=("UIMAHALLI",)), True),
        (Rules(keywords_include=("halli",)), False),  # not inside a word
        (Rules(keywords_include=("uimahall",)), False),
        (Rules(keywords_include=("uimahall*",)), True),  # a prefix, for inflected forms
        (Rules(keywords_include=("kevätkonsert*",)), True),
        (Rules(keywords_include=("wasa teater",)), True),  # a phrase, across a capital
        (Rules(keywords_include=("teater wasa",)), False),  # words in that order
        (Rules(keywords_include=("talous", "teater")), True),
        (Rules(keywords_exclude=("maaliskuussa",)), False),
        (Rules(keywords_exclude=("huhtikuussa",)), True),
        # each include list that is set must be met; an exclude always wins
        (Rules(categories_include=("liikunta",), keywords_include=("uimahalli",)), True),
        (Rules(categories_include=("talous",), keywords_include=("uimahalli",)), False),
        (Rules(categories_include=("liikunta",), keywords_include=("budjetti",)), False),
        (Rules(categories_include=("liikunta",), keywords_exclude=("uimahalli",)), False),
        (Rules(keywords_include=("uimahalli",), categories_exclude=("liikunta",)), False),
    ],
)
def test_admits(rules: Rules, expected: bool) -> None:
    assert admits(rules, CATEGORIES, TEXT) is expected


def test_a_phrase_runs_across_a_line_break() -> None:
    """Lines are not boundaries: a phrase broken by the page's layout still matches."""
    assert admits(Rules(keywords_include=("maaliskuussa wasa",)), (), TEXT)


def test_a_release_without_categories_fails_an_include_list_only() -> None:
    assert not admits(Rules(categories_include=("liikunta",)), (), TEXT)
    assert admits(Rules(categories_exclude=("liikunta",)), (), TEXT)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Kulttuuri ja vapaa-aika", "kulttuuri-ja-vapaa-aika"),
        ("kulttuuri-ja-vapaa-aika", "kulttuuri-ja-vapaa-aika"),
        ("  Kultur & fritid ", "kultur-fritid"),
        ("Äldreomsorg", "äldreomsorg"),
        ("news_2026", "news-2026"),
    ],
)
def test_category_key(name: str, key: str) -> None:
    assert category_key(name) == key


def _article() -> Article:
    return Article(
        url="https://www.vaasa.fi/uutiset/uimahalli/",
        title="Uimahalli avataan",
        lang="fi",
        published=datetime(2026, 3, 1, tzinfo=UTC),
        updated=None,
        lead="Hallissa on 50 metrin allas.",
        body_html="<p>…</p>",
        text="Kaupunki avaa hallin maaliskuussa.",
        categories=("Liikunta",),
    )


def _destination(name: str, **rules: object) -> console.Config:
    return console.Config.model_validate({"kind": "console", "name": name, **rules})


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ({"keywords_include": ["allas"]}, True),  # the lead counts
        ({"keywords_include": ["uimahalli"]}, True),  # the title counts
        ({"keywords_include": ["hallin"]}, True),  # the text counts
        ({"keywords_include": ["budjetti"]}, False),
        ({"categories_include": ["liikunta"]}, True),
        ({"categories_exclude": ["LIIKUNTA"]}, False),
    ],
)
def test_wanted_reads_title_lead_text_and_categories(
    rules: dict[str, object], expected: bool
) -> None:
    assert wanted(_destination("d", **rules), _article()) is expected


def test_route_drops_destinations_whose_rules_refuse_the_article() -> None:
    destinations = [
        _destination("all"),
        _destination("sport", categories_include=["liikunta"]),
        _destination("culture", categories_include=["kulttuuri"]),
        _destination("no-pools", keywords_exclude=["uimahalli*"]),
    ]
    routed = route(destinations, source="s", lang="fi", event="created", article=_article())
    assert [name for name, _hold in routed] == ["all", "sport"]
    # without an article (callers that route by event alone) the rules are not applied
    unfiltered = route(destinations, source="s", lang="fi", event="created")
    assert [name for name, _hold in unfiltered] == ["all", "sport", "culture", "no-pools"]


@pytest.mark.parametrize("value", ["", "  ", "***"])
def test_an_empty_or_wordless_term_is_a_config_error(value: str) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="keywords_include"):
        _destination("d", keywords_include=[value])
