"""What ops see about the running service, gathered once for the ``/status`` page and for
``syndicator status``: each source's last poll, result, degradation and next poll; each
destination's queue; the store's size; and which of it counts as a problem.

Rows come from the store's records (``source_states``, ``destination_counts``) joined with the
configuration: configured sources never polled show as such, stored sources no longer
configured show as not configured and never count as a problem.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

import sqlalchemy as sa

from syndicator.config import Config
from syndicator.configbase import SourceBase
from syndicator.model import SourceState

if TYPE_CHECKING:
    from syndicator.store import PollHold, QueueDepth, Store, StoreSize

__all__ = [
    "DestinationStatus",
    "Overview",
    "SourceStatus",
    "destination_statuses",
    "gather",
    "next_poll",
    "problems",
    "source_statuses",
]

# Where a next poll time comes from: the store's lease ("polling": in flight until then) or
# hold ("held"), else an estimate as the worker schedules it: an interval after the last poll
# ("interval") or the failure backoff after a failed one ("backoff"; a Retry-After the worker
# honoured is not stored, so it may come later).
Basis = Literal["polling", "held", "interval", "backoff", "adaptive"]


@dataclass(frozen=True, slots=True)
class SourceStatus:
    state: SourceState
    configured: bool
    next_poll: datetime | None
    basis: Basis | None


@dataclass(frozen=True, slots=True)
class DestinationStatus:
    name: str
    configured: bool
    pending: int  # waiting to be sent (status pending)
    dead_letters: int  # given up on (status failed): only ``deliveries retry`` sends them
    retrying: int | None = None  # of the pending, those that failed and wait for a retry
    oldest_pending_at: datetime | None = None  # the oldest row waiting or in flight


@dataclass(frozen=True, slots=True)
class Overview:
    """Everything ``syndicator status`` prints, read at ``now``."""

    now: datetime
    sources: list[SourceStatus]
    destinations: list[DestinationStatus]
    size: StoreSize
    database: str  # the dialect: "sqlite" or "postgresql"
    file_bytes: int | None  # the SQLite file with its write-ahead log; None elsewhere


def next_poll(state: SourceState, source: SourceBase | None) -> datetime | None:
    """PURE. When the worker polls ``state``'s source next: an interval after the last poll,
    or the failure backoff after a failed one; None before the first poll or for a source
    no longer configured."""
    return _estimate(state, source)[0]


def source_statuses(
    config: Config, states: Sequence[SourceState], holds: Mapping[str, PollHold] | None = None,
    now: datetime | None = None,
) -> list[SourceStatus]:  # fmt: skip
    """PURE. One row per stored source, then the configured ones never polled, by name.
    ``holds`` and ``now``: the store's leases override the estimate while they last."""
    sources = {source.name: source for source in config.sources}
    stored = {state.name: state for state in states}
    rows = [*states, *(SourceState(name) for name in sources if name not in stored)]
    result = []
    for state in sorted(rows, key=lambda s: s.name):
        source = sources.get(state.name)
        when, basis = _estimate(state, source)
        hold = (holds or {}).get(state.name)
        if (
            source
            and hold
            and hold.until
            and now
            and hold.until > now
            and (when is None or hold.until > when)
        ):
            when, basis = hold.until, "polling" if hold.owner else "held"
        result.append(SourceStatus(state, source is not None, when, basis))
    return result


def destination_statuses(
    config: Config,
    counts: Mapping[str, Mapping[str, int]],
    depths: Mapping[str, QueueDepth] | None = None,
) -> list[DestinationStatus]:
    """PURE. The configured destinations in their order, then any others with rows waiting or
    dead (a destination removed from feeds.toml), by name. Without ``depths``, the status
    page's view: no retrying count and no oldest row."""
    configured = [d.name for d in config.destinations]
    unsettled = {n for n, c in counts.items() if c.get("pending") or c.get("failed")}
    rows = []
    for name in dict.fromkeys([*configured, *sorted(unsettled)]):
        by_status = counts.get(name, {})
        depth = (depths or {}).get(name)
        rows.append(
            DestinationStatus(
                name, name in configured, by_status.get("pending", 0), by_status.get("failed", 0),
                None if depths is None else (depth.retrying if depth else 0),
                depth.oldest_open_at if depth else None,
            )
        )  # fmt: skip
    return rows


def gather(config: Config, store: Store, now: datetime) -> Overview:
    """Read it all from ``store`` (a handful of queries)."""
    return Overview(
        now,
        source_statuses(config, store.source_states(), store.poll_holds(), now),
        destination_statuses(config, store.destination_counts(), store.queue_depths()),
        store.store_size(),
        store.engine.dialect.name,
        _file_bytes(store.engine.url),
    )


def problems(overview: Overview) -> list[tuple[str, str, str]]:
    """What makes ``syndicator status`` exit 1, as (kind, name, code): a configured source
    whose last poll failed (``source.failing``) or whose selectors look broken
    (``source.degraded``), and a destination with dead letters (``destination.dead_letters``).
    Sources never polled, pending rows and retries in progress are not problems."""
    found = []
    for row in overview.sources:
        if not row.configured:
            continue
        if row.state.last_error_code:
            found.append(("source.failing", row.state.name, row.state.last_error_code))
        if row.state.degraded:
            found.append(("source.degraded", row.state.name, row.state.degraded))
    found += [
        ("destination.dead_letters", row.name, str(row.dead_letters))
        for row in overview.destinations
        if row.dead_letters
    ]
    return found


def _estimate(
    state: SourceState, source: SourceBase | None
) -> tuple[datetime | None, Basis | None]:
    # Imported here: the scheduler serves the web app, so a module-level import is a cycle.
    from syndicator.scheduler import failure_backoff

    if state.last_poll_at is None or source is None:
        return None, None
    if state.consecutive_failures:
        delay = failure_backoff(state.consecutive_failures, source.interval, None)
        return state.last_poll_at + timedelta(seconds=delay), "backoff"
    if source.adaptive and state.next_poll_at is not None:
        return state.next_poll_at, "adaptive"  # as the worker set it (``adaptive``)
    return state.last_poll_at + timedelta(seconds=source.interval), "interval"


def _file_bytes(url: sa.URL) -> int | None:
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    paths = [url.database, f"{url.database}-wal"]
    return sum(os.path.getsize(path) for path in paths if os.path.exists(path))
