"""The worker: APScheduler jobs for polling and the outbox, plus the web server, in one loop.

Polls run concurrently through a ``poller.Poller`` (a lane each, at most
``service.poll_concurrency``, one poller per source across replicas); parsing runs in a
``parsing.ParsePool`` created once per process. The outbox drain runs beside them and is
woken after every change. On stop, polls in flight are cancelled (no error, no traceback).
Sources' WebSub hubs (``hubs``): subscribed after a poll that saw one, renewed by a job, and
a push polls its source at once (``hubs.pushes``).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import signal
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import uvicorn
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from syndicator.adaptive import AdaptivePolling
from syndicator.config import Config
from syndicator.configbase import SourceBase
from syndicator.deliver.hubping import changed_topics, ping_hubs
from syndicator.deliver.outbox import ExtraLane, Outbox, RetryPolicy, drain_all
from syndicator.deliver.subscriptions import WebSubLane
from syndicator.deliver.transport import OriginTransport
from syndicator.errors import StoreError
from syndicator.http import Fetcher
from syndicator.hubs.pushes import PushedPolls
from syndicator.hubs.subscriber import RENEW_EVERY, SourceHubs
from syndicator.locales import HELSINKI_NAME
from syndicator.logs import log_event
from syndicator.offload import offload
from syndicator.parsing import ParsePool
from syndicator.pipeline import PollResult
from syndicator.poller import Poller, StoredRobots, validator_lookup
from syndicator.publish import feed_documents, write_feeds
from syndicator.reload import AppSlot, Reloader, schedule_poll
from syndicator.store import Store
from syndicator.web import create_app

__all__ = ["Worker", "failure_backoff", "ping_external_hubs", "run_once"]

log = logging.getLogger("syndicator.scheduler")
_SHUTDOWN_GRACE = 8.0
_OUTBOX_GRACE = 5.0  # sends in flight get this long at shutdown; the rest are handed back


def failure_backoff(failures: int, interval: float, retry_after: float | None) -> float:
    """PURE. Seconds until the next poll of a failing source: 30 s doubling, at most four
    intervals, never sooner than the source's Retry-After."""
    delay = min(30.0 * 2.0 ** max(0, failures - 1), 4 * interval)
    return max(delay, retry_after or 0.0)


def delivery_client(config: Config) -> httpx.AsyncClient:
    # Per phase; the outbox adds a total deadline of half the lease around every send.
    timeout = min(30.0, config.service.delivery_lease / 2)
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)),
        headers={"User-Agent": config.http.user_agent},
        follow_redirects=False,
        transport=OriginTransport(),  # a pool per receiver: 500 destinations, no quadratic pool
    )


def parse_pool(config: Config) -> ParsePool:
    service = config.service
    return ParsePool(
        workers=service.parse_workers,
        timeout=service.parse_timeout,
        memory_mb=service.parse_memory_mb,
    )


def rebuild_feeds(config: Config, store: Store) -> None:
    if config.feeds.out_dir:
        out_dir = Path(config.feeds.out_dir)
        documents = feed_documents(
            store,
            config,
            store,
            written=lambda path: (out_dir / path).is_file(),  # older archive pages: once
        )
        write_feeds(out_dir, documents)


async def run_once(config: Config, store: Store, *, dry_run: bool = False) -> list[PollResult]:
    """One poll of every enabled source, then every due delivery (for cron and tests).

    Sources poll concurrently like in the worker; a failing or buggy source is recorded and
    the others carry on. Each poll takes the source's lease without the minimum gap."""
    async with (
        Fetcher(
            config.http, validators=validator_lookup(store), robots=StoredRobots(store)
        ) as fetcher,
        parse_pool(config) as parser,
    ):
        poller = Poller(config, store, fetcher, parser)
        enabled = [source for source in config.sources if source.enabled]
        results = list(await asyncio.gather(*(poller.poll(s, force=True) for s in enabled)))
    await offload(rebuild_feeds, config, store)
    if not dry_run:  # a ping is a side effect too
        changed = {r.source for r in results if r.created or r.updated or r.withdrawn}
        await ping_external_hubs(config, [s for s in enabled if s.name in changed])
    async with delivery_client(config) as client:
        await drain_all(store, config.destinations, client, policy=_policy(config),
                        dry_run=dry_run, extra=_extra_lanes(config, store))  # fmt: skip
    return results


async def ping_external_hubs(config: Config, sources: Sequence[SourceBase]) -> None:
    """``websub.publish_to``: tell the external hubs which feeds ``sources`` changed."""
    if not config.websub.publish_to or not sources:
        return
    topics = dict.fromkeys(
        topic
        for source in sources
        for topic in changed_topics(config, source.name, source.language)
    )
    async with delivery_client(config) as client:
        await ping_hubs(config, topics, client)


def _extra_lanes(config: Config, store: Store) -> list[ExtraLane]:
    """The WebSub hub's subscribers, when the hub is on."""
    return [WebSubLane(config, store)] if config.websub.enabled else []


def _policy(config: Config) -> RetryPolicy:
    service = config.service
    return RetryPolicy(base=service.retry_base, cap=service.retry_max, lease=service.delivery_lease)


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: the worker owns SIGTERM/SIGINT."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class Worker:
    def __init__(
        self, config: Config, store: Store, *, serve: bool = True, path: Path | None = None
    ) -> None:
        self.config = config
        self.store = store
        self.serve = serve
        self._polls: set[asyncio.Task[None]] = set()
        self._wake_outbox = asyncio.Event()
        self._stop = asyncio.Event()
        self.adaptive = AdaptivePolling(store)  # adaptive sources' rhythms (``adaptive.py``)
        self.live = Reloader(path, self, self._poll)  # SIGHUP: ``reload``

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, self.stop)
        async with (
            Fetcher(
                self.config.http,
                validators=validator_lookup(self.store),
                robots=StoredRobots(self.store),
            ) as fetcher,
            parse_pool(self.config) as parser,
            delivery_client(self.config) as client,
        ):
            poller = Poller(self.config, self.store, fetcher, parser)
            self._hubs = SourceHubs(self.config, self.store, client)
            scheduler = self._schedule(poller)
            pushes = PushedPolls(
                self.store, self.config.sources, lambda s: self._poll(s, poller, scheduler, True)
            )
            self.live.scheduler, self.live.poller, self.live.hubs = scheduler, poller, self._hubs
            self.live.pushes = pushes
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signal.SIGHUP, self.live.request)
            scheduler.start()
            outbox = asyncio.create_task(self._outbox_loop(client))
            pushed = asyncio.create_task(pushes.run(self._stop))
            server = self._server(pushes.wake) if self.serve else None
            serving = asyncio.create_task(server.serve()) if server else None
            log_event(
                log,
                logging.INFO,
                "worker.started",
                f"{len(self.config.sources)} sources, {len(self.config.destinations)} "
                f"destinations, feeds at {self.config.service.base_url}feeds/atom.xml",
            )
            await self._stop.wait()
            log_event(log, logging.INFO, "worker.stopping", "stopping: no new work is taken")
            pushes.wake()  # its loop sees the stop now, not at its next sweep
            scheduler.shutdown(wait=False)
            await self._cancel_polls()
            if server:
                server.should_exit = True
            self._wake_outbox.set()  # the outbox stops: sends in flight finish or are handed back
            pending = [task for task in (outbox, serving, pushed) if task]
            _done, late = await asyncio.wait(pending, timeout=_SHUTDOWN_GRACE)
            for task in late:
                task.cancel()
        log_event(log, logging.INFO, "worker.stopped", "stopped; the outbox resumes on restart")

    def _schedule(self, poller: Poller) -> AsyncIOScheduler:
        scheduler = AsyncIOScheduler(timezone=HELSINKI_NAME)
        now = datetime.now(UTC)
        for index, source in enumerate(s for s in self.config.sources if s.enabled):
            at = now + timedelta(seconds=index * 0.1)
            schedule_poll(scheduler, self._poll, source, poller, at)
        scheduler.add_job(self._hubs.renew, IntervalTrigger(seconds=RENEW_EVERY),
                          args=(self.config.sources,), id="websub:renew", max_instances=1,
                          coalesce=True)  # fmt: skip
        return scheduler

    async def _cancel_polls(self) -> None:
        """Cut off the polls in flight: their leases are released, nothing is half-saved
        (each save is one transaction), and the next start polls again."""
        polls = list(self._polls)
        for task in polls:
            task.cancel()
        await asyncio.gather(*polls, return_exceptions=True)

    async def _poll(
        self, source: SourceBase, poller: Poller, scheduler: AsyncIOScheduler, force: bool = False
    ) -> PollResult | None:
        """One poll (``force``: a push asked for it now) and what follows; None when our own
        shutdown or the store cut it short."""
        if self._stop.is_set():
            return None
        task = asyncio.current_task()
        assert task is not None
        self._polls.add(task)
        try:
            result = await poller.poll(source, force=force)
            if result.created or result.updated or result.withdrawn:
                await offload(rebuild_feeds, self.config, self.store)
                self._wake_outbox.set()
                await ping_external_hubs(self.config, [source])
            if not result.ok:
                await self._back_off(source, result, scheduler)
            elif source.adaptive:
                await self.adaptive.after_poll(source, scheduler)
            listed = result.ok and not result.not_modified and not result.skipped
            await self._hubs.after_poll(source, result.hub, datetime.now(UTC), listed=listed)
            return result
        except asyncio.CancelledError:
            if not self._stop.is_set():
                raise
            # Our own shutdown cut it off (Poller logged ``poll.cancelled``): end the job
            # quietly, or APScheduler would log the cancellation as a failed job.
        except StoreError as exc:  # the feeds or the backoff could not be read/written
            log_event(log, logging.WARNING, "poll.after_failed",
                      f"{source.name}: {exc.message}", source=source.name,
                      error_code=exc.code)  # fmt: skip
        finally:
            self._polls.discard(task)
        return None

    async def _back_off(
        self, source: SourceBase, result: PollResult, scheduler: AsyncIOScheduler
    ) -> None:
        state = await offload(self.store.source_state, source.name)
        failures = state.consecutive_failures if state else 1
        delay = failure_backoff(failures, source.interval, result.retry_after)
        job = scheduler.get_job(f"poll:{source.name}")
        if job is not None:
            job.modify(next_run_time=datetime.now(UTC) + timedelta(seconds=delay))
        log_event(log, logging.INFO, "poll.backoff", f"{source.name}: next try in {delay:.0f} s",
                  source=source.name, retry_in_s=delay, error_code=result.error_code)  # fmt: skip

    async def _outbox_loop(self, client: httpx.AsyncClient) -> None:
        """One lane per destination; a poll that stored something wakes them all."""
        outbox = self.live.outbox = Outbox(
            self.store,
            self.config.destinations,
            client,
            policy=_policy(self.config),
            interval=self.config.service.outbox_interval,
            extra=_extra_lanes(self.config, self.store),
        )
        outbox.start()
        try:
            while not self._stop.is_set():
                await self._wake_outbox.wait()
                self._wake_outbox.clear()
                outbox.wake()
        finally:
            await outbox.stop(_OUTBOX_GRACE)

    def _server(self, on_push: Callable[[], None]) -> _Server:
        build = functools.partial(create_app, store=self.store, on_push=on_push)
        app = self.live.app = AppSlot(build, self.config)  # a reload swaps the app inside
        settings = uvicorn.Config(
            app,
            host=self.config.service.host,
            port=self.config.service.port,
            log_config=None,
            access_log=False,
            lifespan="off",
            server_header=False,  # no "server: uvicorn": nothing to fingerprint, one header less
        )
        return _Server(settings)
