"""``Outbox.reconfigure`` (live reload) on a real SQLite store against local receivers: an
added destination gets a lane, a changed one is sent to with its new settings, a removed
one's due rows are dead-lettered, and nothing is sent twice."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest

from syndicator.deliver.outbox import Outbox, RetryPolicy
from syndicator.store import Store, open_store
from tests.deliver.conftest import SECRET, hook, seed
from tests.sinks import WebhookSink


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'outbox.sqlite3'}")
    yield opened
    opened.close()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(10.0)) as opened:
        yield opened


async def wait_until(condition: Callable[[], bool], within: float) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


def statuses(store: Store, destination: str) -> list[str]:
    return sorted(r.status for r in store.list_deliveries() if r.destination == destination)


async def test_reconfigure_adds_changes_and_removes_lanes(
    store: Store, client: httpx.AsyncClient
) -> None:
    with WebhookSink(SECRET) as first, WebhookSink(SECRET) as second, WebhookSink(SECRET) as moved:
        # Lanes sleep up to 5 s: a row goes out only when the test wakes them.
        outbox = Outbox(store, [hook("a", first.url)], client,
                        policy=RetryPolicy(lease=20.0), interval=5.0)  # fmt: skip
        outbox.start()
        try:
            # Added: b gets a lane of its own.
            await outbox.reconfigure([hook("a", first.url), hook("b", second.url)])
            seed(store, 2, ("a", "b"))
            outbox.wake()
            await wait_until(lambda: len(first.requests) == len(second.requests) == 2, 5.0)

            # Changed: a's next row goes to its new URL.
            await outbox.reconfigure([hook("a", moved.url), hook("b", second.url)])
            seed(store, 1, ("a",))
            outbox.wake()
            await wait_until(lambda: len(moved.requests) == 1, within=5.0)

            # Removed: b's due row is dead-lettered at once, as for an unknown destination.
            seed(store, 1, ("b",))
            await outbox.reconfigure([hook("a", moved.url)])
            assert statuses(store, "b") == ["delivered", "delivered", "failed"]
            outbox.wake()
            await asyncio.sleep(0.5)  # a lane still running for b would have sent it
        finally:
            await outbox.stop(1.0)
    assert (len(first.requests), len(second.requests), len(moved.requests)) == (2, 2, 1)
    assert all(first.verified + second.verified + moved.verified)
