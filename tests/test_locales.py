"""One Helsinki zone and one language-tag normaliser for every module."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

import syndicator
from syndicator.locales import HELSINKI, HELSINKI_NAME, normalise_lang


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("fi", "fi"),
        ("FI", "fi"),
        (" sv ", "sv"),
        ("fi-FI", "fi"),
        ("sv_FI", "sv"),  # og:locale, POSIX
        ("sv_FI.UTF-8", "sv"),  # a POSIX locale with its codeset
        ("ca@valencia", "ca"),
        ("en-us,fi", "en"),  # a sloppy feed <language>: the primary subtag is enough
        ("zh-Hant-TW", "zh"),
        ("fin", "fin"),
        ("x-default", None),  # hreflang for "no particular language"
        ("i-klingon", None),
        ("*", None),
        ("12", None),
        ("nonsense", None),
        ("fö", None),
        ("", None),
        ("   ", None),
        (None, None),
        (42, None),  # feed and API fields are not always strings
    ],
)
def test_normalise_lang(tag: object, expected: str | None) -> None:
    assert normalise_lang(tag) == expected


def test_helsinki_is_the_local_zone() -> None:
    assert HELSINKI_NAME == "Europe/Helsinki"
    assert str(datetime(2026, 7, 1, tzinfo=HELSINKI).utcoffset()) == "3:00:00"
    assert str(datetime(2026, 1, 1, tzinfo=HELSINKI).utcoffset()) == "2:00:00"


def test_one_zone_constant_and_one_normaliser() -> None:
    """No module builds its own zone or splits language tags by hand again."""
    root = Path(syndicator.__file__).parent
    copies = re.compile(r"ZoneInfo\(|Europe/Helsinki\"|def normali[sz]e_lang|\.split\(\"-\"")
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "locales.py" and copies.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
