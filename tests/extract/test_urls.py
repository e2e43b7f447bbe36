"""Canonical URLs (an item's identity) and absolute links."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from syndicator.urls import absolute_url, canonical_url

CANONICAL = [
    ("https://www.vaasa.fi/tiedote/x/", "https://www.vaasa.fi/tiedote/x/"),
    ("HTTPS://WWW.Vaasa.FI/tiedote/X/", "https://www.vaasa.fi/tiedote/X/"),
    ("https://www.vaasa.fi:443/tiedote/x/", "https://www.vaasa.fi/tiedote/x/"),
    ("http://www.vaasa.fi:80/a", "http://www.vaasa.fi/a"),
    ("http://127.0.0.1:8080/a", "http://127.0.0.1:8080/a"),
    ("https://www.vaasa.fi", "https://www.vaasa.fi/"),
    ("https://www.vaasa.fi/tiedote/x", "https://www.vaasa.fi/tiedote/x"),
    ("https://www.vaasa.fi/tiedote/x/#kommentit", "https://www.vaasa.fi/tiedote/x/"),
    ("https://x.fi/a?utm_source=fb&utm_medium=social&utm_campaign=c", "https://x.fi/a"),
    ("https://x.fi/a?p=5&fbclid=IwAR0&gclid=1", "https://x.fi/a?p=5"),
    (
        "https://x.fi/a?mc_cid=1&mc_eid=2&_ga=3&yclid=4&msclkid=5&igshid=6&ref_src=7",
        "https://x.fi/a",
    ),
    ("https://x.fi/a?b=2&a=1&UTM_Source=x", "https://x.fi/a?b=2&a=1"),
    ("https://x.fi/a?q=a%20b&lang=fi", "https://x.fi/a?q=a%20b&lang=fi"),
    ("https://x.fi/a?flag&utm_term=y", "https://x.fi/a?flag"),
    ("  https://x.fi/a  ", "https://x.fi/a"),
    ("https://[2001:DB8::1]:8443/a", "https://[2001:db8::1]:8443/a"),
]
ABSOLUTE = [
    ("/tiedote/x/", "https://www.vaasa.fi/sv/", "https://www.vaasa.fi/tiedote/x/"),
    ("x/", "https://www.vaasa.fi/sv/tiedote/", "https://www.vaasa.fi/sv/tiedote/x/"),
    ("//cdn.vaasa.fi/a.jpg", "https://www.vaasa.fi/", "https://cdn.vaasa.fi/a.jpg"),
    ("https://other.fi/a", "https://www.vaasa.fi/", "https://other.fi/a"),
    ("javascript:alert(1)", "https://www.vaasa.fi/", None),
    (" JavaScript:void(0)", "https://www.vaasa.fi/", None),
    ("mailto:a@vaasa.fi", "https://www.vaasa.fi/", None),
    ("tel:+35863251111", "https://www.vaasa.fi/", None),
    ("data:image/png;base64,AAAA", "https://www.vaasa.fi/", None),
    ("", "https://www.vaasa.fi/", None),
    ("   ", "https://www.vaasa.fi/", None),
    ("#top", "https://www.vaasa.fi/", None),
    ("ftp://files.vaasa.fi/a", "https://www.vaasa.fi/", None),
    ("http://[::1", "https://www.vaasa.fi/", None),
]


@pytest.mark.parametrize(("url", "expected"), CANONICAL)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize("url", [expected for _, expected in CANONICAL])
def test_canonical_url_is_idempotent(url: str) -> None:
    assert canonical_url(url) == url


@pytest.mark.parametrize(("href", "base", "expected"), ABSOLUTE)
def test_absolute_url(href: str, base: str, expected: str | None) -> None:
    assert absolute_url(href, base) == expected


@given(st.text(max_size=80))
def test_never_raise(text: str) -> None:
    canonical_url(text)
    result = absolute_url(text, "https://www.vaasa.fi/tiedote/")
    assert result is None or result.startswith(("http://", "https://"))
