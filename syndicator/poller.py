"""The per-source boundary: each poll runs under a lease, in a lane, within a deadline.

- **Lease**: ``store.claim_poll`` — one poller per source across replicas, and no second
  poll of it within 0.8 × its interval (``poll --once`` skips that gap: ops asked for a poll
  now; it still never runs beside another poller's poll of the same source).
- **Lane**: at most ``service.poll_concurrency`` polls at once; one host's politeness (one
  request at a time, ``min_host_delay``, robots.txt) lives in the fetcher's host slot.
- **Deadline**: ``min(service.poll_deadline, source.interval)``; an overrun is recorded as
  ``poll.deadline``.
- Whatever escapes the pipeline (``StoreError`` → its ``store.*`` code, anything else →
  ``poll.internal`` with one ERROR traceback) is recorded on the source and logged once; the
  caller backs off and the other sources carry on. Cancellation (shutdown) is not an
  error: one INFO ``poll.cancelled``.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import secrets
import socket
import time
from datetime import UTC, datetime, timedelta

from syndicator.config import Config
from syndicator.configbase import SourceBase
from syndicator.errors import StoreError
from syndicator.http import Fetcher, ValidatorLookup, Validators
from syndicator.logs import log_event
from syndicator.metrics import LAST_POLL_SUCCESS, POLLS
from syndicator.offload import offload
from syndicator.parsing import Parser
from syndicator.pipeline import PollResult, poll_source
from syndicator.publish.topics import topics_of
from syndicator.robots import SavedRobots
from syndicator.store import RobotsCopy, Store

__all__ = ["Poller", "StoredRobots", "poller_id", "validator_lookup"]

log = logging.getLogger("syndicator.poller")
_MIN_GAP = 0.8  # of the interval: a second replica does not poll again before that
# Seconds a lease outlives the poll's deadline (a late release, clock skew between replicas);
# after a SIGKILL the source waits out deadline + margin before another poller takes it.
_LEASE_MARGIN = 30.0


def poller_id() -> str:
    """``host:pid:random``: who holds a lease, unique per process start."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


def validator_lookup(store: Store) -> ValidatorLookup:
    """The fetcher's view of saved validators, read off the loop."""

    async def lookup(url: str) -> Validators | None:
        return await offload(store.get_validators, url)

    return lookup


class StoredRobots:
    """The fetcher's ``RobotsStore`` on the store: robots.txt outlives a run, and replicas
    share it (read and written off the loop)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def load(self, origin: str) -> SavedRobots | None:
        copy = await offload(self.store.robots_copy, origin)
        if copy is None:
            return None
        fetched_at = copy.fetched_at.timestamp()
        return SavedRobots(copy.status, copy.body, copy.etag, copy.last_modified, fetched_at)

    async def save(self, origin: str, saved: SavedRobots) -> None:
        fetched_at = datetime.fromtimestamp(saved.fetched_at, UTC)
        copy = RobotsCopy(saved.status, saved.body, saved.etag, saved.last_modified, fetched_at)
        await offload(self.store.save_robots, origin, copy)


def _gap(source: SourceBase) -> float:
    # An adaptive source may be due again after its min_interval, well before its interval.
    return _MIN_GAP * (source.min_interval if source.adaptive else source.interval)


class Poller:
    def __init__(
        self,
        config: Config,
        store: Store,
        fetcher: Fetcher,
        parser: Parser,
        *,
        owner: str | None = None,
    ) -> None:
        self.config, self.store, self.fetcher, self.parser = config, store, fetcher, parser
        self.owner = owner or poller_id()
        self._lanes = asyncio.Semaphore(config.service.poll_concurrency)

    async def poll(self, source: SourceBase, *, force: bool = False) -> PollResult:
        """One poll of ``source``; never raises but ``CancelledError``."""
        name = source.name
        async with self._lanes:
            try:
                result = await self._leased(source, force)
            except asyncio.CancelledError:
                log_event(log, logging.INFO, "poll.cancelled",
                          f"{name}: poll cut off by shutdown", source=name)  # fmt: skip
                raise
            except StoreError as exc:
                result = await self._failed(name, exc.code, f"{name}: {exc.message}")
            except Exception as exc:  # noqa: BLE001 - the per-source boundary: logged with traceback
                message = f"{name}: internal error: {type(exc).__name__}: {exc}"
                result = await self._failed(name, "poll.internal", message, bug=True)
        if not result.skipped:
            POLLS.labels(source=name, result="ok" if result.ok else "error").inc()
            if result.ok:
                LAST_POLL_SUCCESS.labels(source=name).set(time.time())
        return result

    async def _leased(self, source: SourceBase, force: bool) -> PollResult:
        deadline = min(self.config.service.poll_deadline, source.interval)
        now = datetime.now(UTC)
        claimed = await offload(
            self.store.claim_poll, source.name, owner=self.owner, now=now,
            until=now + timedelta(seconds=deadline + min(_LEASE_MARGIN, deadline)),
            min_gap=0.0 if force else _gap(source),
        )  # fmt: skip
        if not claimed:  # routine between replicas; worth saying when ops asked for it
            log_event(log, logging.INFO if force else logging.DEBUG, "poll.skipped",
                      f"{source.name}: polled elsewhere or recently; skipped",
                      source=source.name)  # fmt: skip
            return PollResult(source.name, skipped=True)
        hold: datetime | None = None
        try:
            return await self._within(source, deadline)
        except asyncio.CancelledError:
            # Shutdown cut the poll off after it may have fetched the listing: another replica
            # takes the source only after the usual gap, not a moment later.
            hold = now + timedelta(seconds=_gap(source))
            raise
        finally:
            await self._release(source.name, hold)

    async def _within(self, source: SourceBase, deadline: float) -> PollResult:
        timer = asyncio.timeout(deadline)
        try:
            async with timer:
                return await poll_source(
                    source, store=self.store, fetcher=self.fetcher, parser=self.parser,
                    destinations=self.config.destinations,
                    languages=self.config.feeds.languages,
                    topics=functools.partial(topics_of, self.config),
                )  # fmt: skip
        except TimeoutError:
            if not timer.expired():
                raise
        message = f"{source.name}: the poll took longer than its deadline of {deadline:g} s"
        return await self._failed(source.name, "poll.deadline", message)

    async def _failed(self, name: str, code: str, message: str, *, bug: bool = False) -> PollResult:
        level = logging.ERROR if bug else logging.WARNING
        log.log(level, message, exc_info=bug,
                extra={"event": "poll.failed", "source": name, "error_code": code})  # fmt: skip
        try:
            await offload(self.store.record_poll, name, datetime.now(UTC), error_code=code,
                          error=message)  # fmt: skip
        except StoreError as exc:  # the failure stays in the log and the metrics
            log_event(log, logging.WARNING, "poll.unrecorded",
                      f"{name}: could not record the failure: {exc.message}",
                      source=name, error_code=exc.code)  # fmt: skip
        return PollResult(name, ok=False, error_code=code)

    async def _release(self, name: str, hold: datetime | None = None) -> None:
        try:
            await asyncio.shield(offload(self.store.release_poll, name, self.owner, hold=hold))
        except StoreError as exc:  # the lease then runs out by itself
            log_event(log, logging.WARNING, "poll.unreleased",
                      f"{name}: could not release the poll lease: {exc.message}",
                      source=name, error_code=exc.code)  # fmt: skip
