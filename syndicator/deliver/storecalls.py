"""The outbox's store calls, coalesced: lanes that ask together share one call.

One release stored for 500 destinations wakes 500 lanes. Asking the store one by one, they
made 500 claims, 500 reads and decodes of the same article and 500 commits, each a turn of
SQLite's write lock on one of the pool's few threads. Here each kind of call has at most one
store call in flight, and whatever lanes ask meanwhile goes into the next one:

- ``claim(name)``: the head rows of many destinations in one transaction (``claim_due``),
  still one row and one lease per destination;
- ``next_due(name)``, ``pending()``: one query for every lane asking;
- the outcome writes (``mark_*`` through ``__call__``, as ``Attempt`` makes them): one
  transaction for many rows, each still fenced by its own lease. The caller resumes only
  after the commit, so a crash before it means a retry, as ever;
- ``entry_for_event`` (through ``__call__``): read and decoded once per event and shared for
  ``_ENTRY_TTL`` seconds, so a burst of lanes sending one event reads it once.

Any other call goes straight to ``offload``. Every store call is tracked: ``settle()`` waits
for all, so ``Outbox.stop`` never hands rows back under a claim or an outcome in flight.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, Generic, ParamSpec, TypeVar, cast

from syndicator.deliver.policy import RetryPolicy
from syndicator.model import Delivery, Entry, EventKind
from syndicator.offload import offload
from syndicator.store import Store
from syndicator.store.outcomes import Settlement, delivered, failed, retry, skipped

__all__ = ["StoreCalls"]

P = ParamSpec("P")
T = TypeVar("T")
K = TypeVar("K")
R = TypeVar("R")
Found = tuple[EventKind, Entry] | None
_ENTRY_TTL = 10.0  # seconds an event's decoded entry is shared (its content never changes)
_ENTRIES = 256  # events kept at most


def _retrieved(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()  # its awaiter may be gone (a cancelled lane): no "never retrieved"


class _Batches(Generic[K, R]):
    """``ask(key)`` joins the next batch; one batch in flight at a time. ``run`` is the
    blocking store call for a batch: keys in, one result per key out, in order."""

    def __init__(self, run: Callable[[list[K]], list[R]], calls: StoreCalls) -> None:
        self._run = run
        self._calls = calls
        self._queue: list[tuple[K, asyncio.Future[R]]] = []
        self.worker: asyncio.Task[None] | None = None

    async def ask(self, key: K) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        future.add_done_callback(_retrieved)
        self._queue.append((key, future))
        if self.worker is None or self.worker.done():
            self.worker = asyncio.create_task(self._work())
        return await asyncio.shield(future)  # a cancelled lane's outcome is still written

    async def _work(self) -> None:
        batch: list[tuple[K, asyncio.Future[R]]] = []
        try:
            while self._queue:
                batch, self._queue = self._queue, []
                call = self._calls.start(self._run, [key for key, _ in batch])
                await asyncio.wait([call])
                if (error := call.exception()) is not None:  # every asker gets the store's error
                    for _key, future in batch:
                        future.set_exception(error)
                else:
                    for (_key, future), result in zip(batch, call.result(), strict=True):
                        future.set_result(result)
                batch = []
        finally:
            for _key, future in batch + self._queue:  # only when this task is cancelled
                future.cancel()


class StoreCalls:
    """The ``StoreCall`` of one outbox (see the module docstring)."""

    def __init__(
        self, store: Store, owner: str, clock: Callable[[], datetime], policy: RetryPolicy
    ) -> None:
        self._store = store
        self._owner = owner
        self._clock = clock
        self._lease = policy.lease
        self._in_flight: set[asyncio.Future[Any]] = set()
        self._entries: dict[int, tuple[float, asyncio.Future[Found]]] = {}
        self._claims = _Batches(self._claim_due, self)
        self._next_due = _Batches(self._next_due_many, self)
        self._pending: _Batches[None, int] = _Batches(self._count_pending, self)
        self._writes = _Batches(store.settle, self)
        self._outcomes: dict[object, Callable[..., Settlement]] = {
            store.mark_delivered: delivered,
            store.mark_retry: retry,
            store.mark_failed: failed,
            store.mark_skipped: skipped,
        }

    async def __call__(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        if fn == self._store.entry_for_event:
            (event_id,) = cast(tuple[Any, ...], args) + tuple(cast(dict[str, Any], kwargs).values())
            return cast(T, await self._entry(cast(int, event_id)))
        outcome = self._outcomes.get(fn)
        if outcome is not None:
            return cast(T, await self._writes.ask(outcome(*args, **kwargs)))
        return await self.tracked(fn, *args, **kwargs)

    async def claim(self, destination: str) -> Delivery | None:
        """Lease the oldest due row of ``destination`` (``DeliveryRows.claim_next``)."""
        return await self._claims.ask(destination)

    async def next_due(self, destination: str) -> datetime | None:
        return await self._next_due.ask(destination)

    async def pending(self) -> int:
        return await self._pending.ask(None)

    async def tracked(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """A store call off the loop that a cancelled lane cannot cut in half."""
        return await asyncio.shield(self.start(fn, *args, **kwargs))

    def start(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> asyncio.Future[T]:
        """``fn`` on the store's pool, tracked until done (``settle`` waits for it)."""
        future = asyncio.ensure_future(offload(fn, *args, **kwargs))
        self._in_flight.add(future)
        future.add_done_callback(self._in_flight.discard)
        future.add_done_callback(_retrieved)
        return future

    async def settle(self) -> None:
        """Wait until every batch and store call under way is done."""
        batches = (self._claims, self._next_due, self._pending, self._writes)
        while busy := [
            *(b.worker for b in batches if b.worker is not None and not b.worker.done()),
            *self._in_flight,
        ]:
            await asyncio.gather(*busy, return_exceptions=True)

    async def _entry(self, event_id: int) -> Found:
        now = time.monotonic()
        cached = self._entries.get(event_id)
        if cached is None or now - cached[0] > _ENTRY_TTL:
            future = asyncio.ensure_future(self.tracked(self._store.entry_for_event, event_id))
            future.add_done_callback(_retrieved)
            cached = self._entries[event_id] = (now, future)
            while len(self._entries) > _ENTRIES:
                del self._entries[next(iter(self._entries))]
        try:
            found = await asyncio.shield(cached[1])
        except Exception:
            self._forget(event_id, cached)
            raise
        if found is None:
            self._forget(event_id, cached)  # vanished: look again next time
        return found

    def _forget(self, event_id: int, cached: tuple[float, asyncio.Future[Found]]) -> None:
        if self._entries.get(event_id) is cached:
            del self._entries[event_id]

    def _claim_due(self, names: list[str]) -> list[Delivery | None]:
        found = self._store.claim_due(names, owner=self._owner, now=self._clock(),
                                      lease=self._lease)  # fmt: skip
        return [found.pop(name, None) for name in names]  # a row goes to one asker only

    def _count_pending(self, keys: list[None]) -> list[int]:
        return [self._store.count_pending()] * len(keys)

    def _next_due_many(self, names: list[str]) -> list[datetime | None]:
        found = self._store.next_due_many(names, self._clock())
        return [found[name] for name in names]
