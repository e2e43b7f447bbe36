"""Withdrawals end to end inside one process: the sample site as the source, a real store,
the real fetcher and pipeline, a clock the test moves. A page gone on two re-checks a
``withdraw_after`` apart is withdrawn once; one 404 alone, or a 404 then a 200, is not; a
page that comes back is an update; a WordPress post in the trash is withdrawn the same way."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from syndicator.config import Config, parse_config
from syndicator.demo.languages import demo_source
from syndicator.demo.site import SampleSite, SiteHandle
from syndicator.http import Fetcher
from syndicator.parsing import InlineParser
from syndicator.pipeline import PollResult, poll_source
from syndicator.poller import validator_lookup
from syndicator.store import Store, open_store
from syndicator.store.withdrawals import GONE_CODE
from tests.e2e.conftest import ARENA, LIBRARY

GAP = 60.0  # withdraw_after, seconds


@pytest.fixture
def site() -> Iterator[tuple[SampleSite, SiteHandle]]:
    sample = SampleSite(with_releases=False)
    base = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    sample.add_release("kirjasto", LIBRARY, published=base, post_id=5001)
    sample.add_release("jaahalli", ARENA, published=base + timedelta(hours=3), post_id=5002)
    handle = sample.serve()
    yield sample, handle
    handle.stop()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'gone.sqlite3'}")
    yield opened
    opened.close()


def _config(handle: SiteHandle, kind: str) -> Config:
    if kind == "html":
        source = demo_source("site-fi", f"{handle.url}ajankohtaista/tiedotteet/", "fi",
                             catch_up=False, withdraw_after=f"{GAP:g}s")  # fmt: skip
    else:
        source = f"""[[sources]]
name = "site-fi"
kind = "wordpress"
url = "{handle.url}"
post_type = "tiedote"
lang = "fi"
language = "fi"
catch_up = false
interval = "10s"
withdraw_after = "{GAP:g}s"
"""
    text = f"""
[service]
allow_fast_polling = true
[http]
allow_private_networks = true
min_host_delay = "0s"
max_retries = 0
{source}
[[destinations]]
name = "log"
kind = "console"
"""
    return parse_config(text, "gone.toml", {})


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Polls:
    kind: str
    clock: Clock
    once: Callable[[], Awaitable[PollResult]]


@pytest.fixture
async def poll(
    site: tuple[SampleSite, SiteHandle], store: Store, request: pytest.FixtureRequest
) -> AsyncIterator[Polls]:
    kind = getattr(request, "param", "html")
    config = _config(site[1], kind)
    clock = Clock()
    async with Fetcher(config.http, validator_lookup(store)) as fetcher:

        async def once() -> PollResult:
            return await poll_source(config.sources[0], store=store, fetcher=fetcher,
                                     parser=InlineParser(), destinations=config.destinations,
                                     languages=("fi",), clock=clock)  # fmt: skip

        yield Polls(kind, clock, once)


def _kinds(store: Store) -> list[str]:
    return [event.kind for event in store.events_after(0)]


def _url(store: Store, title_part: str) -> str:
    [entry] = [e for e in store.latest_entries("fi", 10) if title_part in e.article.title]
    return entry.article.url


@pytest.mark.parametrize("poll", ["html", "wordpress"], indirect=True)
async def test_gone_on_two_rechecks_is_withdrawn_once_and_comes_back_as_an_update(
    site: tuple[SampleSite, SiteHandle], store: Store, poll: Polls
) -> None:
    sample, _handle = site
    clock, once = poll.clock, poll.once
    assert (await once()).created == 2
    arena = _url(store, "jäähalli")
    sample.remove_release("jaahalli", trash=poll.kind == "wordpress")  # the API: "trash"

    clock.advance(5)
    first = await once()
    assert first.withdrawn == 0 and first.ok
    strike = store.page_failure(arena)
    assert strike is not None and strike.error_code == GONE_CODE
    clock.advance(GAP / 2)
    assert (await once()).withdrawn == 0  # not a re-check apart yet
    clock.advance(GAP)
    assert (await once()).withdrawn == 1
    clock.advance(GAP * 2)
    assert (await once()).withdrawn == 0
    assert _kinds(store) == ["created", "created", "withdrawn"]
    asked = [r.path for r in sample.requests if r.path.startswith("/wp-json/wp/v2/tiedote/")]
    assert bool(asked) is (poll.kind == "wordpress")  # the API says "trash", not the page
    assert [row.event for row in store.list_deliveries()].count("withdrawn") == 1
    assert [e.article.url for e in store.latest_entries("fi", 10)] != [] and all(
        e.article.url != arena for e in store.latest_entries("fi", 10)
    )

    sample.restore_release("jaahalli")
    clock.advance(5)
    back = await once()
    assert back.updated == 1 and _kinds(store)[-1] == "updated"
    item = store.find_item(arena)
    assert item is not None and item.withdrawn_at is None and item.version == 2
    assert arena in [e.article.url for e in store.latest_entries("fi", 10)]


async def test_a_404_then_a_200_is_no_withdrawal(
    site: tuple[SampleSite, SiteHandle], store: Store, poll: Polls
) -> None:
    sample, _handle = site
    clock, once = poll.clock, poll.once
    await once()
    arena = _url(store, "jäähalli")
    sample.remove_release("jaahalli")
    clock.advance(5)
    await once()
    assert store.page_failure(arena) is not None
    sample.restore_release("jaahalli")
    clock.advance(GAP + 1)
    result = await once()
    assert result.withdrawn == 0 and store.page_failure(arena) is None
    assert "withdrawn" not in _kinds(store)


async def test_an_empty_listing_withdraws_nothing(
    site: tuple[SampleSite, SiteHandle], store: Store, poll: Polls
) -> None:
    sample, _handle = site
    clock, once = poll.clock, poll.once
    await once()
    sample.remove_release("jaahalli")
    sample.remove_release("kirjasto")
    for _ in range(3):
        clock.advance(GAP + 1)
        assert (await once()).withdrawn == 0
    assert "withdrawn" not in _kinds(store)
