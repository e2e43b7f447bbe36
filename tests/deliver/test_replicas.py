"""Two replicas on one database (a real PostgreSQL server, and one SQLite file): every row
leased to one of them at a time, so a slow receiver never gets a webhook-id twice."""

from __future__ import annotations

import asyncio
import logging
import time

import httpx
import pytest
import sqlalchemy as sa

from syndicator.deliver.outbox import Outbox, RetryPolicy
from syndicator.store import open_store
from syndicator.store.schema import deliveries
from tests.deliver.conftest import SECRET, hook, seed
from tests.sinks import WebhookSink


async def test_two_replicas_never_send_a_row_twice(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # The case: 1.5 s per request, a 10 s lease, 30 rows due. Spread over three
    # destinations so the test takes seconds, not a minute: with one lease per batch, each
    # destination's 10 rows (15 s of sending) outlived the lease and the tail went twice.
    first, second = open_store(database_url), open_store(database_url)
    names = ("partner-a", "partner-b", "partner-c")
    policy = RetryPolicy(lease=10.0)
    with WebhookSink(SECRET) as sink:
        sink.delay = 1.5
        seed(first, 10, names)
        destinations = [hook(name, sink.url) for name in names]
        async with httpx.AsyncClient(timeout=10.0) as client:
            replicas = [Outbox(store, destinations, client, policy=policy, interval=0.5)
                        for store in (first, second)]  # fmt: skip
            for replica in replicas:
                replica.start()
            deadline = time.monotonic() + 40
            while first.count_deliveries() != {"delivered": 30}:
                assert time.monotonic() < deadline, first.count_deliveries()
                await asyncio.sleep(0.2)
            await asyncio.gather(*(replica.stop(1.0) for replica in replicas))
        sent = [request.headers["webhook-id"] for request in sink.requests]
    with first.engine.connect() as connection:
        owners = connection.execute(sa.select(deliveries.c.claimed_by).distinct()).scalars()
        assert set(owners) == {replica.owner for replica in replicas}  # both took rows
    first.close()
    second.close()
    assert len(sent) == 30 and len(set(sent)) == 30
    assert all(sink.verified)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
