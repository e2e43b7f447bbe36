"""A WordPress source against a WordPress-shaped REST API (``tests.sources.wpsite``), through
the real fetcher, pipeline and store, with a clock the test moves: an edited post is
``updated`` on the very next poll — also a post older than ``recheck_days`` — and a post that
is trashed, unpublished or deleted is withdrawn per the withdrawal rules (a strike, then the
confirming answer a ``withdraw_after`` later)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from syndicator.config import Config, parse_config
from syndicator.http import Fetcher
from syndicator.parsing import InlineParser
from syndicator.pipeline import PollResult, poll_source
from syndicator.poller import validator_lookup
from syndicator.store import Store, open_store
from tests.sources.wpsite import WordPressSite

GAP = 60.0  # withdraw_after, seconds
NOW = datetime.now(UTC).replace(microsecond=0)
_TEXT = "<p>Kaupunginhallitus käsitteli talousarviota ja päätti uuden päiväkodin rakentamisesta "
"keskustaan. Kirjaston aukioloaikoja pidennetään arki-iltaisin kahdella tunnilla.</p>"

Poll = Callable[[float], Awaitable[PollResult]]


@pytest.fixture
def wp() -> Iterator[WordPressSite]:
    with WordPressSite() as site:
        yield site


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'wp.sqlite3'}")
    yield opened
    opened.close()


def _config(url: str, per_page: int) -> Config:
    text = f"""
[service]
allow_fast_polling = true
[http]
allow_private_networks = true
min_host_delay = "0s"
max_retries = 0
[[sources]]
name = "wp-fi"
kind = "wordpress"
url = "{url}"
language = "fi"
per_page = {per_page}
catch_up = false
interval = "10s"
withdraw_after = "{GAP:g}s"
[[destinations]]
name = "log"
kind = "console"
"""
    return parse_config(text, "wp.toml", {})


@pytest.fixture
async def poll(
    wp: WordPressSite, store: Store, request: pytest.FixtureRequest
) -> AsyncIterator[Poll]:
    config = _config(wp.url, getattr(request, "param", 3))
    clock = [NOW]
    async with Fetcher(config.http, validator_lookup(store)) as fetcher:

        async def once(after: float) -> PollResult:
            clock[0] += timedelta(seconds=after)
            return await poll_source(config.sources[0], store=store, fetcher=fetcher,
                                     parser=InlineParser(), destinations=config.destinations,
                                     languages=("fi",), clock=lambda: clock[0])  # fmt: skip

        yield once


def _kinds(store: Store) -> list[str]:
    return [event.kind for event in store.events_after(0)]


async def test_an_edit_is_updated_on_the_next_poll_even_past_recheck_days(
    wp: WordPressSite, store: Store, poll: Poll
) -> None:
    wp.add(1, "Vanha tiedote", _TEXT, NOW - timedelta(days=30))
    wp.add(2, "Tiedote", _TEXT, NOW - timedelta(days=3))
    wp.add(3, "Uusi tiedote", _TEXT, NOW - timedelta(hours=1))
    assert (await poll(0)).created == 3

    wp.edit(1, _TEXT + "<p>Korjaus: kokous pidetään torstaina.</p>")
    first = await poll(5)  # 30 days old: the re-check schedule stopped long ago
    assert (first.updated, first.created) == (1, 0)
    wp.edit(2, _TEXT + "<p>Lisätty yhteystiedot.</p>")
    second = await poll(5)  # checked 5 s ago: its re-check is hours away
    assert (second.updated, second.created) == (1, 0)
    assert (await poll(5)).updated == 0  # nothing changed: nothing new
    assert _kinds(store) == ["created"] * 3 + ["updated"] * 2
    assert all(query["orderby"] == ["modified"] for query in wp.queries)
    updated = [d for d in store.list_deliveries() if d.event == "updated"]
    assert len(updated) == 2  # routed like any edit


@pytest.mark.parametrize("status", ["trash", "draft", "private", "deleted", "gone"])
async def test_a_post_taken_down_is_withdrawn(
    wp: WordPressSite, store: Store, poll: Poll, status: str
) -> None:
    wp.add(1, "Tiedote", _TEXT, NOW - timedelta(days=2))
    wp.add(2, "Toinen tiedote", _TEXT, NOW - timedelta(days=1))
    wp.add(3, "Uusi tiedote", _TEXT, NOW - timedelta(hours=1))
    assert (await poll(0)).created == 3
    wp.set_status(3, status)
    first = await poll(5)  # the list no longer shows it: its REST URL is asked
    assert first.ok and first.withdrawn == 0
    assert (await poll(GAP + 1)).withdrawn == 1
    assert (await poll(GAP + 1)).withdrawn == 0
    assert _kinds(store) == ["created"] * 3 + ["withdrawn"]


@pytest.mark.parametrize("poll", [1], indirect=True)
async def test_an_old_post_first_seen_through_an_edit_is_stored_not_announced(
    wp: WordPressSite, store: Store, poll: Poll
) -> None:
    wp.add(1, "Ikivanha tiedote", _TEXT, NOW - timedelta(days=60))
    wp.add(2, "Uusi tiedote", _TEXT, NOW - timedelta(hours=1))
    assert (await poll(0)).created == 1
    wp.edit(1, _TEXT + "<p>Kirjoitusvirhe korjattu.</p>")
    result = await poll(5)  # listed by modification: the old post comes first
    assert result.created == 1
    assert len(store.list_deliveries()) == 1  # only the new post's
    wp.edit(1, _TEXT + "<p>Toinen korjaus.</p>")
    assert (await poll(5)).updated == 1  # known now: its edits are followed


async def test_a_post_scrolled_off_by_modification_time_is_not_asked_about(
    wp: WordPressSite, store: Store, poll: Poll
) -> None:
    for post_id, days in ((1, 10), (2, 9), (3, 8)):
        wp.add(post_id, f"Tiedote {post_id}", _TEXT, NOW - timedelta(days=days))
    assert (await poll(0)).created == 3
    wp.add(4, "Tiedote 4", _TEXT, NOW - timedelta(days=3))  # 1 scrolls off the end
    wp.edit(1, _TEXT + "<p>Korjaus.</p>")  # 1 first again; 2 scrolls off: older than 3's stamp
    result = await poll(5)
    assert (result.created, result.updated, result.withdrawn) == (1, 1, 0)
    assert wp.asked == []  # neither 1 nor 2 was taken out: no REST URL asked
    wp.set_status(3, "trash")  # listed since 8 days: its absence means something
    await poll(5)
    assert wp.asked == [3]


@pytest.mark.parametrize("poll", [5], indirect=True)
async def test_a_list_shorter_than_a_page_shows_every_post_even_old_ones(
    wp: WordPressSite, store: Store, poll: Poll
) -> None:
    wp.add(1, "Vanha tiedote", _TEXT, NOW - timedelta(days=40))  # past recheck_days
    wp.add(2, "Tiedote", _TEXT, NOW - timedelta(days=1))
    assert (await poll(0)).created == 2
    wp.set_status(1, "trash")
    await poll(5)
    assert wp.asked == [1]
    assert (await poll(GAP + 1)).withdrawn == 1
