"""Charset detection order and Retry-After parsing: pure functions, table-driven."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from syndicator.charset import decode_body
from syndicator.httperrors import parse_retry_after

_FI = "Hyvää päivää – Vaasa €"


@pytest.mark.parametrize(
    ("content", "content_type", "encoding"),
    [
        (_FI.encode("utf-8"), "text/html; charset=UTF-8", "utf-8"),
        (_FI.encode("cp1252"), "text/html; charset=windows-1252", "cp1252"),
        (_FI.encode("cp1252"), "text/html; charset=ISO-8859-1", "cp1252"),
        (b"\xef\xbb\xbf" + _FI.encode("utf-8"), "text/html", "utf-8"),
        (b"\xff\xfe" + _FI.encode("utf-16-le"), "text/html", "utf-16-le"),
        (b'<meta charset="windows-1252">' + _FI.encode("cp1252"), "text/html", "cp1252"),
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-15">'
            + _FI.replace("–", "-").encode("iso-8859-15"),
            "",
            "iso8859-15",
        ),
        (b'<?xml version="1.0" encoding="windows-1252"?>' + _FI.encode("cp1252"), "", "cp1252"),
        (_FI.encode("utf-8"), "text/html", "utf-8"),
        (_FI.encode("cp1252"), "text/html", "cp1252"),
        (_FI.encode("utf-8"), "text/html; charset=bogus-charset", "utf-8"),
        # A byte order mark wins over the HTTP charset and <meta>.
        (b"\xef\xbb\xbf" + _FI.encode("utf-8"), "text/html; charset=windows-1252", "utf-8"),
        (b"\xff\xfe" + _FI.encode("utf-16-le"), "text/html; charset=utf-8", "utf-16-le"),
        (b"\xfe\xff" + _FI.encode("utf-16-be"), "text/html; charset=iso-8859-1", "utf-16-be"),
        (
            b'\xef\xbb\xbf<meta charset="windows-1252">' + _FI.encode("utf-8"),
            "text/html",
            "utf-8",
        ),
    ],
)
def test_detection_order(content: bytes, content_type: str, encoding: str) -> None:
    text, found = decode_body(content, content_type)
    assert found == encoding
    assert _FI.replace("–", "-") in text.replace("–", "-")


def test_utf8_cut_inside_a_character_stays_utf8() -> None:
    text, encoding = decode_body("Vaasa ää".encode()[:-1], "text/html")
    assert encoding == "utf-8" and text.startswith("Vaasa ä")


def test_undecodable_bytes_never_raise() -> None:
    text, encoding = decode_body(b"\x81\x8d\x8f\x90\x9d", "text/plain")
    assert encoding == "cp1252" and "\ufffd" in text


@pytest.mark.parametrize(
    ("value", "low", "high"),
    [("120", 120, 120), ("0", 0, 0), (None, None, None), ("soon", None, None)],
)
def test_retry_after_seconds(value: str | None, low: float | None, high: float | None) -> None:
    seconds = parse_retry_after(value)
    if low is None:
        assert seconds is None
    else:
        assert seconds is not None and low <= seconds <= (high or low)


def test_retry_after_http_date() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    seconds = parse_retry_after(when)
    assert seconds is not None and 85 <= seconds <= 91
    past = format_datetime(datetime.now(UTC) - timedelta(hours=1), usegmt=True)
    assert parse_retry_after(past) == 0
