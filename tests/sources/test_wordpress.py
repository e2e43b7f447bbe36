"""Kind ``wordpress`` against the sample site's REST API."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from syndicator.demo.site import SampleSite
from syndicator.errors import FetchError
from syndicator.http import Fetcher
from syndicator.model import StoredItem
from syndicator.sources import wordpress
from tests.sources.conftest import NOW, PARSER, MemoryValidators, read
from tests.sources.wpsite import WordPressSite

_API = "wp-json/wp/v2/tiedote"


def _source(site: SampleSite, **fields: object) -> wordpress.Config:
    values = {"name": "demo-wp", "kind": "wordpress", "url": site.url, "post_type": "tiedote"}
    return wordpress.Config.model_validate({**values, **fields})


def test_api_url(site: SampleSite) -> None:
    url = urlsplit(wordpress.api_url(_source(site, lang="sv", per_page=5)))
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{site.url}{_API}"
    query = parse_qs(url.query)
    assert query.pop("_fields")[0].split(",") == [
        "id", "link", "status", "date", "date_gmt", "modified", "modified_gmt", "title",
        "content", "excerpt", "lang", "translations", "wpml_translations", "_links", "_embedded",
    ]  # fmt: skip
    assert query == {"_embed": ["wp:featuredmedia,wp:term"], "per_page": ["5"],
                     "orderby": ["modified"], "order": ["desc"], "lang": ["sv"]}  # fmt: skip


async def test_posts_become_candidates_with_documents(site: SampleSite, fetcher: Fetcher) -> None:
    found = await read(wordpress, _source(site, lang="en"), fetcher)
    assert found is not None and len(found) == 4
    release = site.releases[0]
    text = release.texts["en"]
    first = found[0]
    assert first.url == f"{site.url}en/tiedote/{text.slug}/"
    assert first.title == text.title  # &#8217; unescaped
    assert first.teaser == text.lead and first.lang == "en"
    assert first.published == release.published
    assert first.published is not None and first.published.utcoffset() == timedelta(hours=2)
    html = first.html
    assert html is not None
    assert html.startswith('<!doctype html><html lang="en">')
    assert f'<link rel="canonical" href="{first.url}">' in html
    assert f'hreflang="sv" href="{site.url}sv/tiedote/{release.texts["sv"].slug}/"' in html
    assert '<meta property="og:image" content="' + site.url + "wp-content/uploads/" in html
    assert '<meta property="article:published_time" content="2026-11-27T08:15:00+00:00">' in html
    assert f'<body class="postid-{release.post_id}">' in html
    assert '<h1 class="entry-title">' in html and '<div class="entry-content"><p class' in html


async def test_per_page_and_default_language(site: SampleSite, fetcher: Fetcher) -> None:
    found = await read(wordpress, _source(site, per_page=2), fetcher)
    assert found is not None and len(found) == 2 and {c.lang for c in found} == {"fi"}


async def test_not_modified(
    site: SampleSite, fetcher: Fetcher, validators: MemoryValidators
) -> None:
    listing = await wordpress.candidates(_source(site), fetcher, PARSER)
    assert listing.candidates is not None
    validators.save(listing)
    assert await read(wordpress, _source(site), fetcher) is None


@pytest.mark.parametrize("body", [b"{not json", b'{"code": "rest_no_route"}', b"\xff\xfe\x00"])
async def test_invalid_json_raises(site: SampleSite, fetcher: Fetcher, body: bytes) -> None:
    site.override(_API, body, content_type="application/json")
    with pytest.raises(FetchError) as caught:
        await read(wordpress, _source(site), fetcher)
    assert caught.value.code == "fetch.invalid_json"


async def test_empty_list_and_odd_posts(site: SampleSite, fetcher: Fetcher) -> None:
    site.override(_API, b'[1, {"title": "no link"}, []]', content_type="application/json")
    assert await read(wordpress, _source(site), fetcher) == []


def _item(url: str, post_id: str | None) -> StoredItem:
    when = datetime(2026, 11, 27, 8, 15, tzinfo=UTC)
    return StoredItem(1, 1, url, 1, "h", when, lang="fi", post_id=post_id)


@pytest.mark.parametrize(("trash", "status"), [(False, 404), (True, wordpress.TRASHED)])
async def test_gone_asks_the_api_about_the_post(
    site: SampleSite, fetcher: Fetcher, trash: bool, status: int
) -> None:
    release = site.releases[0]
    page = f"{site.url}tiedote/{release.texts['fi'].slug}/"
    item = _item(page, str(release.post_id))
    assert await wordpress.gone(_source(site), fetcher, item) is None  # published: there
    site.remove_release(release.key, trash=trash)
    if trash:  # the post is there, in the trash
        assert await wordpress.gone(_source(site), fetcher, item) == status
    else:  # a 404 is the fetcher's error; withdrawals read its status
        with pytest.raises(FetchError) as caught:
            await wordpress.gone(_source(site), fetcher, item)
        assert caught.value.status == status
    asked = [r.path for r in site.requests if r.path.startswith(f"/{_API}/")]
    assert asked == [f"/{_API}/{release.post_id}"] * 2
    found = await read(wordpress, _source(site), fetcher)
    assert found is not None and page not in [c.url for c in found]  # the list drops it


async def test_gone_without_a_post_id_asks_the_page(site: SampleSite, fetcher: Fetcher) -> None:
    release = site.releases[0]
    item = _item(f"{site.url}tiedote/{release.texts['fi'].slug}/", None)
    assert await wordpress.gone(_source(site), fetcher, item) is None
    site.remove_release(release.key)
    with pytest.raises(FetchError) as caught:
        await wordpress.gone(_source(site), fetcher, item)
    assert caught.value.status == 404


def test_a_trashed_post_in_a_list_is_no_candidate(site: SampleSite) -> None:
    post = {"id": 7, "link": f"{site.url}tiedote/x/", "title": {"rendered": "X"}}
    body = json.dumps([post, {**post, "id": 8, "link": f"{site.url}tiedote/y/",
                              "status": "trash"}]).encode()  # fmt: skip
    found = wordpress.read_posts(body, _API, site.url, _source(site))
    assert [c.url for c in found] == [f"{site.url}tiedote/x/"]


@pytest.mark.parametrize(
    ("status", "answer"),
    [("publish", None), ("trash", 401), ("draft", 401), ("private", 401), ("pending", 401),
     ("deleted", 404), ("gone", 410)],
)  # fmt: skip
async def test_gone_reads_the_public_api_answers(
    fetcher: Fetcher, status: str, answer: int | None
) -> None:
    with WordPressSite() as wp:
        post = wp.add(9, "Tiedote", "<p>Teksti.</p>", NOW)
        source = wordpress.Config.model_validate({"name": "wp", "kind": "wordpress", "url": wp.url})
        item = _item(post.json(wp.url)["link"], "9")
        wp.set_status(9, status)
        try:
            found = await wordpress.gone(source, fetcher, item)
        except FetchError as exc:  # 404/410: the fetcher's error; withdrawals read its status
            found = exc.status
    assert found == answer


def test_a_post_the_answer_says_is_unpublished_is_no_candidate(site: SampleSite) -> None:
    post = {"id": 7, "link": f"{site.url}tiedote/x/", "title": {"rendered": "X"}}
    body = json.dumps([{**post, "status": "draft"}, {**post, "status": "future"}]).encode()
    assert wordpress.read_posts(body, _API, site.url, _source(site)) == ()


def test_modified_gmt_is_the_candidate_s_modified(site: SampleSite) -> None:
    post = {"id": 7, "link": f"{site.url}tiedote/x/", "title": {"rendered": "X"},
            "date_gmt": "2026-11-27T08:15:00", "modified_gmt": "2026-11-28T10:05:30"}  # fmt: skip
    local = {**post, "modified_gmt": None, "modified": "2026-11-28T12:05:30"}  # site time only
    for answer in (post, local):
        [found] = wordpress.read_posts(json.dumps([answer]).encode(), _API, site.url, _source(site))
        assert found.modified == datetime(2026, 11, 28, 10, 5, 30, tzinfo=UTC)
        assert found.published == datetime(2026, 11, 27, 8, 15, tzinfo=UTC)
        assert found.html is not None
        assert 'article:modified_time" content="2026-11-28T10:05:30+00:00"' in found.html
