"""The polls pushes trigger (``hubs.pushes``): a push wakes its source's poll at once; a
mark left by another replica is taken by the sweep; bursts coalesce into one poll at a time
and at most one per ``MIN_GAP``; a poll skipped under another poller's lease is retried.
The store is real; the poll is the worker's injected callable, recorded here."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from syndicator.configbase import SourceBase
from syndicator.hubs import pushes
from syndicator.hubs.pushes import PushedPolls
from syndicator.pipeline import PollResult
from syndicator.sources import feed
from syndicator.store import Store

SOURCES = [feed.Config(kind="feed", name=name, url=f"https://{name}.example/feed/")
           for name in ("vaasa", "vasa")]  # fmt: skip


@dataclass
class Polls:
    """The worker's poll, as ``PushedPolls`` calls it: records, takes ``hold`` seconds."""

    hold: float = 0.0
    results: list[PollResult] = field(default_factory=list)  # answered in turn, then "created"
    started: list[tuple[str, float]] = field(default_factory=list)

    async def __call__(self, source: SourceBase) -> PollResult:
        self.started.append((source.name, time.monotonic()))
        await asyncio.sleep(self.hold)
        return self.results.pop(0) if self.results else PollResult(source.name, created=1)

    def names(self) -> list[str]:
        return [name for name, _at in self.started]


def _mark(store: Store, source: str) -> None:
    now = datetime.now(UTC)
    sub = store.open_source_subscription(source, "https://hub.example/", "https://t.example/",
                                         token=f"tok-{source}", secret="s", now=now)  # fmt: skip
    store.confirm_source_subscription(sub.id, 3600, now)
    store.mark_pushed(sub.id, now)


@pytest.fixture
def polls() -> Polls:
    return Polls()


@pytest.fixture
async def running(store: Store, polls: Polls) -> AsyncIterator[PushedPolls]:
    pushed = PushedPolls(store, SOURCES, polls)
    stop = asyncio.Event()
    task = asyncio.create_task(pushed.run(stop))
    await asyncio.sleep(0.05)  # its first sweep found nothing
    yield pushed
    stop.set()
    pushed.wake()
    await task


async def _settle(seconds: float = 0.3) -> None:
    await asyncio.sleep(seconds)


async def test_a_push_here_polls_at_once(store: Store, polls: Polls, running: PushedPolls) -> None:
    woken = time.monotonic()
    _mark(store, "vaasa")
    running.wake()
    await _settle()
    assert polls.names() == ["vaasa"]
    assert polls.started[0][1] - woken < 0.25


async def test_a_mark_left_by_another_replica_is_taken_by_the_sweep(
    store: Store, polls: Polls, running: PushedPolls
) -> None:
    _mark(store, "vasa")  # no wake: the push landed on a ``syndicator serve`` replica
    await _settle(pushes.SWEEP_EVERY + 0.5)
    assert polls.names() == ["vasa"]


async def test_a_burst_is_one_poll_and_the_next_waits_out_the_gap(
    store: Store, polls: Polls, running: PushedPolls
) -> None:
    polls.hold = 0.3
    for _ in range(5):
        _mark(store, "vaasa")
        running.wake()
        await asyncio.sleep(0.02)
    await _settle(1.0)
    assert polls.names() == ["vaasa"]  # one in flight, the rest one waiting mark
    assert store.take_pushed([]) == ["vaasa"]  # ... still there: MIN_GAP has not passed


async def test_a_poll_skipped_under_another_lease_is_retried(
    store: Store, polls: Polls, running: PushedPolls
) -> None:
    polls.results = [PollResult("vaasa", skipped=True)]
    _mark(store, "vaasa")
    running.wake()
    await _settle(pushes.SWEEP_EVERY + 0.5)
    assert polls.names() == ["vaasa", "vaasa"]


async def test_a_pushed_poll_that_found_nothing_looks_once_more(
    store: Store, polls: Polls, running: PushedPolls
) -> None:
    polls.results = [PollResult("vaasa", not_modified=True), PollResult("vaasa")]
    _mark(store, "vaasa")
    running.wake()
    await _settle(pushes.RECHECK_AFTER + 0.5)
    assert polls.names() == ["vaasa", "vaasa"]
    await _settle(0.5)
    assert polls.names() == ["vaasa", "vaasa"]  # once only
