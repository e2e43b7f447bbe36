"""Content distribution through the outbox: rows per subscription written with the event,
the topic's feed POSTed signed with Link headers, retries, dead letters, expiry."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import feedparser
import httpx
import pytest

from syndicator.decide import decide
from syndicator.deliver.outbox import drain_all
from syndicator.deliver.policy import RetryPolicy
from syndicator.deliver.subscriptions import WebSubLane
from syndicator.model import Article, Delivery
from syndicator.publish.topics import topics_of
from syndicator.store import Store, Subscription
from tests.deliver.conftest import sample_article
from tests.websub.conftest import (
    ALL_JSON,
    ENERGY_ATOM,
    FI_ATOM,
    POOL_RSS,
    SOURCE_ATOM,
    SV_ATOM,
    make_config,
)
from tests.websub.subscriber import Subscriber

POLICY = RetryPolicy(base=60.0, cap=600.0, lease=20.0)
NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5.0, follow_redirects=False) as opened:
        yield opened


def subscribe(
    store: Store, callback: str, topic: str, lang: str | None, **kw: object
) -> Subscription:
    lease = int(kw.get("lease", 86400))  # type: ignore[call-overload]
    secret = kw.get("secret", "geheim")
    assert secret is None or isinstance(secret, str)
    return store.subscribe(callback, topic, lang=lang, secret=secret, lease_seconds=lease, now=NOW)


def save(store: Store, article: Article, now: datetime = NOW) -> int | None:
    """Saved as the poller saves: the event goes to the subscribers of the feeds holding it."""
    stored = store.find_item(article.url)
    topics = topics_of(make_config(), "vaasa-fi", article.lang, article)
    return store.save_article("vaasa-fi", article, decide(stored, article), stored,
                              destinations=[], now=now, topics=topics)  # fmt: skip


def save_releases(store: Store, count: int) -> None:
    """``count`` new Finnish releases titled T0, T1, … in one poll."""
    for number in range(count):
        url = f"https://www.vaasa.fi/uutiset/{number}/"
        save(store, sample_article(url=url, title=f"T{number}"))


def rows(store: Store) -> list[Delivery]:
    return sorted(store.list_deliveries(), key=lambda row: row.id)


async def drain(
    store: Store, client: httpx.AsyncClient, at: datetime = NOW, *, lane: bool = True
) -> None:
    clock: Callable[[], datetime] = lambda: at  # noqa: E731
    extra = [WebSubLane(make_config(), store)] if lane else []
    await drain_all(store, [], client, policy=POLICY, clock=clock, extra=extra)


async def test_a_new_release_reaches_the_subscribers_of_its_feeds_only(
    store: Store, client: httpx.AsyncClient, subscriber: Subscriber
) -> None:
    fi = subscribe(store, subscriber.callback, FI_ATOM, "fi")
    with Subscriber() as swedish, Subscriber() as everything:
        sv = subscribe(store, swedish.callback, SV_ATOM, "sv", secret=None)
        combined = subscribe(store, everything.callback, ALL_JSON, None, secret=None)
        save(store, sample_article(title="Uusi uimahalli avataan"))
        assert sorted(row.destination for row in rows(store)) == sorted(
            [fi.destination, combined.destination]
        )
        assert sv.destination not in {row.destination for row in rows(store)}
        await drain(store, client)
        assert swedish.requests == []
        (pushed_json,) = everything.distributions()
        assert pushed_json.headers["content-type"].startswith("application/feed+json")
        assert "x-hub-signature" not in pushed_json.headers  # subscribed without a secret
        assert pushed_json.json()["items"][0]["title"] == "Uusi uimahalli avataan"
    (pushed,) = subscriber.distributions()
    assert pushed.headers["content-type"].startswith("application/atom+xml")
    assert pushed.verified is True
    assert pushed.problems == []
    parsed = feedparser.parse(pushed.body)
    assert parsed.bozo == 0
    assert [entry.title for entry in parsed.entries] == ["Uusi uimahalli avataan"]
    assert {row.status for row in rows(store)} == {"delivered"}
    # the document as served: it names its archive (RFC 5005), as /feeds/fi/atom.xml does
    prev_archive = [link.href for link in parsed.feed.links if link.rel == "prev-archive"]
    assert prev_archive == [FI_ATOM.replace("atom.xml", "archive/1/atom.xml")]


async def test_source_and_filter_feeds_are_topics_too(
    store: Store, client: httpx.AsyncClient
) -> None:
    """A subscriber to a source's feed or to a saved filter's hears of the releases that
    feed holds, and only of those."""
    with Subscriber() as source, Subscriber() as pool, Subscriber() as energy:
        by_source = subscribe(store, source.callback, SOURCE_ATOM, None, secret=None)
        by_pool = subscribe(store, pool.callback, POOL_RSS, None, secret=None)
        subscribe(store, energy.callback, ENERGY_ATOM, None, secret=None)
        save(store, sample_article(title="Uusi uimahalli avataan"))
        assert sorted(row.destination for row in rows(store)) == sorted(
            [by_source.destination, by_pool.destination]
        )
        await drain(store, client)
        assert energy.requests == []
        (pushed,) = source.distributions()
        assert [e.title for e in feedparser.parse(pushed.body).entries] == [
            "Uusi uimahalli avataan"
        ]
        (pushed_rss,) = pool.distributions()
        assert pushed_rss.headers["content-type"].startswith("application/rss+xml")
        assert [e.title for e in feedparser.parse(pushed_rss.body).entries] == [
            "Uusi uimahalli avataan"
        ]
    assert {row.status for row in rows(store)} == {"delivered"}


async def test_updates_and_withdrawals_send_the_changed_document(
    store: Store, client: httpx.AsyncClient, subscriber: Subscriber
) -> None:
    subscribe(store, subscriber.callback, FI_ATOM, "fi")
    article = sample_article(title="Ensimmäinen otsikko")
    save(store, article)
    await drain(store, client)
    save(store, replace(article, title="Korjattu otsikko"), NOW + timedelta(minutes=1))
    await drain(store, client, NOW + timedelta(minutes=1))
    stored = store.find_item(article.url)
    assert stored is not None
    topics = topics_of(make_config(), "vaasa-fi", "fi", None)
    store.withdraw_item(stored.item_id, destinations=[], now=NOW + timedelta(minutes=2),
                        topics=topics)  # fmt: skip
    await drain(store, client, NOW + timedelta(minutes=2))
    titles = [
        [e.title for e in feedparser.parse(r.body).entries] for r in subscriber.distributions()
    ]
    assert titles == [["Ensimmäinen otsikko"], ["Korjattu otsikko"], []]
    assert all(r.verified for r in subscriber.distributions())
    assert [row.event for row in rows(store)] == ["created", "updated", "withdrawn"]
    assert {row.status for row in rows(store)} == {"delivered"}


async def test_failures_are_retried_then_dead_lettered_like_any_destination(
    store: Store, client: httpx.AsyncClient, subscriber: Subscriber
) -> None:
    subscribe(store, subscriber.callback, FI_ATOM, "fi")
    save(store, sample_article())
    subscriber.respond((503, {"Retry-After": "120"}))
    await drain(store, client)
    (row,) = rows(store)
    assert (row.status, row.attempts, row.last_error_code) == ("pending", 1, "delivery.http_503")
    assert row.next_attempt_at >= NOW + timedelta(seconds=120)
    await drain(store, client, NOW + timedelta(seconds=30))  # not due yet
    assert len(subscriber.distributions()) == 1
    await drain(store, client, NOW + timedelta(hours=1))
    (row,) = rows(store)
    assert row.status == "delivered"
    assert len(subscriber.distributions()) == 2
    save(store, sample_article(url="https://www.vaasa.fi/uutiset/toinen/", title="Toinen"))
    subscriber.respond(410)  # gone: the subscriber does not want it, never retried
    await drain(store, client, NOW + timedelta(hours=1))
    assert [(r.status, r.last_error_code) for r in rows(store)][-1] == (
        "failed", "delivery.http_410",
    )  # fmt: skip
    assert store.active_subscriptions(NOW) == []  # 410: the subscriber deleted it


async def test_rows_of_ended_subscriptions_are_skipped_not_sent(
    store: Store, client: httpx.AsyncClient, subscriber: Subscriber
) -> None:
    subscribe(store, subscriber.callback, FI_ATOM, "fi", lease=10)
    with Subscriber() as leaving:
        subscribe(store, leaving.callback, FI_ATOM, "fi", secret=None)
        save(store, sample_article())
        assert store.unsubscribe(leaving.callback, FI_ATOM)
        await drain(store, client, NOW + timedelta(seconds=11))  # the first lease ran out
        assert leaving.requests == []
    assert subscriber.requests == []
    assert [(r.status, r.last_error_code) for r in rows(store)] == [
        ("skipped", "websub.subscription_ended"),
        ("skipped", "websub.subscription_ended"),
    ]
    assert store.active_subscriptions(NOW) == []  # the expired one was deleted
    save(store, sample_article(url="https://www.vaasa.fi/uutiset/myohemmin/"))
    assert len(rows(store)) == 2  # nobody subscribed: no new rows


async def test_websub_rows_wait_for_their_lane_instead_of_dead_lettering(
    store: Store, client: httpx.AsyncClient, subscriber: Subscriber
) -> None:
    subscribe(store, subscriber.callback, FI_ATOM, "fi")
    save(store, sample_article())
    await drain(store, client, lane=False)  # e.g. `deliveries` tools without the hub
    (row,) = rows(store)
    assert (row.status, row.last_error_code) == ("pending", None)
    await drain(store, client)
    assert rows(store)[0].status == "delivered"


async def test_dry_run_sends_nothing_and_leaves_rows_due(
    store: Store, client: httpx.AsyncClient, subscriber: Subscriber
) -> None:
    subscribe(store, subscriber.callback, FI_ATOM, "fi")
    save(store, sample_article())
    extra = [WebSubLane(make_config(), store)]
    result = await drain_all(store, [], client, policy=POLICY, dry_run=True, extra=extra)
    assert result.dry_run == 1
    assert subscriber.requests == []
    assert rows(store)[0].status == "pending"


async def test_one_document_carries_every_change_waiting_before_it(
    store: Store, client: httpx.AsyncClient, subscriber: Subscriber
) -> None:
    subscribe(store, subscriber.callback, FI_ATOM, "fi")
    save_releases(store, 3)
    await drain(store, client)
    (pushed,) = subscriber.distributions()  # one request, not three
    assert sorted(e.title for e in feedparser.parse(pushed.body).entries) == ["T0", "T1", "T2"]
    head, *covered = rows(store)
    assert [row.status for row in rows(store)] == ["delivered"] * 3
    assert head.attempts == 1
    assert [(row.attempts, row.remote_id) for row in covered] == [(0, head.idempotency_key)] * 2


async def test_nothing_is_covered_by_a_failed_distribution(
    store: Store, client: httpx.AsyncClient, subscriber: Subscriber
) -> None:
    subscribe(store, subscriber.callback, FI_ATOM, "fi")
    save_releases(store, 2)
    subscriber.respond(500)
    await drain(store, client)
    assert [row.status for row in rows(store)] == ["pending", "pending"]
    await drain(store, client, NOW + timedelta(hours=1))
    assert [row.status for row in rows(store)] == ["delivered", "delivered"]
    assert len(subscriber.distributions()) == 2


async def test_a_callback_on_a_private_address_is_refused_at_send_time(
    store: Store, client: httpx.AsyncClient, subscriber: Subscriber
) -> None:
    # Verified while allowed (or its name pointed elsewhere then): checked again each send.
    subscribe(store, subscriber.callback, FI_ATOM, "fi")
    save(store, sample_article())
    guarded = [WebSubLane(make_config(allow_private=False), store)]
    await drain_all(store, [], client, policy=POLICY, clock=lambda: NOW, extra=guarded)
    assert subscriber.requests == []
    (row,) = rows(store)
    assert (row.status, row.last_error_code) == ("failed", "delivery.blocked_address")
