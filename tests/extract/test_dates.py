"""fi/sv/en date texts → aware Europe/Helsinki datetimes, across both DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from syndicator.extract import parse_date
from syndicator.locales import HELSINKI

CASES = [
    ("29.11.2026 klo 10.15", "2026-11-29T10:15:00+02:00"),
    ("29.11.2026 kl. 10.15", "2026-11-29T10:15:00+02:00"),
    ("29.11.2026 kl 9:05", "2026-11-29T09:05:00+02:00"),
    ("29.11.2026", "2026-11-29T00:00:00+02:00"),
    ("1.6.2026", "2026-06-01T00:00:00+03:00"),
    ("29. marraskuuta 2026", "2026-11-29T00:00:00+02:00"),
    ("5. elok. 2026", "2026-08-05T00:00:00+03:00"),
    ("29 november 2026", "2026-11-29T00:00:00+02:00"),
    ("3 maj 2026 kl. 14.30", "2026-05-03T14:30:00+03:00"),
    ("November 29, 2026", "2026-11-29T00:00:00+02:00"),
    ("29 November 2026", "2026-11-29T00:00:00+02:00"),
    ("29th Nov. 2026 at 3:05 pm", "2026-11-29T15:05:00+02:00"),
    ("2026-11-27T08:15:00+00:00", "2026-11-27T10:15:00+02:00"),
    ("2026-11-27T08:15:00Z", "2026-11-27T10:15:00+02:00"),
    ("2026-11-27T10:15:00", "2026-11-27T10:15:00+02:00"),
    ("2026-11-27T13:15:00+05:00", "2026-11-27T10:15:00+02:00"),
    ("2026-11-27", "2026-11-27T00:00:00+02:00"),
    ("2026-06-01T12:00:00.123456+0300", "2026-06-01T12:00:00+03:00"),
    ("Julkaistu 27.11.2026 klo 10.15", "2026-11-27T10:15:00+02:00"),
    ("Publicerad 27.11.2026 kl. 10.15", "2026-11-27T10:15:00+02:00"),
    ("Published: 27 November 2026", "2026-11-27T00:00:00+02:00"),
    ("Päivitetty 28.11.2026 klo 9.30", "2026-11-28T09:30:00+02:00"),
    ("Uppdaterad 28.11.2026", "2026-11-28T00:00:00+02:00"),
    ("Updated November 28, 2026", "2026-11-28T00:00:00+02:00"),
    ("Julkaistu 1.11.2026 · Päivitetty 2.11.2026", "2026-11-01T00:00:00+02:00"),
    # spring forward, 29.3.2026: 03.00 EET becomes 04.00 EEST
    ("29.3.2026 klo 02.59", "2026-03-29T02:59:00+02:00"),
    ("29.3.2026 klo 03.30", "2026-03-29T04:30:00+03:00"),  # does not exist: the instant it means
    ("29.3.2026 klo 04.00", "2026-03-29T04:00:00+03:00"),
    ("2026-03-29T00:59:00Z", "2026-03-29T02:59:00+02:00"),
    ("2026-03-29T01:00:00Z", "2026-03-29T04:00:00+03:00"),
    # fall back, 25.10.2026: 04.00 EEST becomes 03.00 EET; 03.30 happens twice
    ("25.10.2026 klo 02.30", "2026-10-25T02:30:00+03:00"),
    ("25.10.2026 klo 03.30", "2026-10-25T03:30:00+03:00"),  # the first one
    ("25.10.2026 klo 04.30", "2026-10-25T04:30:00+02:00"),
    ("2026-10-25T00:30:00Z", "2026-10-25T03:30:00+03:00"),
    ("2026-10-25T01:30:00Z", "2026-10-25T03:30:00+02:00"),
]
NOTHING = [
    "",
    "ei päivämäärää",
    "31.2.2026",
    "32.1.2026",
    "2026-13-01",
    "klo 10.15",
    "marraskuu",
    "Tilaa uutiskirje",
    "0.0.0000",
    "99999-01-01",
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_parses(text: str, expected: str) -> None:
    moment = parse_date(text)
    assert moment is not None
    assert moment.isoformat() == expected
    assert moment.tzinfo is HELSINKI


@pytest.mark.parametrize("text", NOTHING)
def test_nothing_to_parse(text: str) -> None:
    assert parse_date(text) is None


def test_the_same_instant_twice_in_autumn_stays_apart() -> None:
    first = parse_date("2026-10-25T00:30:00Z")
    second = parse_date("2026-10-25T01:30:00Z")
    assert first is not None and second is not None
    # Python subtracts two datetimes of one zone as wall-clock times (fold ignored): compare in UTC
    assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=1)
    assert (first.fold, second.fold) == (0, 1)
    assert (first.utcoffset(), second.utcoffset()) == (timedelta(hours=3), timedelta(hours=2))
    assert first.astimezone(UTC).hour == 0 and second.astimezone(UTC).hour == 1


def test_language_hint_is_only_a_hint() -> None:
    assert parse_date("29 november 2026", "fi") == parse_date("29 November 2026", "en")


@given(st.text(max_size=200), st.sampled_from([None, "fi", "sv", "en", "xx"]))
def test_never_raises(text: str, lang: str | None) -> None:
    moment = parse_date(text, lang)
    assert moment is None or (moment.tzinfo is HELSINKI and 1900 <= moment.year <= 2200)


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)))
def test_iso_round_trip(moment: datetime) -> None:
    aware = moment.replace(microsecond=0, tzinfo=UTC)
    parsed = parse_date(aware.isoformat())
    assert parsed is not None and parsed.tzinfo is HELSINKI
    # the same instant; not ``==``: between zones, a wall time that occurs twice (the hour
    # DST ends) never compares equal (PEP 495), even when it names the right instant
    assert parsed.astimezone(UTC) == aware
