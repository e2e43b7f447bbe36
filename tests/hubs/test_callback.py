"""``/websub/callback/{token}``: verification of intent, denial, and content distribution
with every signature method of WebSub § 7 — on the real app and a real store."""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from syndicator.config import Config
from syndicator.store import Store
from syndicator.web import create_app
from syndicator.web.websub_callback import MAX_PUSH_BYTES, signature_matches

HUB, TOPIC = "https://hub.example/", "https://www.vaasa.fi/feed/"
SECRET = "ab" * 32
BODY = b"<feed>uusi tiedote</feed>"


class Pushes:
    def __init__(self) -> None:
        self.count = 0

    def wake(self) -> None:
        self.count += 1


@pytest.fixture
def pushes() -> Pushes:
    return Pushes()


@pytest.fixture
async def client(store: Store, pushes: Pushes) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Config(), store, on_push=pushes.wake)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://us.example") as client:
        yield client


def _subscribe(store: Store, *, active: bool = False) -> int:
    now = datetime.now(UTC)
    sub = store.open_source_subscription("vaasa", HUB, TOPIC, token="tok", secret=SECRET, now=now)
    if active:
        store.confirm_source_subscription(sub.id, 3600, now)
    return sub.id


def _verify(**fields: str) -> dict[str, str]:
    base = {"hub.mode": "subscribe", "hub.topic": TOPIC, "hub.challenge": "c-123",
            "hub.lease_seconds": "86400"}  # fmt: skip
    return {**base, **{f"hub.{key}": value for key, value in fields.items()}}


def _signed(body: bytes, method: str = "sha256", secret: str = SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, getattr(hashlib, method)).hexdigest()
    return {"X-Hub-Signature": f"{method}={digest}", "Content-Type": "application/atom+xml"}


async def test_a_pending_subscription_is_verified_with_the_granted_lease(
    client: httpx.AsyncClient, store: Store
) -> None:
    _subscribe(store)
    answer = await client.get("/websub/callback/tok", params=_verify())
    assert (answer.status_code, answer.text) == (200, "c-123")
    sub = store.subscription_by_token("tok")
    assert sub is not None and (sub.state, sub.lease_seconds) == ("active", 86400)


@pytest.mark.parametrize(
    ("token", "fields"),
    [
        ("unknown", {}),
        ("tok", {"topic": "https://www.vaasa.fi/other/"}),
        ("tok", {"mode": "unsubscribe"}),  # we never asked for that
        ("tok", {"challenge": ""}),
        ("tok", {"lease_seconds": "soon"}),
        ("tok", {"lease_seconds": "0"}),
    ],
)
async def test_verifications_we_did_not_ask_for_get_404(
    client: httpx.AsyncClient, store: Store, token: str, fields: dict[str, str]
) -> None:
    _subscribe(store)
    answer = await client.get(f"/websub/callback/{token}", params=_verify(**fields))
    assert answer.status_code == 404
    assert "c-123" not in answer.text
    sub = store.subscription_by_token("tok")
    assert sub is not None and sub.state == "pending"


async def test_a_denial_is_recorded_with_its_reason(
    client: httpx.AsyncClient, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    _subscribe(store)
    params = {"hub.mode": "denied", "hub.topic": TOPIC, "hub.reason": "not on our list"}
    with caplog.at_level(logging.WARNING, "syndicator.websub"):
        answer = await client.get("/websub/callback/tok", params=params)
    assert answer.status_code == 200
    sub = store.subscription_by_token("tok")
    assert sub is not None and (sub.state, sub.last_error) == ("denied", "not on our list")
    assert [r.event for r in caplog.records] == ["websub.denied"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("method", ["sha1", "sha256", "sha384", "sha512"])
async def test_a_signed_push_marks_the_source_due_and_wakes_the_worker(
    client: httpx.AsyncClient, store: Store, pushes: Pushes, method: str
) -> None:
    _subscribe(store, active=True)
    answer = await client.post("/websub/callback/tok", content=BODY, headers=_signed(BODY, method))
    assert answer.status_code == 202
    assert pushes.count == 1
    assert store.take_pushed([]) == ["vaasa"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Hub-Signature": "sha256="},
        {"X-Hub-Signature": "md5=" + hashlib.md5(BODY).hexdigest()},
        _signed(BODY, secret="wrong"),
        _signed(BODY + b"tampered"),
    ],
)
async def test_a_bad_signature_is_answered_2xx_and_ignored(
    client: httpx.AsyncClient,
    store: Store,
    pushes: Pushes,
    caplog: pytest.LogCaptureFixture,
    headers: dict[str, str],
) -> None:
    _subscribe(store, active=True)
    with caplog.at_level(logging.WARNING, "syndicator.websub"):
        answer = await client.post("/websub/callback/tok", content=BODY, headers=headers)
    assert 200 <= answer.status_code < 300
    assert pushes.count == 0
    assert store.take_pushed([]) == []
    events = [(r.event, r.source) for r in caplog.records]  # type: ignore[attr-defined]
    assert events == [("websub.bad_signature", "vaasa")]


async def test_pushes_to_unknown_or_unverified_subscriptions_are_gone(
    client: httpx.AsyncClient, store: Store, pushes: Pushes
) -> None:
    assert (await client.post("/websub/callback/nope", content=BODY)).status_code == 410
    _subscribe(store)  # pending: the hub has not verified it
    answer = await client.post("/websub/callback/tok", content=BODY, headers=_signed(BODY))
    assert answer.status_code == 410
    assert pushes.count == 0


async def test_an_oversized_push_is_refused(
    client: httpx.AsyncClient, store: Store, pushes: Pushes
) -> None:
    _subscribe(store, active=True)
    body = b"x" * (MAX_PUSH_BYTES + 1)
    answer = await client.post("/websub/callback/tok", content=body, headers=_signed(body))
    assert answer.status_code == 413
    assert pushes.count == 0 and store.take_pushed([]) == []


def test_signature_matching_is_case_insensitive_in_the_hex_only() -> None:
    digest = hmac.new(b"k", BODY, hashlib.sha256).hexdigest()
    assert signature_matches(f"sha256={digest.upper()}", "k", BODY)
    assert signature_matches(f"SHA256={digest}", "k", BODY)
    assert not signature_matches(f"sha256={digest[:-1]}", "k", BODY)
    assert not signature_matches(None, "k", BODY)


async def test_unsubscribing_is_confirmed_only_for_a_subscription_we_ended(
    client: httpx.AsyncClient, store: Store
) -> None:
    sub_id = _subscribe(store, active=True)
    params = _verify(mode="unsubscribe")
    assert (await client.get("/websub/callback/tok", params=params)).status_code == 404
    store.end_source_subscription(sub_id, "ended", "no longer advertised", datetime.now(UTC))
    answer = await client.get("/websub/callback/tok", params=params)
    assert (answer.status_code, answer.text) == (200, "c-123")
    wrong_topic = _verify(mode="unsubscribe", topic="https://elsewhere.example/")
    assert (await client.get("/websub/callback/tok", params=wrong_topic)).status_code == 404
