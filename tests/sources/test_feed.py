"""Kind ``feed`` against the sample site's RSS."""

from __future__ import annotations

from datetime import timedelta

from syndicator.demo.site import SampleSite
from syndicator.http import Fetcher
from syndicator.sources import feed
from tests.sources.conftest import PARSER, MemoryValidators, read


def _source(site: SampleSite, path: str = "feed/", **fields: object) -> feed.Config:
    return feed.Config.model_validate(
        {"name": "demo-feed", "kind": "feed", "url": site.url + path, **fields}
    )


async def test_feed_entries_become_candidates(site: SampleSite, fetcher: Fetcher) -> None:
    found = await read(feed, _source(site), fetcher)
    assert found is not None and len(found) == 6
    release = site.releases[0]
    first = found[0]
    assert first.url == f"{site.url}tiedote/{release.texts['fi'].slug}/"
    assert first.title == release.texts["fi"].title
    assert first.teaser == release.texts["fi"].lead
    assert first.lang == "fi" and first.html is None
    assert first.published == release.published
    assert first.published is not None and first.published.utcoffset() == timedelta(hours=2)


async def test_feed_language_wins_over_nothing(site: SampleSite, fetcher: Fetcher) -> None:
    found = await read(feed, _source(site, "sv/feed/"), fetcher)
    assert found is not None and {c.lang for c in found} == {"sv"}


async def test_without_article_fetch_the_entry_content_is_the_document(
    site: SampleSite, fetcher: Fetcher
) -> None:
    found = await read(feed, _source(site, "en/feed/", fetch_article=False), fetcher)
    assert found is not None and found[0].html is not None
    html = found[0].html
    title = site.releases[0].texts["en"].title
    assert f'<h1 class="entry-title">{title.replace("’", "’")}</h1>' in html
    assert '<div class="entry-content"><p class="ingress">' in html
    assert f'<link rel="canonical" href="{found[0].url}">' in html
    assert 'lang="en"' in html


async def test_not_modified(
    site: SampleSite, fetcher: Fetcher, validators: MemoryValidators
) -> None:
    listing = await feed.candidates(_source(site), fetcher, PARSER)
    assert listing.candidates is not None
    validators.save(listing)
    assert await read(feed, _source(site), fetcher) is None


async def test_garbage_feed_yields_nothing(site: SampleSite, fetcher: Fetcher) -> None:
    site.override("feed/", b"<html><body>Huoltokatko</body></html>")
    assert await read(feed, _source(site), fetcher) == []
    site.override("feed/", b"\x00\x01 not xml at all", content_type="application/rss+xml")
    assert await read(feed, _source(site), fetcher) == []
