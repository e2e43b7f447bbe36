"""The one word table and the one date format per language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from syndicator.i18n import LABELS, LANGUAGE_NAMES, LANGUAGES, WORDS, format_datetime, translate


@pytest.mark.parametrize("key", sorted(WORDS))
def test_every_key_exists_in_fi_sv_and_en(key: str) -> None:
    words = WORDS[key]
    assert len(words) == len(LANGUAGES)
    for lang, word in zip(LANGUAGES, words, strict=True):
        assert word and word == word.strip(), (key, lang)
        assert translate(key, lang) == word


def test_keys_are_namespaced() -> None:
    namespaces = {"label", "index", "release", "status", "error"}
    assert {key.split(".", 1)[0] for key in WORDS} == namespaces
    assert {f"label.{word}" for word in LABELS} == {k for k in WORDS if k.startswith("label.")}
    assert set(LANGUAGE_NAMES) == set(LANGUAGES)


@pytest.mark.parametrize(
    "key",
    [
        *(f"label.{word}" for word in LABELS),
        "error.fetch.timeout",
        "error.fetch.http_status",
        "error.fetch.too_large",
        "error.fetch.blocked_address",
        "error.fetch.robots_disallowed",
        "error.extract.no_article",
        "error.delivery.failed",
        "error.store.failed",
    ],
)
def test_required_keys_have_their_own_words(key: str) -> None:
    assert key in WORDS


def test_translate_falls_back() -> None:
    assert translate("label.read_more", "de") == "Read more"
    assert translate("label.read_more", "sv-FI") == "Läs mer"
    assert translate("index.title", "sv_FI") == "Pressmeddelanden som flöden"
    assert translate("no_such_key", "fi") == "no_such_key"
    assert translate("error.fetch.http_503", "fi") == "Palvelin vastasi virhekoodilla"
    assert translate("error.fetch.timeout", "sv") == "Servern svarade inte i tid"
    assert translate("error.delivery.smtp_451", "en") == "The mail server refused the message"
    assert translate("error.fetch.something_new", "en") == "Fetching failed"
    assert translate("error.nope.x", "en") == "error.nope.x"


@pytest.mark.parametrize(
    ("moment", "fi", "sv", "en"),
    [
        # Helsinki is UTC+3 in summer, UTC+2 in winter.
        (datetime(2025, 6, 1, 21, 5, tzinfo=UTC), "2.6.2025 klo 0.05", "2.6.2025 kl. 0.05",
         "2 June 2025, 0:05"),
        (datetime(2025, 3, 12, 7, 5, tzinfo=UTC), "12.3.2025 klo 9.05", "12.3.2025 kl. 9.05",
         "12 March 2025, 9:05"),
        (datetime(2026, 11, 27, 8, 35, tzinfo=UTC), "27.11.2026 klo 10.35",
         "27.11.2026 kl. 10.35", "27 November 2026, 10:35"),
        # Naive means Helsinki time already.
        (datetime(2025, 12, 31, 23, 59), "31.12.2025 klo 23.59", "31.12.2025 kl. 23.59",
         "31 December 2025, 23:59"),
    ],
)  # fmt: skip
def test_one_date_format_per_language(moment: datetime, fi: str, sv: str, en: str) -> None:
    assert format_datetime(moment, "fi") == fi
    assert format_datetime(moment, "fi-FI") == fi
    assert format_datetime(moment, "sv") == sv
    assert format_datetime(moment, "en") == en
    assert format_datetime(moment, "de") == en  # English for languages we do not speak
