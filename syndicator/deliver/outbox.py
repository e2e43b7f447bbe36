"""The durable outbox: one lane per destination, each sending one row at a time.

At-least-once: a row is ``delivered`` only after the destination confirmed. Each row is
leased to this process alone (``owner``) for ``lease`` seconds, and every send has a total
deadline of half the lease, so a slow success is recorded before anyone else may take the
row. A lane works through its destination's due rows in order and then sleeps until it is
woken, its next row is due, or ``interval`` passes (another process may have added rows);
a slow destination only ever delays itself. ``stop()`` lets sends in flight finish within
a grace period, cancels the rest and hands their rows back, so a restart sends them at once
(the idempotency key makes the repeat harmless). Lanes reach the store through
``StoreCalls``: claims, outcomes and reads of lanes asking together share one store call.

Destinations that are not in the config (WebSub subscriptions, ``deliver.subscriptions``)
come as ``extra`` lanes: each pass gets ``LaneTools`` to claim rows and build ``Attempt``s,
so their rows have the same leases, retries and dead letters as every other.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import httpx

from syndicator.configbase import DestinationBase
from syndicator.deliver import DestinationKind, emailbatch
from syndicator.deliver.attempt import Attempt
from syndicator.deliver.policy import DrainResult, RetryPolicy, retry_delay
from syndicator.deliver.storecalls import StoreCalls
from syndicator.logs import log_event
from syndicator.metrics import OUTBOX_PENDING
from syndicator.store import Store

__all__ = [
    "DrainResult",
    "ExtraLane",
    "LaneTools",
    "Outbox",
    "RetryPolicy",
    "drain_all",
    "lease_owner",
    "retry_delay",
]

log = logging.getLogger("syndicator.outbox")
_MIN_NAP = 0.05  # never spin: a lane that found nothing sleeps at least this long


def lease_owner() -> str:
    """An id unique to this process (host, pid, random), at most 64 characters."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{secrets.token_hex(4)}"


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class LaneTools:
    """What an extra lane's pass uses: the outbox's store calls, an ``Attempt`` for a
    destination of its own, the outbox's clock and whether it is stopping."""

    calls: StoreCalls
    attempt: Callable[[DestinationBase, DestinationKind], Attempt]
    clock: Callable[[], datetime]
    stopping: Callable[[], bool]


class ExtraLane(Protocol):
    """A lane for destinations the config does not name (their rows skip the sweep)."""

    @property
    def name(self) -> str: ...

    async def run(self, tools: LaneTools, result: DrainResult, *, dry_run: bool) -> None: ...


class Outbox:
    """The delivery lanes of one process. ``start()`` them for the worker, or ``drain()``
    once for ``poll --once``; never both on one object."""

    def __init__(
        self,
        store: Store,
        destinations: Sequence[DestinationBase],
        client: httpx.AsyncClient,
        *,
        policy: RetryPolicy | None = None,
        interval: float = 5.0,
        owner: str | None = None,
        clock: Callable[[], datetime] = _utcnow,
        extra: Sequence[ExtraLane] = (),
    ) -> None:
        self.owner = owner or lease_owner()
        self._store = store
        self._configs = {d.name: d for d in destinations if d.enabled}
        self._client = client
        self._policy = policy or RetryPolicy()
        self._interval = interval
        self._clock = clock
        self._stopping = False
        self._stopped = asyncio.Event()  # the housekeeper's alarm clock
        self._extra = list(extra)
        self._wakes = {name: asyncio.Event() for name in [*self._configs, *self._names]}
        self._tasks: list[asyncio.Task[None]] = []
        self._running: dict[str, asyncio.Task[None]] = {}  # each destination's lane
        self._calls = StoreCalls(store, self.owner, clock, self._policy)
        self._tools = LaneTools(self._calls, self._attempt, clock, lambda: self._stopping)

    @property
    def _names(self) -> list[str]:
        return [lane.name for lane in self._extra]

    def start(self) -> None:
        """One long-lived task per enabled destination, plus a housekeeper that dead-letters
        rows of unknown destinations and keeps the pending gauge fresh."""
        for name in self._configs:
            self._start_lane(name)
        for lane in self._extra:
            work = functools.partial(self._extra_pass, lane)
            self._tasks.append(asyncio.create_task(self._lane(lane.name, work),
                                                   name=f"outbox:{lane.name}"))  # fmt: skip
        self._tasks.append(asyncio.create_task(self._housekeeping(), name="outbox:housekeeping"))

    def _start_lane(self, name: str) -> None:
        self._wakes.setdefault(name, asyncio.Event())
        work = functools.partial(self._lane_pass, name)
        task = asyncio.create_task(self._lane(name, work), name=f"outbox:{name}")
        self._tasks.append(task)
        self._running[name] = task

    async def reconfigure(self, destinations: Sequence[DestinationBase]) -> None:
        """A reload: lanes of new destinations start, those of removed ones end after their
        send in flight, changed ones use the new settings from their next pass; the due
        rows of removed (or disabled) destinations are dead-lettered now."""
        self._configs = {d.name: d for d in destinations if d.enabled}
        for name in self._configs:
            lane = self._running.get(name)
            if not self._stopping and (lane is None or lane.done()):
                self._start_lane(name)
        self.wake()
        await self._sweep(DrainResult())

    def wake(self) -> None:
        """Something new was stored: every lane looks for due rows now."""
        for event in self._wakes.values():
            event.set()

    async def stop(self, grace: float) -> int:
        """Take no new rows; give sends in flight ``grace`` seconds, cancel the rest and
        hand back every row this process still holds. Returns how many were handed back."""
        self._stopping = True
        self._stopped.set()
        self.wake()
        if self._tasks:
            _done, late = await asyncio.wait(self._tasks, timeout=grace)
            for task in late:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._calls.settle()  # a claim or an outcome under way is never cut in half
        released = await self._calls(self._store.release_owned, self.owner, self._clock())
        if released:
            log_event(log, logging.INFO, "delivery.released",
                      f"{released} deliveries cut off by shutdown handed back for the next start",
                      count=released)  # fmt: skip
        return released

    async def drain(self, *, dry_run: bool = False) -> DrainResult:
        """Every due row of every destination (lanes side by side), then return.

        ``dry_run``: nothing is sent; each row is logged once and handed back, still due."""
        result = DrainResult()
        await self._sweep(result)
        configs = list(self._configs.values())
        names = [*self._configs, *self._names]
        try:
            outcomes = await asyncio.gather(
                *(self._pass(config, result, dry_run) for config in configs),
                *(lane.run(self._tools, result, dry_run=dry_run) for lane in self._extra),
                return_exceptions=True,
            )
        finally:
            if dry_run:
                await self._calls(self._store.release_owned, self.owner, self._clock())
        for name, outcome in zip(names, outcomes, strict=True):
            if isinstance(outcome, Exception):  # one lane's trouble stops no other lane
                crashed = {"event": "outbox.crashed", "destination": name}
                log.error(f"outbox lane {name} failed", exc_info=outcome, extra=crashed)
            elif outcome is not None:
                raise outcome  # cancelled: pass it on
        await self._gauge()
        return result

    async def _lane(self, name: str, work: Callable[[], Awaitable[float]]) -> None:
        wake = self._wakes[name]
        while not self._stopping:
            wake.clear()  # before the pass: a wake during it means "look again"
            try:
                nap = await work()
                if nap < 0:  # its destination was removed by a reload
                    return
            except Exception:  # the store hiccuped or our bug: say so, keep the lane alive
                crashed = {"event": "outbox.crashed", "destination": name}
                log.exception(f"outbox lane {name} failed", extra=crashed)
                nap = self._interval
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(nap):
                    await wake.wait()

    async def _lane_pass(self, name: str) -> float:
        config = self._configs.get(name)  # looked up each pass: a reload may change it
        if config is None:
            return -1.0
        await self._pass(config, DrainResult(), False)
        await self._gauge()
        return await self._idle(name)

    async def _extra_pass(self, lane: ExtraLane) -> float:
        await lane.run(self._tools, DrainResult(), dry_run=False)
        return self._interval

    def _attempt(self, config: DestinationBase, kind: DestinationKind | None = None) -> Attempt:
        return Attempt(self._store, config, self._client, self._policy, self.owner,
                       self._clock, self._calls, kind)  # fmt: skip

    async def _pass(self, config: DestinationBase, result: DrainResult, dry_run: bool) -> None:
        attempt = self._attempt(config)
        if emailbatch.batched(config):  # e-mail digests and bilingual mails: rows together
            await emailbatch.run(attempt, result, dry_run=dry_run)
            return
        # A reload may remove or change the destination: a pass claims rows only while its
        # settings are the current ones; the next pass takes the new ones.
        while not self._stopping and self._configs.get(config.name) == config:
            row = await self._calls.claim(config.name)
            if row is None:
                return
            await attempt.run(row, result, dry_run=dry_run)

    async def _idle(self, name: str) -> float:
        """Seconds until this lane has something to do, at most ``interval``."""
        due = await self._calls.next_due(name)
        if due is None:
            return self._interval
        wait = (due - self._clock()).total_seconds()
        return min(self._interval, max(_MIN_NAP, wait))

    async def _housekeeping(self) -> None:
        while not self._stopping:
            try:
                await self._sweep(DrainResult())
                await self._gauge()
            except Exception:
                log.exception("outbox housekeeping failed", extra={"event": "outbox.crashed"})
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._interval):
                    await self._stopped.wait()

    async def _sweep(self, result: DrainResult) -> None:
        failed = await self._calls(
            self._store.fail_unrouted, list(self._configs), now=self._clock()
        )
        for name, count in failed.items():
            result.count(name, "failed", count)
            log_event(log, logging.ERROR, "delivery.dead_letter",
                      f"{count} deliveries to {name!r}: destination not configured (or disabled)",
                      destination=name, count=count,
                      error_code="delivery.unknown_destination")  # fmt: skip

    async def _gauge(self) -> None:
        OUTBOX_PENDING.set(await self._calls.pending())


async def drain_all(
    store: Store,
    destinations: Sequence[DestinationBase],
    client: httpx.AsyncClient,
    *,
    policy: RetryPolicy | None = None,
    dry_run: bool = False,
    clock: Callable[[], datetime] = _utcnow,
    extra: Sequence[ExtraLane] = (),
) -> DrainResult:
    """Deliver every due row of every destination, then return (``poll --once``)."""
    outbox = Outbox(store, destinations, client, policy=policy, clock=clock, extra=extra)
    return await outbox.drain(dry_run=dry_run)
