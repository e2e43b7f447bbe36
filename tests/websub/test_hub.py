"""The hub's front door: request validation, lease clamping, signatures, and the
verification of intent against a real subscriber on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import sqlalchemy as sa

from syndicator.config import Config, WebSubSettings, parse_config
from syndicator.deliver.subscriptions import feeds_by_topic, hub_url
from syndicator.deliver.websub import link_header, signature
from syndicator.errors import ConfigError
from syndicator.store import Store
from syndicator.web import create_app
from syndicator.web.websub import HubRequest, Refusal, lease_seconds, read_request
from tests.sinks import Answer, Recorded
from tests.websub.conftest import ALL_JSON, BASE, FI_ATOM, POOL_RSS, SOURCE_ATOM, make_config
from tests.websub.subscriber import Subscriber

CALLBACK = "https://partner.example/websub?id=7"
SETTINGS = WebSubSettings(lease_default="10d", lease_max="30d")


TOPICS = feeds_by_topic(make_config())


def form(**fields: str) -> dict[str, str]:
    base = {"hub.mode": "subscribe", "hub.callback": CALLBACK, "hub.topic": FI_ATOM}
    return {**base, **{f"hub.{key}": value for key, value in fields.items()}}


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"mode": "publish"}, "websub.bad_mode"),
        ({"mode": ""}, "websub.bad_mode"),
        ({"mode": "Subscribe"}, "websub.bad_mode"),
        ({"callback": ""}, "websub.bad_callback"),
        ({"callback": "/relative/path"}, "websub.bad_callback"),
        ({"callback": "ftp://partner.example/x"}, "websub.bad_callback"),
        ({"callback": "https://partner.example/x#frag"}, "websub.bad_callback"),
        ({"callback": "https://partner.example/" + "x" * 2100}, "websub.bad_callback"),
        ({"topic": ""}, "websub.unknown_topic"),
        ({"topic": "https://elsewhere.example/feeds/fi/atom.xml"}, "websub.unknown_topic"),
        ({"topic": BASE + "feeds/de/atom.xml"}, "websub.unknown_topic"),
        ({"topic": "feeds/fi/atom.xml"}, "websub.unknown_topic"),
        ({"secret": "s" * 200}, "websub.bad_secret"),
        ({"secret": "ä" * 100}, "websub.bad_secret"),  # 200 bytes in UTF-8
        ({"lease_seconds": "abc"}, "websub.bad_lease"),
        ({"lease_seconds": "0"}, "websub.bad_lease"),
        ({"lease_seconds": "-5"}, "websub.bad_lease"),
        ({"lease_seconds": "1.5"}, "websub.bad_lease"),
        ({"lease_seconds": "٣"}, "websub.bad_lease"),  # an Arabic-Indic digit
    ],
)
def test_refused_requests(fields: dict[str, str], code: str) -> None:
    refused = read_request(form(**fields), TOPICS, SETTINGS)
    assert isinstance(refused, Refusal)
    assert refused.code == code
    assert refused.reason


def test_a_valid_request_names_the_topic_language_and_keeps_the_secret() -> None:
    asked = read_request(form(secret="s" * 199, lease_seconds="600"), TOPICS, SETTINGS)
    assert asked == HubRequest("subscribe", CALLBACK, FI_ATOM, "fi", 600, "s" * 199)
    combined = read_request(form(mode="unsubscribe", topic=ALL_JSON), TOPICS, SETTINGS)
    assert isinstance(combined, HubRequest)
    assert (combined.mode, combined.lang, combined.secret) == ("unsubscribe", None, None)


@pytest.mark.parametrize("topic", [SOURCE_ATOM, POOL_RSS])
def test_every_feed_that_names_the_hub_is_a_topic(topic: str) -> None:
    """Source and saved-filter feeds say rel="hub" as every feed does: the hub takes them."""
    asked = read_request(form(topic=topic), TOPICS, SETTINGS)
    assert isinstance(asked, HubRequest) and asked.topic == topic


@pytest.mark.parametrize(
    ("asked", "granted"),
    [
        (None, 10 * 86400),  # the default
        ("", 10 * 86400),
        ("1", 1),
        ("86400", 86400),
        (str(30 * 86400), 30 * 86400),
        (str(30 * 86400 + 1), 30 * 86400),  # cut to the maximum
        ("99999999999999999999", 30 * 86400),
    ],
)
def test_lease_clamping(asked: str | None, granted: int) -> None:
    assert lease_seconds(asked, SETTINGS) == granted


def test_a_default_above_the_maximum_is_cut_too() -> None:
    assert lease_seconds(None, WebSubSettings(lease_default="20d", lease_max="1d")) == 86400


def test_signature_is_hex_hmac_sha256_of_the_body() -> None:
    # The RFC 4231-style example everybody checks against (key "key").
    body = b"The quick brown fox jumps over the lazy dog"
    expected = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    assert signature("key", body) == f"sha256={expected}"
    assert signature("key", body + b".") != f"sha256={expected}"


def test_link_header_names_hub_and_self() -> None:
    config = make_config()
    assert hub_url(config) == BASE + "websub"
    assert link_header(hub_url(config), FI_ATOM) == (
        f'<{BASE}websub>; rel="hub", <{FI_ATOM}>; rel="self"'
    )


async def hub_client(config: Config, store: Store) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(config, store))
    return httpx.AsyncClient(transport=transport, base_url=BASE.rstrip("/"))


@pytest.fixture
async def hub(store: Store) -> AsyncIterator[httpx.AsyncClient]:
    async with await hub_client(make_config(), store) as client:
        yield client


def subscribe_form(subscriber: Subscriber, **fields: str) -> dict[str, str]:
    return {**form(callback=subscriber.callback, secret="geheim"), **fields}


async def test_subscribe_is_accepted_then_verified_and_stored(
    hub: httpx.AsyncClient, store: Store, subscriber: Subscriber
) -> None:
    answer = await hub.post(
        "/websub", data=subscribe_form(subscriber, **{"hub.lease_seconds": "99999"})
    )
    assert answer.status_code == 202
    # ASGITransport returns after the background verification ran.
    (verification,) = subscriber.verifications()
    assert verification["hub.mode"] == "subscribe"
    assert verification["hub.topic"] == FI_ATOM
    assert verification["hub.lease_seconds"] == "7200"  # cut to lease_max = 2h
    assert len(verification["hub.challenge"]) >= 16
    (sub,) = store.active_subscriptions(datetime.now(UTC))
    assert (sub.callback, sub.topic, sub.lang, sub.secret) == (
        subscriber.callback, FI_ATOM, "fi", "geheim",
    )  # fmt: skip
    assert sub.lease_seconds == 7200
    # Renewing keeps the id and takes the new lease and secret.
    renew = subscribe_form(subscriber, **{"hub.lease_seconds": "60", "hub.secret": "uusi"})
    assert (await hub.post("/websub", data=renew)).status_code == 202
    (renewed,) = store.active_subscriptions(datetime.now(UTC))
    assert (renewed.id, renewed.lease_seconds, renewed.secret) == (sub.id, 60, "uusi")


@pytest.mark.parametrize("answer", ["wrong", "refuse"])
async def test_an_unconfirmed_intent_stores_nothing(
    hub: httpx.AsyncClient, store: Store, subscriber: Subscriber, answer: str
) -> None:
    subscriber.answer = answer  # type: ignore[assignment]
    assert (await hub.post("/websub", data=subscribe_form(subscriber))).status_code == 202
    assert len(subscriber.verifications()) == 1
    assert store.active_subscriptions(datetime.now(UTC)) == []


async def test_unsubscribe_is_verified_then_removes_it(
    hub: httpx.AsyncClient, store: Store, subscriber: Subscriber
) -> None:
    await hub.post("/websub", data=subscribe_form(subscriber))
    assert store.active_subscriptions(datetime.now(UTC))
    subscriber.answer = "wrong"  # someone else asking to unsubscribe it: not confirmed
    await hub.post("/websub", data=subscribe_form(subscriber, **{"hub.mode": "unsubscribe"}))
    assert store.active_subscriptions(datetime.now(UTC))
    subscriber.answer = "echo"
    await hub.post("/websub", data=subscribe_form(subscriber, **{"hub.mode": "unsubscribe"}))
    last = subscriber.verifications()[-1]
    assert last["hub.mode"] == "unsubscribe"
    assert "hub.lease_seconds" not in last
    assert store.active_subscriptions(datetime.now(UTC)) == []


async def test_bad_requests_get_400_with_the_reason(
    hub: httpx.AsyncClient, subscriber: Subscriber
) -> None:
    answer = await hub.post("/websub", data=subscribe_form(subscriber, **{"hub.topic": "x"}))
    assert answer.status_code == 400
    assert "hub.topic" in answer.text
    as_json = await hub.post("/websub", json=subscribe_form(subscriber))
    assert as_json.status_code == 400
    assert "x-www-form-urlencoded" in as_json.text
    huge = await hub.post("/websub", data={**subscribe_form(subscriber), "pad": "x" * 9000})
    assert huge.status_code == 400
    assert (await hub.get("/websub")).status_code == 405
    assert subscriber.requests == []  # nothing refused was ever verified


async def test_private_callbacks_are_refused_without_allow_private_networks(
    store: Store, subscriber: Subscriber
) -> None:
    async with await hub_client(make_config(allow_private=False), store) as client:
        answer = await client.post("/websub", data=subscribe_form(subscriber))
    assert answer.status_code == 202  # the check needs DNS: it is part of the verification
    assert subscriber.requests == []
    assert store.active_subscriptions(datetime.now(UTC)) == []


async def test_the_hub_can_be_switched_off(store: Store) -> None:
    async with await hub_client(make_config(enabled=False), store) as client:
        assert (await client.post("/websub", data=form())).status_code == 404


def test_expired_subscriptions_end_and_their_waiting_rows_are_skipped(store: Store) -> None:
    now = datetime.now(UTC)
    short = store.subscribe(CALLBACK, FI_ATOM, lang="fi", secret=None, lease_seconds=10, now=now)
    long = store.subscribe(CALLBACK, ALL_JSON, lang=None, secret=None, lease_seconds=99, now=now)
    later = now + timedelta(seconds=11)
    assert [s.id for s in store.active_subscriptions(now)] == [short.id, long.id]
    assert [s.id for s in store.active_subscriptions(later)] == [long.id]
    assert store.end_subscriptions(later) == (1, 0)
    assert store.end_subscriptions(later) == (0, 0)
    assert store.unsubscribe(CALLBACK, ALL_JSON) is True
    assert store.unsubscribe(CALLBACK, ALL_JSON) is False


async def test_too_many_verifications_at_once_get_503(store: Store) -> None:
    config = make_config().model_copy(
        update={"websub": WebSubSettings(max_verifying=1, lease_default="1h", lease_max="2h")}
    )
    with BlockingSubscriber("geheim") as slow, Subscriber("geheim") as other:
        async with await hub_client(config, store) as client:
            first = asyncio.create_task(client.post("/websub", data=subscribe_form(slow)))
            await asyncio.to_thread(slow.asked.wait, 10)  # its verification is under way
            busy = await client.post("/websub", data=subscribe_form(other))
            slow.release.set()
            assert (await first).status_code == 202
            again = await client.post("/websub", data=subscribe_form(other))
    assert (busy.status_code, busy.headers["retry-after"]) == (503, "60")
    assert again.status_code == 202
    assert len(other.verifications()) == 1  # only the retried request was verified
    assert {s.callback for s in store.active_subscriptions(datetime.now(UTC))} == {
        slow.callback, other.callback,
    }  # fmt: skip


class BlockingSubscriber(Subscriber):
    """Holds its verification answer until ``release`` is set."""

    def __init__(self, secret: str) -> None:
        super().__init__(secret)
        self.asked = threading.Event()
        self.release = threading.Event()

    def inspect(self, request: Recorded) -> Answer | None:
        if request.method == "GET":
            self.asked.set()
            self.release.wait(10)
        return super().inspect(request)


async def test_a_store_failure_after_verification_is_logged_not_raised(
    hub: httpx.AsyncClient,
    store: Store,
    subscriber: Subscriber,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with store.engine.begin() as connection:  # a schema gone wrong: every write fails
        connection.execute(sa.text("DROP TABLE websub_subscriptions"))
    with caplog.at_level(logging.WARNING, logger="syndicator.websub"):
        answer = await hub.post("/websub", data=subscribe_form(subscriber))
    assert answer.status_code == 202
    assert len(subscriber.verifications()) == 1
    (record,) = [r for r in caplog.records if getattr(r, "event", "") == "websub.store_failed"]
    assert getattr(record, "error_code", "") == "store.error"


def test_subscriptions_are_not_a_destination_kind_of_feeds_toml() -> None:
    toml = """
[[sources]]
name = "vaasa-fi"
kind = "html"
urls = ["https://www.vaasa.fi/ajankohtaista/"]
[sources.selectors]
item = "article"
link = "a[href]"

[[destinations]]
name = "sneaky"
kind = "websub"
callback = "https://partner.example/cb"
topic = "https://tiedotteet.vaasa.example/feeds/atom.xml"
hub = "https://tiedotteet.vaasa.example/websub"

[websub]
lease_default = "40d"
"""
    with pytest.raises(ConfigError) as raised:
        parse_config(toml, "feeds.toml", {})
    problems = "\n".join(raised.value.problems)
    assert "destinations[0]: unknown kind 'websub'" in problems
    assert "websub.lease_default" in problems  # longer than any duration may be
