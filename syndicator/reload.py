"""Live reload: ``SIGHUP`` (or ``syndicator reload``) makes a running worker re-read feeds.toml.

The file is validated like ``check-config``; a broken one is refused (one
``config.reload_refused`` line per problem) and the running config stays. Otherwise
``diff_configs`` compares it with the running one and ``Reloader`` applies the difference
in place: poll jobs are added, removed (a poll in progress finishes) or given the new
source; the outbox's lanes follow the destinations (rows of a removed one are
dead-lettered as ``fail_unrouted`` does); the web app is rebuilt on the new config. The
store, leases, fetcher, parse pool and delivery client stay, so settings they were built
from (``RESTART_ONLY``) keep their old values and are named as "needs a restart".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger
from starlette.types import ASGIApp, Receive, Scope, Send

from syndicator.config import Config, load_config
from syndicator.configbase import SourceBase
from syndicator.deliver.outbox import Outbox
from syndicator.errors import ConfigError
from syndicator.hubs.pushes import PushedPolls
from syndicator.hubs.subscriber import SourceHubs
from syndicator.logs import log_event
from syndicator.poller import Poller

__all__ = [
    "RESTART_ONLY",
    "AppSlot",
    "ConfigDiff",
    "Reloader",
    "diff_configs",
    "effective_config",
    "schedule_poll",
]

log = logging.getLogger("syndicator.reload")

# What the worker built once at start: the store, the web port, the fetcher (``http``), the
# parse pool, the poll lanes, the delivery client and retry policy, the WebSub outbox lane.
RESTART_ONLY = {
    "service": (
        "database_url", "host", "port", "log_level", "poll_concurrency", "parse_workers",
        "parse_timeout", "parse_memory_mb", "delivery_lease", "retry_base", "retry_max",
        "outbox_interval",
    ),
    "http": None,  # the whole section
    "websub": ("enabled",),
}  # fmt: skip
_LIVE_SECTIONS = ("service", "feeds", "websub", "web")


@dataclass(frozen=True, slots=True)
class Changes:
    """Names added, removed and changed in one section (sources or destinations)."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def __str__(self) -> str:
        return " ".join(
            [f"+{n}" for n in self.added]
            + [f"-{n}" for n in self.removed]
            + [f"~{n}" for n in self.changed]
        )


@dataclass(frozen=True, slots=True)
class ConfigDiff:
    sources: Changes = Changes()
    destinations: Changes = Changes()
    settings: tuple[str, ...] = ()  # live sections whose other settings changed
    restart: tuple[str, ...] = ()  # changed keys that keep their old value until a restart

    def summary(self) -> str:
        """ "sources +a -b ~c; destinations +x; settings feeds; needs a restart: http"."""
        sections = (("sources", self.sources), ("destinations", self.destinations))
        parts = [f"{name} {changes}" for name, changes in sections if changes]
        if self.settings:
            parts.append("settings " + ", ".join(self.settings))
        if self.restart:
            parts.append("needs a restart: " + ", ".join(self.restart))
        return "; ".join(parts) or "nothing changed"


def _changes(old: Sequence[Any], new: Sequence[Any]) -> Changes:
    before, after = {e.name: e for e in old}, {e.name: e for e in new}
    return Changes(
        added=tuple(n for n in after if n not in before),
        removed=tuple(n for n in before if n not in after),
        changed=tuple(n for n in after if n in before and after[n] != before[n]),
    )


def _restart_keys(old: Config, new: Config) -> list[str]:
    keys = []
    for section, names in RESTART_ONLY.items():
        was, now = getattr(old, section), getattr(new, section)
        if names is None:
            keys += [section] if was != now else []
        else:
            keys += [f"{section}.{n}" for n in names if getattr(was, n) != getattr(now, n)]
    return keys


def effective_config(old: Config, new: Config) -> Config:
    """PURE. ``new`` with every ``RESTART_ONLY`` setting kept as in ``old``."""
    update: dict[str, Any] = {}
    for section, names in RESTART_ONLY.items():
        if names is None:
            update[section] = getattr(old, section)
        else:
            kept = {n: getattr(getattr(old, section), n) for n in names}
            update[section] = getattr(new, section).model_copy(update=kept)
    return new.model_copy(update=update)


def diff_configs(old: Config, new: Config) -> ConfigDiff:
    """PURE. What a reload from ``old`` to ``new`` changes, and what it cannot."""
    live = effective_config(old, new)
    return ConfigDiff(
        sources=_changes(old.sources, new.sources),
        destinations=_changes(old.destinations, new.destinations),
        settings=tuple(s for s in _LIVE_SECTIONS if getattr(old, s) != getattr(live, s)),
        restart=tuple(_restart_keys(old, new)),
    )


PollJob = Callable[[SourceBase, Poller, BaseScheduler], Awaitable[Any]]


def schedule_poll(
    scheduler: BaseScheduler, poll: PollJob, source: SourceBase, poller: Poller, at: datetime
) -> None:
    """The job ``poll:<name>`` polling ``source`` every interval, first at ``at``."""
    scheduler.add_job(poll, _trigger(source), args=(source, poller, scheduler),
                      id=f"poll:{source.name}", max_instances=1, coalesce=True,
                      misfire_grace_time=None, next_run_time=at)  # fmt: skip


def _trigger(source: SourceBase) -> IntervalTrigger:
    return IntervalTrigger(seconds=source.interval, jitter=source.jitter or None)


class AppSlot:
    """The ASGI app uvicorn serves, swapped for one built on the new config by a reload
    (requests under way finish on the old one)."""

    def __init__(self, build: Callable[[Config], ASGIApp], config: Config) -> None:
        self.build = build
        self.app = build(config)

    def rebuild(self, config: Config) -> None:
        self.app = self.build(config)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


class Holder(Protocol):
    config: Config


@dataclass
class Reloader:
    """Re-reads ``path`` and applies it to the running parts the worker attached."""

    path: Path | None  # None: a config built in code (``demo``), nothing to re-read
    worker: Holder
    poll: PollJob
    scheduler: BaseScheduler | None = None
    poller: Poller | None = None
    hubs: SourceHubs | None = None
    pushes: PushedPolls | None = None
    outbox: Outbox | None = None
    app: AppSlot | None = None
    _tasks: set[asyncio.Task[ConfigDiff | None]] = field(default_factory=set)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def request(self) -> None:
        """The SIGHUP handler: reload soon, one reload at a time."""
        task = asyncio.get_running_loop().create_task(self.reload())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def reload(self) -> ConfigDiff | None:
        """Apply the file; None when it was refused."""
        async with self._lock:
            try:
                if self.path is None:
                    raise ConfigError("this worker was not started from a config file")
                new = await asyncio.to_thread(load_config, self.path)
            except ConfigError as exc:
                for problem in exc.problems:
                    log_event(log, logging.ERROR, "config.reload_refused", problem,
                              path=str(self.path or ""), error_code=exc.code)  # fmt: skip
                return None
            old = self.worker.config
            diff = diff_configs(old, new)
            await self._apply(old, effective_config(old, new), diff)
            log_event(log, logging.INFO, "config.reloaded", diff.summary(), path=str(self.path))
            return diff

    async def _apply(self, old: Config, new: Config, diff: ConfigDiff) -> None:
        self.worker.config = new
        if self.poller is not None:
            self.poller.config = new  # the deadline, destinations and topics of the next poll
        if self.hubs is not None:
            self.hubs.config = new
        if self.pushes is not None:
            self.pushes.sources = {s.name: s for s in new.sources if s.enabled and s.websub}
        if self.scheduler is not None and self.poller is not None:
            self._reschedule(self.scheduler, self.poller, old, new)
        if self.outbox is not None and diff.destinations:
            await self.outbox.reconfigure(new.destinations)
        if self.app is not None:
            self.app.rebuild(new)

    def _reschedule(
        self, scheduler: BaseScheduler, poller: Poller, old: Config, new: Config
    ) -> None:
        before = {s.name: s for s in old.sources if s.enabled}
        after = {s.name: s for s in new.sources if s.enabled}
        now = datetime.now(UTC)
        for name in before.keys() - after.keys():
            scheduler.remove_job(f"poll:{name}")  # a poll under way runs to its end
        for index, name in enumerate(n for n in after if n not in before):
            at = now + timedelta(seconds=index * 0.1)  # as at start: the first poll now
            schedule_poll(scheduler, self.poll, after[name], poller, at)
        for name in before.keys() & after.keys():
            source, job = after[name], scheduler.get_job(f"poll:{name}")
            if job is None or source == before[name]:
                continue
            job.modify(args=(source, poller, scheduler))
            was = before[name]
            if (was.interval, was.jitter) != (source.interval, source.jitter):
                job.reschedule(_trigger(source))
        renew = scheduler.get_job("websub:renew")
        if renew is not None:
            renew.modify(args=(new.sources,))
