"""``read_article`` adds what the feed knew and the fetched page lacks: the time of day of
``pubDate`` when the page shows only the day (or no date), the featured image when the page
has none. What the page says itself is never overridden."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from syndicator.configbase import ArticleProfile
from syndicator.extraction import read_article
from syndicator.model import Candidate, Image

URL = "https://www.example.fi/tiedote/"
SEEN = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
PUB_DATE = datetime(2026, 12, 3, 12, 30, tzinfo=UTC)  # 14.30 in Helsinki
_TEXT = (
    "<p>Kaupunginhallitus käsitteli kokouksessaan kaupungin talousarviota ja investointeja. "
    "Päätöksen mukaan uusi päiväkoti rakennetaan keskustan läheisyyteen ensi vuoden aikana.</p>"
    "<p>Lisäksi kirjaston aukioloaikoja pidennetään arki-iltaisin kahdella tunnilla.</p>"
)


def _page(date: str = "", head: str = "") -> str:
    return (
        f'<html lang="fi"><head><title>Tiedote</title>{head}</head><body><article>'
        f"<h1>Tiedote</h1>{date}{_TEXT}</article></body></html>"
    )


def _read(html: str, candidate: Candidate) -> tuple[datetime | None, tuple[Image, ...], bool]:
    extraction = read_article(html, URL, ArticleProfile(), "fi", SEEN, candidate, ("fi",), None)
    [part] = extraction.parts
    return part.published, part.images, part.date_from_first_seen


FEED = Candidate(URL, published=PUB_DATE, image="https://www.example.fi/kuva.jpg")


@pytest.mark.parametrize(
    "date", ['<time class="published" datetime="2026-12-03">3.12.2026</time>', ""]
)
def test_the_feed_s_time_of_day_and_image_fill_what_the_page_lacks(date: str) -> None:
    published, images, from_first_seen = _read(_page(date), FEED)
    assert published == PUB_DATE and not from_first_seen
    assert images == (Image("https://www.example.fi/kuva.jpg"),)


def test_what_the_page_says_wins() -> None:
    head = (
        '<meta property="article:published_time" content="2026-12-03T08:05:00+00:00">'
        '<meta property="og:image" content="https://www.example.fi/oma.jpg">'
    )
    published, images, _ = _read(_page(head=head), FEED)
    assert published == datetime(2026, 12, 3, 8, 5, tzinfo=UTC)
    assert [image.url for image in images] == ["https://www.example.fi/oma.jpg"]


def test_a_listing_s_bare_day_or_another_day_changes_nothing() -> None:
    day_only = Candidate(URL, published=datetime(2026, 12, 2, 22, 0, tzinfo=UTC))  # midnight
    date = '<time class="published" datetime="2026-12-03">3.12.2026</time>'
    published, _, _ = _read(_page(date), day_only)
    assert published == datetime(2026, 12, 2, 22, 0, tzinfo=UTC)  # the page's 3.12. 00:00
    other_day = Candidate(URL, published=datetime(2026, 12, 1, 12, 30, tzinfo=UTC))
    assert _read(_page(date), other_day)[0] == datetime(2026, 12, 2, 22, 0, tzinfo=UTC)
