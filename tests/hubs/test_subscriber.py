"""Subscribing to a source's hub: when (pure), and against a REAL hub — our own app's
built-in hub on 127.0.0.1 — which verifies the intent at our callback; renewal; a hub
that is down leaves a failed row and polling alone."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from syndicator.config import Config, HttpSettings, ServiceSettings, WebSubSettings
from syndicator.hubs.discovery import HubLink
from syndicator.hubs.subscriber import (
    SourceHubs,
    retired,
    unreachable_reason,
    wants_request,
)
from syndicator.sources import feed
from syndicator.store import SourceSubscription, Store, open_store
from syndicator.web import create_app
from tests.hostile.harness import free_port
from tests.web.conftest import serve

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
SOURCE = feed.Config(kind="feed", name="vaasa", url="https://www.vaasa.fi/feed/")


def _sub(
    state: str, *, age: timedelta = timedelta(0), left: float | None = None
) -> SourceSubscription:
    expires = NOW + timedelta(seconds=left) if left is not None else None
    lease = 1000 if left is not None else None
    return SourceSubscription(
        1, "vaasa", "https://h/", "https://t/", "tok", "sec", state, lease, expires, None, NOW - age
    )


@pytest.mark.parametrize(
    ("existing", "wanted"),
    [
        (None, True),
        (_sub("active", left=900), False),
        (_sub("active", left=201), False),
        (_sub("active", left=200), True),  # 80 % of the lease is over
        (_sub("active", left=-5), True),
        (_sub("pending", age=timedelta(minutes=59)), False),  # the hub may verify later
        (_sub("pending", age=timedelta(hours=1)), True),
        (_sub("failed", age=timedelta(minutes=30)), False),
        (_sub("failed", age=timedelta(hours=1)), True),
        (_sub("denied", age=timedelta(hours=23)), False),
        (_sub("denied", age=timedelta(days=1)), True),
        (_sub("ended"), True),  # advertised again
    ],
)
def test_when_a_request_is_sent(existing: SourceSubscription | None, wanted: bool) -> None:
    assert wants_request(existing, NOW) is wanted


def test_which_subscriptions_a_listing_retires() -> None:
    live, other, ended = _sub("active", left=900), _sub("pending"), _sub("ended")
    other = SourceSubscription(**{**_fields(other), "id": 2, "topic": "https://t2/"})
    assert retired([live, other, ended], HubLink("https://h/", "https://t/")) == [other]
    assert retired([live, other, ended], None) == [live, other]


def _fields(sub: SourceSubscription) -> dict[str, object]:
    return {name: getattr(sub, name) for name in SourceSubscription.__slots__}


@pytest.mark.parametrize(
    ("base_url", "allow_private", "blocked"),
    [
        ("http://127.0.0.1:8080/", False, True),
        ("http://localhost:8080/", False, True),
        ("http://[::1]:8080/", False, True),
        ("http://127.0.0.1:8080/", True, False),  # tests and the demo
        ("https://tiedotteet.vaasa.fi/", False, False),
    ],
)
def test_a_loopback_callback_is_not_offered_to_hubs(
    base_url: str, allow_private: bool, blocked: bool
) -> None:
    config = Config(service=ServiceSettings(base_url=base_url),
                    http=HttpSettings(allow_private_networks=allow_private))  # fmt: skip
    assert (unreachable_reason(config) is not None) is blocked


@dataclass
class Pair:
    """Hub (instance A, with its feeds) and subscriber (instance B), both really served."""

    hub_store: Store
    store: Store
    hubs: SourceHubs
    link: HubLink


@pytest.fixture
async def pair(store: Store, tmp_path: Path) -> AsyncIterator[Pair]:
    hub_port, our_port = free_port(), free_port()
    hub_base, our_base = f"http://127.0.0.1:{hub_port}/", f"http://127.0.0.1:{our_port}/"
    private = HttpSettings(allow_private_networks=True)
    hub_config = Config(service=ServiceSettings(base_url=hub_base), http=private,
                        websub=WebSubSettings(lease_default="4s", lease_max="4s"))  # fmt: skip
    our_config = Config(service=ServiceSettings(base_url=our_base), http=private)
    hub_store = open_store(f"sqlite:///{tmp_path / 'hub.sqlite3'}")
    async with (
        serve(create_app(hub_config, hub_store), hub_port),
        serve(create_app(our_config, store), our_port),
        httpx.AsyncClient(timeout=10) as client,
    ):
        link = HubLink(hub_base + "websub", hub_base + "feeds/fi/atom.xml")
        yield Pair(hub_store, store, SourceHubs(our_config, store, client), link)
    hub_store.close()


async def _until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(10):
        while not condition():  # noqa: ASYNC110 - the condition is another server's store
            await asyncio.sleep(0.05)


def _state(store: Store) -> str | None:
    subs = store.source_subscriptions()
    return subs[0].state if subs else None


async def test_a_real_hub_verifies_our_intent_and_we_renew_before_the_lease_ends(
    pair: Pair, caplog: pytest.LogCaptureFixture
) -> None:
    now = datetime.now(UTC)
    with caplog.at_level(logging.INFO, "syndicator.websub"):
        await pair.hubs.after_poll(SOURCE, pair.link, now, listed=True)
        await _until(lambda: _state(pair.store) == "active")
        await _until(lambda: bool(pair.hub_store.active_subscriptions(now)))  # saved after
    (ours,) = pair.store.source_subscriptions()
    assert (ours.hub, ours.topic, ours.lease_seconds) == (pair.link.hub, pair.link.topic, 4)
    assert len(ours.secret) == 64  # 32 random bytes, hex
    (theirs,) = pair.hub_store.active_subscriptions(now)
    assert theirs.callback.endswith(f"/websub/callback/{ours.token}")
    assert (theirs.topic, theirs.secret) == (pair.link.topic, ours.secret)
    events = {r.event for r in caplog.records}  # type: ignore[attr-defined]
    assert {"websub.requested", "websub.subscribed"} <= events

    await pair.hubs.after_poll(SOURCE, pair.link, now, listed=True)  # the next poll: nothing asked
    assert pair.hub_store.active_subscriptions(now)[0].expires_at == theirs.expires_at

    later = now + timedelta(seconds=3.5)  # past 80 % of the 4 s lease
    assert await pair.hubs.renew_due(now, [SOURCE]) == 0
    assert await pair.hubs.renew_due(later, [SOURCE]) == 1
    await _until(lambda: pair.store.source_subscriptions()[0].expires_at != ours.expires_at)
    (renewed,) = pair.store.source_subscriptions()
    assert (renewed.id, renewed.token, renewed.state) == (ours.id, ours.token, "active")
    assert renewed.expires_at is not None and ours.expires_at is not None
    assert renewed.expires_at > ours.expires_at


async def test_a_source_with_websub_off_is_not_subscribed(pair: Pair) -> None:
    quiet = SOURCE.model_copy(update={"websub": False})
    await pair.hubs.after_poll(quiet, pair.link, datetime.now(UTC), listed=True)
    assert pair.store.source_subscriptions() == []


async def test_a_hub_that_is_down_leaves_a_failed_row(pair: Pair) -> None:
    dead = HubLink(f"http://127.0.0.1:{free_port()}/websub", pair.link.topic)
    await pair.hubs.after_poll(SOURCE, dead, datetime.now(UTC), listed=True)
    (sub,) = pair.store.source_subscriptions()
    assert sub.state == "failed" and sub.last_error and "unreachable" in sub.last_error


async def test_a_topic_the_hub_does_not_serve_is_refused(pair: Pair) -> None:
    unknown = HubLink(pair.link.hub, "https://elsewhere.example/feed/")
    await pair.hubs.after_poll(SOURCE, unknown, datetime.now(UTC), listed=True)
    (sub,) = pair.store.source_subscriptions()
    assert sub.state == "failed" and sub.last_error and "HTTP 400" in sub.last_error


async def test_subscriptions_the_source_no_longer_wants_end(pair: Pair) -> None:
    now = datetime.now(UTC)
    await pair.hubs.after_poll(SOURCE, pair.link, now, listed=True)
    await _until(lambda: _state(pair.store) == "active")
    await pair.hubs.after_poll(SOURCE, None, now, listed=False)  # a 304 tells nothing
    assert _state(pair.store) == "active"
    await pair.hubs.after_poll(SOURCE, None, now, listed=True)  # read, and no hub any more
    (sub,) = pair.store.source_subscriptions()
    assert (sub.state, sub.last_error) == ("ended", "no longer advertised by the source")
    await _until(lambda: not pair.hub_store.active_subscriptions(now))  # we unsubscribed
    async with httpx.AsyncClient() as client:  # the hub's next push is told to stop
        answer = await client.post(_callback(pair, sub.token), content=b"<feed/>")
    assert answer.status_code == 410

    await pair.hubs.after_poll(SOURCE, pair.link, now, listed=True)  # advertised again
    await _until(lambda: _state(pair.store) == "active")
    gone = SOURCE.model_copy(update={"name": "elsewhere"})  # vaasa left the config
    assert await pair.hubs.renew_due(now, [gone]) == 0
    assert _state(pair.store) == "ended"


def _callback(pair: Pair, token: str) -> str:
    return f"{pair.hubs.config.service.base_url}websub/callback/{token}"
