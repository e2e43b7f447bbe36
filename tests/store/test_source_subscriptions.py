"""Our subscriptions to sources' hubs, on SQLite and PostgreSQL: one row per (source, hub,
topic) whose token and secret outlive renewals, and push marks taken exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from syndicator.store import Store

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
HUB, TOPIC = "https://hub.example/", "https://www.vaasa.fi/feed/"


def _open(store: Store, source: str = "vaasa", token: str = "t1", now: datetime = NOW) -> int:
    sub = store.open_source_subscription(source, HUB, TOPIC, token=token, secret="s" * 64, now=now)
    return sub.id


def test_a_request_opens_a_pending_row_that_the_hub_confirms(store: Store) -> None:
    sub_id = _open(store)
    sub = store.subscription_by_token("t1")
    assert sub is not None and (sub.id, sub.state, sub.expires_at) == (sub_id, "pending", None)
    store.confirm_source_subscription(sub_id, 3600, NOW)
    sub = store.source_subscription("vaasa", HUB, TOPIC)
    assert sub is not None and sub.state == "active" and sub.lease_seconds == 3600
    assert sub.expires_at == NOW + timedelta(hours=1)


def test_asking_again_keeps_token_and_secret_and_an_active_state(store: Store) -> None:
    sub_id = _open(store)
    store.confirm_source_subscription(sub_id, 3600, NOW)
    again = store.open_source_subscription("vaasa", HUB, TOPIC, token="new", secret="other",
                                           now=NOW + timedelta(minutes=50))  # fmt: skip
    assert (again.id, again.token, again.secret, again.state) == (sub_id, "t1", "s" * 64, "active")
    store.end_source_subscription(sub_id, "denied", "not allowed", NOW)
    retried = store.open_source_subscription("vaasa", HUB, TOPIC, token="x", secret="y", now=NOW)
    assert (retried.state, retried.last_error) == ("pending", "not allowed")
    assert store.subscription_by_token("x") is None


def test_a_push_mark_is_taken_once_and_busy_sources_wait(store: Store) -> None:
    first = _open(store)
    second = _open(store, "vasa", "t2")
    for sub_id in (first, second):
        store.confirm_source_subscription(sub_id, 3600, NOW)
        store.mark_pushed(sub_id, NOW)
        store.mark_pushed(sub_id, NOW + timedelta(seconds=1))  # a burst: one mark
    assert store.take_pushed(["vasa"]) == ["vaasa"]
    assert store.take_pushed(["vasa"]) == []
    assert store.take_pushed([]) == ["vasa"]
    assert store.take_pushed([]) == []


def test_an_ended_subscription_drops_its_push_mark(store: Store) -> None:
    sub_id = _open(store)
    store.mark_pushed(sub_id, NOW)
    store.end_source_subscription(sub_id, "failed", "hub unreachable", NOW)
    assert store.take_pushed([]) == []
    assert [s.state for s in store.source_subscriptions()] == ["failed"]
