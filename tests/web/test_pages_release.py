"""``/releases/{item_id}``: a release as partners receive it, over a real SQLite store."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from lxml import html

from syndicator.deliver.changes import describe_changes
from syndicator.i18n import translate
from syndicator.model import Contact, Link
from syndicator.store import Store, open_store
from syndicator.web import create_app
from syndicator.web.release import version_history
from tests.publish.samples import TITLES, URLS, make_config, make_entry
from tests.web.pagestore import save

HOSTILE = '<script>alert("x")</script> & "quotes"'
EDITED = "Kaupunginhallitus päätti koulusta uudelleen"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(f"sqlite:///{tmp_path / 'release.sqlite3'}")
    yield store
    store.close()


@pytest.fixture
def ids(store: Store) -> dict[str, int]:
    """The release in fi/sv/en; the Finnish one edited once (version 2)."""
    ids = {lang: save(store, make_entry(lang).article) for lang in ("fi", "sv", "en")}
    first = make_entry("fi").article
    contact = Contact("Maija Meikäläinen", "tiedottaja", "+358 40 123 4567", "maija@vaasa.fi")
    save(store, replace(first, title=EDITED, contacts=(contact,)))
    return ids


@pytest.fixture
async def client(store: Store) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(make_config(), store, key_ttl_s=0))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
async def test_release_page_as_partners_receive_it(
    client: httpx.AsyncClient, ids: dict[str, int], lang: str
) -> None:
    response = await client.get(f"/releases/{ids['fi']}?lang={lang}")
    assert response.status_code == 200
    assert response.headers["content-language"] == lang
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page = html.fromstring(response.content)
    assert page.get("lang") == lang
    assert page.findtext(".//header/h1") == EDITED
    (article,) = page.xpath("//main/article")
    assert article.get("lang") == "fi"
    assert "Ingressi fi: äöå ÄÖÅ & <tagit>" in article.xpath(".//p/strong/text()")
    assert article.xpath(".//div/p/text()")[0] == "Runko fi äöå"
    assert article.xpath(".//figure/img/@src") == ["https://www.vaasa.fi/kuvat/koulu.jpg"]
    assert "https://www.vaasa.fi/koulut/" in article.xpath(".//a/@href")
    assert "tel:+358401234567" in article.xpath(".//a/@href")
    assert translate("label.updated", lang) in article.xpath(".//p/strong/text()")
    others = page.xpath("//main/nav//a")
    assert {(a.get("href"), a.text_content()) for a in others} == {
        (f"{ids['sv']}?lang={lang}", TITLES["sv"]),
        (f"{ids['en']}?lang={lang}", TITLES["en"]),
    }
    changes = page.xpath("//section[@id='versions']/ol/li")
    assert len(changes) == 2
    expected = describe_changes(make_entry("fi").article, replace(
        make_entry("fi").article, title=EDITED), lang)  # fmt: skip
    assert changes[0].xpath("ul/li/text()") == list(expected)
    assert changes[1].text_content().endswith(translate("release.first", lang))
    assert not page.xpath("//script")


async def test_a_first_version_is_not_marked_updated(
    client: httpx.AsyncClient, ids: dict[str, int]
) -> None:
    page = html.fromstring((await client.get(f"/releases/{ids['sv']}?lang=sv")).content)
    assert translate("label.updated", "sv") not in page.text_content()
    assert page.xpath("//main/article/@lang") == ["sv"]
    assert len(page.xpath("//section[@id='versions']/ol/li")) == 1
    assert URLS["sv"] in page.xpath("//main/article//a/@href")


async def test_hostile_titles_and_links_are_harmless(
    store: Store, client: httpx.AsyncClient
) -> None:
    article = replace(
        make_entry("en").article,
        title=HOSTILE,
        read_more=(Link("javascript:alert(1)", label=HOSTILE),),
    )
    item = save(store, article)
    response = await client.get(f"/releases/{item}")
    assert "<script>" not in response.text and "javascript:" not in response.text
    page = html.fromstring(response.content)
    assert page.findtext(".//header/h1") == HOSTILE
    assert page.findtext(".//title") == HOSTILE


async def test_unknown_release_is_404(client: httpx.AsyncClient, ids: dict[str, int]) -> None:
    assert (await client.get("/releases/999999")).status_code == 404
    assert (await client.get("/releases/abc")).status_code == 404


async def test_release_answers_304_until_it_changes(
    store: Store, client: httpx.AsyncClient, ids: dict[str, int]
) -> None:
    first = await client.get(f"/releases/{ids['en']}")
    tag = {"If-None-Match": first.headers["etag"]}
    assert (await client.get(f"/releases/{ids['en']}", headers=tag)).status_code == 304
    save(store, replace(make_entry("en").article, title="City Board decided again"))
    assert (await client.get(f"/releases/{ids['en']}", headers=tag)).status_code == 200


def test_version_history_newest_first() -> None:
    one = make_entry("en").article
    two = replace(one, title="Second title")
    history = version_history([(1, one), (2, two)], "en")
    assert [version.number for version in history] == [2, 1]
    assert history[0].changes == (
        "Title changed: “City Board decided on the school” → “Second title”",
    )
    assert history[1].changes == ()
    assert version_history([], "en") == []


async def test_release_speaks_the_readers_accept_language(
    client: httpx.AsyncClient, ids: dict[str, int]
) -> None:
    response = await client.get(f"/releases/{ids['sv']}", headers={"Accept-Language": "en"})
    assert response.headers["content-language"] == "en"
    assert "Accept-Language" in response.headers["vary"]
    page = html.fromstring(response.content)
    assert page.findtext(".//section[@id='versions']/h2") == "Versions"
