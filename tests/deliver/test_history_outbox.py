"""The attempt history through the real outbox, on SQLite and PostgreSQL: one row per attempt,
written with the outcome, numbered on across a manual retry, none when the lease was lost."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from syndicator.deliver.outbox import RetryPolicy, drain_all
from syndicator.store import Store, open_store
from tests.deliver.conftest import hook, seed
from tests.sinks import WebhookSink


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = open_store(database_url)
    yield opened
    opened.close()


async def test_each_attempt_is_kept_with_what_it_sent(
    store: Store, webhook_sink: WebhookSink, client: httpx.AsyncClient
) -> None:
    config = hook("partner", f"{webhook_sink.url}/in", max_attempts=3)
    seed(store, 1, [config.name])
    webhook_sink.respond(503, 503, 503)
    policy = RetryPolicy(base=1.0, cap=1.0)
    for hours in (0, 1, 2):
        at = datetime.now(UTC) + timedelta(hours=hours)
        await drain_all(store, [config], client, policy=policy, clock=lambda at=at: at)
    (row,) = store.list_deliveries()
    assert row.status == "failed" and row.attempts == 3  # max_attempts: a dead letter
    history = store.attempts_of(row.id)
    assert [(a.number, a.outcome, a.status_code, a.error_code) for a in history] == [
        (1, "retry", 503, "delivery.http_503"),
        (2, "retry", 503, "delivery.http_503"),
        (3, "failed", 503, "delivery.http_503"),
    ]
    bodies = [json.loads(a.payload or "[]")[0]["body"] for a in history]
    assert bodies == [r.body.decode("utf-8") for r in webhook_sink.requests]

    assert store.retry_deliveries([row.id], datetime.now(UTC)) == 1
    await drain_all(store, [config], client, policy=policy)
    assert [a.number for a in store.attempts_of(row.id)] == [1, 2, 3, 4]
    assert store.attempt_counts([row.id]) == {row.id: 4}
    assert store.attempts_of(row.id)[-1].outcome == "delivered"


def test_no_attempt_is_recorded_without_the_lease(store: Store) -> None:
    from syndicator.model import Receipt
    from syndicator.store import AttemptRecord

    seed(store, 1, ["partner"])
    now = datetime.now(UTC)
    row = store.claim_next("partner", owner="w1", now=now, lease=60)
    assert row is not None
    record = AttemptRecord(now, now, "delivered", 200)
    assert not store.mark_delivered(row.id, Receipt(), now, owner="w2", attempt=record)
    assert store.attempts_of(row.id) == []
    assert store.mark_delivered(row.id, Receipt(), now, owner="w1", attempt=record)
    assert [(a.number, a.outcome) for a in store.attempts_of(row.id)] == [(1, "delivered")]
