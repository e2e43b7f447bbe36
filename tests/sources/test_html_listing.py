"""Kind ``html`` against the sample site: pagination, canonical URLs, dates, 304, garbage."""

from __future__ import annotations

from datetime import timedelta

import pytest

from syndicator.config import parse_config
from syndicator.demo.site import SampleSite, demo_sources
from syndicator.errors import FetchError
from syndicator.http import Fetcher
from syndicator.locales import HELSINKI
from syndicator.sources import html_listing
from tests.sources.conftest import PARSER, MemoryValidators, read


def _source(site: SampleSite, index: int = 0, **changes: object) -> html_listing.Config:
    text = "[service]\nallow_fast_polling = true\n" + demo_sources(site.url)  # 10 s intervals
    source = parse_config(text, "demo.toml", {}).sources[index]
    assert isinstance(source, html_listing.Config)
    return source.model_copy(update=changes)


async def test_listing_with_pagination(site: SampleSite, fetcher: Fetcher) -> None:
    found = await read(html_listing, _source(site), fetcher)
    assert found is not None
    releases = site.releases
    assert [c.url for c in found] == [f"{site.url}tiedote/{r.texts['fi'].slug}/" for r in releases]
    first = found[0]
    assert first.title == releases[0].texts["fi"].title
    assert first.teaser == releases[0].texts["fi"].lead
    assert first.lang == "fi" and first.html is None
    assert first.published is not None
    assert first.published.utcoffset() == timedelta(hours=2)
    assert first.published.astimezone(HELSINKI).date() == releases[0].published.date()
    paths = [seen.path for seen in site.requests]
    assert paths == [
        "/robots.txt",
        "/ajankohtaista/tiedotteet/",
        "/ajankohtaista/tiedotteet/page/2/",
    ]


async def test_swedish_and_english_listings(site: SampleSite, fetcher: Fetcher) -> None:
    swedish = await read(html_listing, _source(site, 1), fetcher)
    english = await read(html_listing, _source(site, 2), fetcher)
    assert swedish is not None and english is not None
    assert len(swedish) == 6 and all(c.url.startswith(site.url + "sv/tiedote/") for c in swedish)
    assert len(english) == 4 and {c.lang for c in english} == {"en"}


@pytest.mark.parametrize(("max_pages", "max_items", "count"), [(1, 50, 5), (2, 3, 3), (2, 6, 6)])
async def test_limits(
    site: SampleSite, fetcher: Fetcher, max_pages: int, max_items: int, count: int
) -> None:
    source = _source(site, max_pages=max_pages, max_items=max_items)
    found = await read(html_listing, source, fetcher)
    assert found is not None and len(found) == count


async def test_not_modified_returns_none_until_an_edit(
    site: SampleSite, fetcher: Fetcher, validators: MemoryValidators
) -> None:
    source = _source(site)
    listing = await html_listing.candidates(source, fetcher, PARSER)
    assert listing.candidates is not None
    validators.save(listing)
    assert await read(html_listing, source, fetcher) is None
    assert site.requests[-1].headers["if-none-match"]
    site.edit_release("kirjasto", "fi", title="Pääkirjasto avautuu jo marraskuussa")
    again = await read(html_listing, source, fetcher)
    assert again is not None and "Pääkirjasto avautuu jo marraskuussa" in {c.title for c in again}


@pytest.mark.parametrize(
    "body",
    [b"", b"\x00\xff\xfe garbage \x81", b"<html><body><p>Huoltokatko</p></body></html>", b"{}"],
)
async def test_garbage_or_empty_listing_yields_nothing(
    site: SampleSite, fetcher: Fetcher, body: bytes
) -> None:
    site.override("ajankohtaista/tiedotteet/", body)
    assert await read(html_listing, _source(site), fetcher) == []


async def test_duplicates_tracking_and_read_more(site: SampleSite, fetcher: Fetcher) -> None:
    item = (
        '<article class="news-item"><h2 class="news-title"><a href="/tiedote/a/?utm_source=x">'
        'A</a></h2><p class="excerpt">Teaser</p>'
        '<a class="more" href="https://partner.example/x?utm_campaign=y&amp;id=1#top">'
        "Lue lisää</a></article>"
    )
    site.override("ajankohtaista/tiedotteet/", f"<main>{item}{item}</main>".encode())
    source = _source(site).model_copy(
        update={"selectors": _source(site).selectors.model_copy(update={"read_more": "a.more"})}
    )
    found = await read(html_listing, source, fetcher)
    assert found is not None and len(found) == 1
    [candidate] = found
    assert candidate.url == f"{site.url}tiedote/a/"
    assert candidate.published is None and candidate.title == "A"
    assert [link.url for link in candidate.read_more] == ["https://partner.example/x?id=1"]
    assert candidate.read_more[0].label == "Lue lisää"


async def test_unreachable_listing_raises(site: SampleSite, fetcher: Fetcher) -> None:
    site.fail("ajankohtaista/tiedotteet/", status=503, times=5)
    with pytest.raises(FetchError) as caught:
        await read(html_listing, _source(site), fetcher)
    assert caught.value.code == "fetch.http_503"


def test_invalid_selector_is_a_config_error() -> None:
    with pytest.raises(ValueError, match="not a valid CSS selector"):
        html_listing.ListingSelectors(item="article[")
