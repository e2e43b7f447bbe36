"""The polls pushes trigger: a signed push marks its source due in the store
(``web.websub_callback``); ``PushedPolls`` takes the marks and polls those sources now.

Woken at once by a push to this process, and every ``SWEEP_EVERY`` seconds for pushes
that landed on another replica (``syndicator serve``). A mark is taken by exactly one
worker. Pushes cannot DoS a source: at most one pushed poll of a source runs at a time, the
next starts no sooner than ``MIN_GAP`` after the last began, and every push meanwhile
coalesces into that one mark. The poll is forced past the interval's gap, but still under
the cross-replica lease: if another poller holds it, the source is tried again at the next
sweep. A pushed poll that found nothing new is tried once more after ``RECHECK_AFTER``
(a publisher's cache or CDN may lag behind its hub by a moment).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence

from syndicator.configbase import SourceBase
from syndicator.errors import StoreError
from syndicator.logs import log_event
from syndicator.offload import offload
from syndicator.pipeline import PollResult
from syndicator.store import Store

__all__ = ["MIN_GAP", "RECHECK_AFTER", "SWEEP_EVERY", "PushedPolls"]

log = logging.getLogger("syndicator.websub")
SWEEP_EVERY = 2.0  # seconds: how late a push that landed on another replica is seen
MIN_GAP = 10.0  # seconds between the starts of two pushed polls of one source
RECHECK_AFTER = 1.5  # seconds before the one retry of a pushed poll that found nothing

PollNow = Callable[[SourceBase], Awaitable[PollResult | None]]  # None: cut short


class PushedPolls:
    def __init__(self, store: Store, sources: Sequence[SourceBase], poll: PollNow) -> None:
        self.store = store
        self.sources = {s.name: s for s in sources if s.enabled and s.websub}
        self.poll = poll
        self._wake = asyncio.Event()
        self._running: dict[str, asyncio.Task[None]] = {}
        self._started: dict[str, float] = {}  # monotonic start of each source's last pushed poll
        self._again: set[str] = set()  # skipped under another poller's lease: retry

    def wake(self) -> None:
        """A push reached this process: look at the marks now (thread-unsafe: call on the loop)."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                await self._sweep()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(SWEEP_EVERY):
                        await self._wake.wait()
                self._wake.clear()
        finally:
            for task in self._running.values():
                task.cancel()
            await asyncio.gather(*self._running.values(), return_exceptions=True)

    async def _sweep(self) -> None:
        now = time.monotonic()
        busy = {name for name, at in self._started.items() if now - at < MIN_GAP}
        busy |= set(self._running)
        try:
            taken = await offload(self.store.take_pushed, sorted(busy))
        except StoreError as exc:
            log_event(log, logging.WARNING, "websub.sweep_failed",
                      f"pushes not read: {exc.message}", error_code=exc.code)  # fmt: skip
            return
        again, self._again = self._again - set(self._running), self._again & set(self._running)
        for name in dict.fromkeys([*taken, *again]):
            source = self.sources.get(name)
            if source is not None and name not in self._running:
                self._started[name] = now
                task = asyncio.create_task(self._poll(source), name=f"push:{name}")
                self._running[name] = task

    async def _poll(self, source: SourceBase) -> None:
        try:
            result = await self.poll(source)
            if result is None:
                return
            if result.skipped:
                self._again.add(source.name)
            elif result.ok and not (result.created or result.updated or result.withdrawn):
                await asyncio.sleep(RECHECK_AFTER)
                await self.poll(source)
        finally:  # a skipped one waits for the next sweep: no busy loop beside the lease
            self._running.pop(source.name, None)
