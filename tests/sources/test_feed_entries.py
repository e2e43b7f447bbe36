"""Kind ``feed``, one defect each, on small feeds read by ``read_feed``: the source's language
wins over the channel's ``<language>``; the time of day of ``pubDate`` survives whatever
zone (or none) it is written in; the entry's featured image is kept."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from syndicator.model import Candidate
from syndicator.sources import feed

_URL = "https://www.example.fi/feed/"
_MEDIA = 'xmlns:media="http://search.yahoo.com/mrss/"'


def _source(**fields: object) -> feed.Config:
    values = {"name": "wp-feed", "kind": "feed", "url": _URL, "fetch_article": False}
    return feed.Config.model_validate({**values, **fields})


def _read(item: str, *, channel: str = "", **fields: object) -> Candidate:
    body = (
        f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0' {_MEDIA}><channel>"
        f"<title>Kaupunki</title><link>https://www.example.fi/</link>{channel}"
        f"<item><title>Tiedote</title><link>https://www.example.fi/tiedote/</link>"
        f"<description>Kaupunginhallitus päätti.</description>{item}</item></channel></rss>"
    )
    [found] = feed.read_feed(body.encode(), _URL, _source(**fields)).candidates
    return found


def test_the_configured_language_wins_over_the_channel_language() -> None:
    found = _read("", channel="<language>en-US</language>", language="fi")
    assert found.lang == "fi"
    assert found.html is not None and '<html lang="fi">' in found.html
    assert _read("", channel="<language>sv-FI</language>").lang == "sv"  # nothing configured


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Thu, 03 Dec 2026 14:30:00 +0200", datetime(2026, 12, 3, 12, 30, tzinfo=UTC)),
        ("Thu, 03 Dec 2026 14:30:00 EET", datetime(2026, 12, 3, 12, 30, tzinfo=UTC)),
        ("Fri, 03 Jul 2026 14:30:00 EEST", datetime(2026, 7, 3, 11, 30, tzinfo=UTC)),
        ("Thu, 03 Dec 2026 14:30:00 GMT", datetime(2026, 12, 3, 14, 30, tzinfo=UTC)),
        ("Thu, 03 Dec 2026 14:30:00", datetime(2026, 12, 3, 12, 30, tzinfo=UTC)),  # local
        ("Thu, 3 Dec 2026 14:30 +0200", datetime(2026, 12, 3, 12, 30, tzinfo=UTC)),
        ("2026-12-03 14:30:00", datetime(2026, 12, 3, 12, 30, tzinfo=UTC)),  # local
        ("2026-12-03T14:30:00+02:00", datetime(2026, 12, 3, 12, 30, tzinfo=UTC)),
        ("2026-07-03T14:30:00Z", datetime(2026, 7, 3, 14, 30, tzinfo=UTC)),
    ],
)
def test_the_time_of_day_of_pub_date_survives(written: str, expected: datetime) -> None:
    found = _read(f"<pubDate>{written}</pubDate>")
    assert found.published == expected
    assert found.published is not None and found.published.tzname() in ("EET", "EEST")
    stamp = expected.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    assert found.html is not None and f'"article:published_time" content="{stamp}"' in found.html


@pytest.mark.parametrize(
    "item",
    [
        '<media:content url="https://www.example.fi/kuva.jpg" medium="image" width="1200"/>'
        '<media:thumbnail url="https://www.example.fi/pieni.jpg"/>',
        '<media:content url="https://www.example.fi/kuva.jpg" type="image/jpeg"/>',
        '<media:content url="https://www.example.fi/video.mp4" type="video/mp4"/>'
        '<media:thumbnail url="https://www.example.fi/kuva.jpg"/>',
        '<enclosure url="https://www.example.fi/puhe.mp3" type="audio/mpeg" length="9"/>'
        '<enclosure url="https://www.example.fi/kuva.jpg" type="image/jpeg" length="9"/>',
        '<media:group><media:content url="https://www.example.fi/kuva.jpg" medium="image"/>'
        "</media:group>",
    ],
)
def test_the_featured_image_is_kept(item: str) -> None:
    found = _read(item)
    assert found.image == "https://www.example.fi/kuva.jpg"
    assert found.html is not None
    assert '<meta property="og:image" content="https://www.example.fi/kuva.jpg">' in found.html


def test_no_image_is_none() -> None:
    found = _read('<enclosure url="https://www.example.fi/puhe.mp3" type="audio/mpeg"/>')
    assert found.image is None and found.html is not None and "og:image" not in found.html
