"""Adaptive polling in the worker: each ``adaptive = true`` source is polled by its rhythm.

After every successful poll the source's ``rhythm.Rhythm`` learns the releases first seen
since it last looked (from the store, so releases another replica stored count too), and
``rhythm.next_interval`` moves the source's APScheduler job, as ``Worker._back_off`` does
for a failure; a failed poll never gets here, so the failure backoff keeps priority. The
Decision is kept in the source's ``source_state`` row (``Store.record_rhythm``), which the
status page reads, and a change is logged once as ``poll.interval``.

A source's rhythm is read from the store at its first successful poll (``HISTORY`` back),
not all at worker start: some 0.1 s of CPU per source, which would hold up every first poll.

Catch-up is not marked on an item, so it is recognised by its shape: a poll that stored
more than ``BURST_MAX`` releases (first-seen moments each within ``BURST_GAP`` of the last)
was a catch-up, a backfill or the first poll after an outage; those moments say when we
looked, not when the city publishes, and would fake a peak. They are left out.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.base import BaseScheduler

from syndicator.configbase import SourceBase
from syndicator.logs import log_event
from syndicator.offload import offload
from syndicator.rhythm import HALF_LIFE, Decision, Rhythm, next_interval
from syndicator.store import Store

__all__ = ["BURST_GAP", "BURST_MAX", "HISTORY", "AdaptivePolling", "drop_bursts"]

log = logging.getLogger("syndicator.adaptive")

HISTORY = 6 * HALF_LIFE  # older releases weigh under 2 % of a fresh one
BURST_GAP = timedelta(seconds=90)  # one poll stores its releases seconds apart
BURST_MAX = 5  # releases one poll may find and still count: a city rarely publishes more at once
JITTER_SHARE = 0.1  # the jitter, at most this share of the interval: 2 min ± 60 s is no rhythm


def drop_bursts(moments: Sequence[datetime]) -> list[datetime]:
    """PURE. ``moments`` in order, without runs of more than ``BURST_MAX`` of them each within
    ``BURST_GAP`` of the one before (one poll's catch-up)."""
    ordered = sorted(moments)
    kept: list[datetime] = []
    run: list[datetime] = []
    for moment in [*ordered, None]:
        if moment is None or (run and moment - run[-1] > BURST_GAP):
            if len(run) <= BURST_MAX:
                kept.extend(run)
            run = []
        if moment is not None:
            run.append(moment)
    return kept


@dataclass(slots=True)
class _Track:
    rhythm: Rhythm
    read_to: datetime  # first-seen moments up to here are in ``rhythm`` (or were dropped)


def _learn(moments: Sequence[datetime], since: datetime) -> _Track:
    return _Track(Rhythm.learn(drop_bursts(moments)), max(moments, default=since))


class AdaptivePolling:
    """The rhythms of the worker's adaptive sources and their current Decisions."""

    def __init__(self, store: Store, clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self.store = store
        self.clock = clock
        # each source's last decision: a change is logged once (the store keeps it for status)
        self.decisions: dict[str, Decision] = {}
        self._tracks: dict[str, _Track] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def rhythm_of(self, name: str) -> Rhythm:
        """The source's rhythm with every release stored since it last looked."""
        # A push (``hubs.pushes``) may poll beside the scheduled poll: read each release once.
        async with self._locks.setdefault(name, asyncio.Lock()):
            track = self._tracks.get(name)
            if track is None:
                since = self.clock() - HISTORY
                moments = await offload(self.store.first_seen_times, name, since)
                track = self._tracks[name] = await offload(_learn, moments, since)
                return track.rhythm
            fresh = await offload(self.store.first_seen_times, name, track.read_to)
            if fresh:
                track.read_to = fresh[-1]
                for moment in drop_bursts(fresh):
                    track.rhythm = track.rhythm.observe(moment)
            return track.rhythm

    async def after_poll(self, source: SourceBase, scheduler: BaseScheduler) -> Decision:
        """Learn, decide and move the source's next poll (job ``poll:<name>``)."""
        rhythm = await self.rhythm_of(source.name)
        now = self.clock()
        decision = next_interval(rhythm, now, min_interval=source.min_interval,
                                 max_interval=source.max_interval,
                                 fallback=source.interval)  # fmt: skip
        jitter = random.uniform(0.0, min(source.jitter, decision.interval * JITTER_SHARE))
        next_at = now + timedelta(seconds=decision.interval + jitter)
        job = scheduler.get_job(f"poll:{source.name}")
        if job is not None:
            job.modify(next_run_time=next_at)
        await offload(self.store.record_rhythm, source.name, decision, next_at)
        previous = self.decisions.get(source.name)
        self.decisions[source.name] = decision
        if previous is None or _shown(previous) != _shown(decision):
            log_event(log, logging.INFO, "poll.interval",
                      f"{source.name}: polled every {_minutes(decision.interval)} "
                      f"({decision.reason})", source=source.name,
                      interval_s=round(decision.interval), reason=decision.reason)  # fmt: skip
        return decision


def _shown(decision: Decision) -> tuple[int, str]:
    # Whole minutes: near an hour's boundary the exact wait shrinks poll by poll.
    return round(decision.interval / 60), decision.reason


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 90 else f"{seconds:.0f} s"
