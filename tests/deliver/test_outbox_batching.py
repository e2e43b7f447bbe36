"""Lanes that ask together share one store call: one claim for every destination woken by a
release, one read of its article, outcomes in shared commits, each row still under its own
lease (a real SQLite file and a real PostgreSQL server, local webhook receivers)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from syndicator.deliver.outbox import Outbox, RetryPolicy
from syndicator.model import Receipt
from syndicator.store import Store, open_store
from syndicator.store.outcomes import delivered, failed
from tests.deliver.conftest import SECRET, hook, seed
from tests.sinks import WebhookSink


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = open_store(database_url)
    yield opened
    opened.close()


def _later(seconds: float = 1.0) -> datetime:
    """A moment after the rows ``seed`` just stored became due."""
    return datetime.now(UTC) + timedelta(seconds=seconds)


def _rows(store: Store, destination: str) -> list[int]:
    return sorted(row.id for row in store.list_deliveries() if row.destination == destination)


def test_claim_due_leases_the_head_row_of_each_destination(store: Store) -> None:
    seed(store, 1, ("a",), hold=3600.0)  # held for a better language: blocks nobody
    seed(store, 2, ("a", "b"))
    held, a1, a2 = _rows(store, "a")
    b1, b2 = _rows(store, "b")
    now = _later()
    first = store.claim_due(["a", "b", "nobody"], owner="w1", now=now, lease=60)
    assert {name: row.id for name, row in first.items()} == {"a": a1, "b": b1}
    assert all(row.status == "sending" for row in first.values())
    later = now + timedelta(seconds=1)  # the first rows are still leased to w1
    second = store.claim_due(["a", "b"], owner="w2", now=later, lease=60)
    assert {name: row.id for name, row in second.items()} == {"a": a2, "b": b2}
    assert store.claim_due(["a", "b"], owner="w3", now=later, lease=60) == {}
    assert held not in {row.id for row in [*first.values(), *second.values()]}


def test_claim_due_waits_behind_a_retry_and_reports_when(store: Store) -> None:
    seed(store, 2, ("a", "b"))
    at = _later()
    claimed = store.claim_due(["a", "b"], owner="w1", now=at, lease=60)
    retry_at = at + timedelta(seconds=30)
    assert store.mark_retry(claimed["a"].id, owner="w1", next_attempt_at=retry_at,
                            code="delivery.http_503", error="503", now=at)  # fmt: skip
    assert store.mark_delivered(claimed["b"].id, Receipt(status=200), at, owner="w1")
    again = store.claim_due(["a", "b"], owner="w2", now=at, lease=60)
    assert list(again) == ["b"]  # a's second row waits behind its first
    due = store.next_due_many(["a", "b", "nobody"], at)
    assert due == {"a": retry_at, "b": at + timedelta(seconds=60), "nobody": None}


def test_settle_records_each_outcome_only_under_its_own_lease(store: Store) -> None:
    seed(store, 1, ("a", "b"))
    now = _later()
    mine = store.claim_due(["a", "b"], owner="w1", now=now, lease=60)
    taken_over = now + timedelta(minutes=2)  # w1's lease on b ran out; w2 took it
    assert store.claim_due(["b"], owner="w2", now=taken_over, lease=60)["b"].id == mine["b"].id
    applied = store.settle([
        delivered(mine["a"].id, Receipt(remote_id="r1", status=200), taken_over, owner="w1"),
        failed(mine["b"].id, owner="w1", code="delivery.http_400", error="late", now=taken_over),
    ])  # fmt: skip
    assert applied == [True, False]
    status = {row.destination: (row.status, row.remote_id) for row in store.list_deliveries()}
    assert status == {"a": ("delivered", "r1"), "b": ("sending", None)}


class _Statements:
    """Counts what the store really ran (an engine event: nothing of ours is replaced)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.claims = self.entry_reads = 0
        sa.event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        text = " ".join(statement.split())
        self.claims += text.startswith("UPDATE deliveries SET status") and " IN (" in text
        self.entry_reads += "versions.article" in text


async def test_lanes_woken_together_claim_and_read_once(store: Store) -> None:
    names = [f"partner-{n}" for n in range(12)]
    seed(store, 1, names)
    counted = _Statements(store.engine)
    with ExitStack() as stack:
        sinks = [stack.enter_context(WebhookSink(SECRET)) for _name in names]
        destinations = [
            hook(name, f"{sink.url}/{name}") for name, sink in zip(names, sinks, strict=True)
        ]
        async with httpx.AsyncClient(timeout=10.0) as client:
            outbox = Outbox(store, destinations, client, policy=RetryPolicy(lease=30.0))
            result = await outbox.drain()
    assert result.delivered == 12 and store.count_deliveries() == {"delivered": 12}
    for name, sink in zip(names, sinks, strict=True):
        assert [request.path for request in sink.requests] == [f"/{name}"]
        assert sink.verified == [True]
    assert (counted.claims, counted.entry_reads) == (1, 1)  # not one per destination


async def test_a_failing_store_reaches_every_lane_and_the_lanes_recover(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    names = [f"desk-{n}" for n in range(5)]
    seed(store, 1, names)
    with store.engine.begin() as connection:  # every store call of the outbox now fails
        connection.execute(sa.text("ALTER TABLE deliveries RENAME TO deliveries_away"))
    with ExitStack() as stack:
        sinks = [stack.enter_context(WebhookSink(SECRET)) for _name in names]
        destinations = [hook(name, sink.url) for name, sink in zip(names, sinks, strict=True)]
        async with httpx.AsyncClient(timeout=10.0) as client:
            outbox = Outbox(store, destinations, client, interval=0.2)
            outbox.start()
            try:
                await _until(lambda: _crashed(caplog) >= set(names))  # no lane left waiting
                with store.engine.begin() as connection:
                    connection.execute(sa.text("ALTER TABLE deliveries_away RENAME TO deliveries"))
                await _until(lambda: store.count_deliveries() == {"delivered": 5})
            finally:
                await outbox.stop(1.0)
    assert [len(sink.requests) for sink in sinks] == [1] * 5


def _crashed(caplog: pytest.LogCaptureFixture) -> set[str]:
    return {
        str(getattr(record, "destination", ""))
        for record in caplog.records
        if getattr(record, "event", "") == "outbox.crashed"
    }


async def _until(condition: Callable[[], bool], within: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)
