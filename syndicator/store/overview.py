"""What ``syndicator status`` reads beyond the status page: poll leases and holds, each
destination's queue in depth (retrying rows, the oldest waiting one) and the store's size.

Each method is one read; the counts walk indexes (``ix_deliveries_lane`` per destination) or
whole tables once, which a command run by hand or by cron every few minutes can afford.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from syndicator.store.schema import deliveries, events, items, releases, source_state, versions

__all__ = ["OverviewRows", "PollHold", "QueueDepth", "StoreSize"]

_OPEN = ("pending", "sending")


@dataclass(frozen=True, slots=True)
class PollHold:
    """A source's poll lease: held by ``owner`` (a poll in flight) until ``until``, or with no
    owner a hold no poller may pass before ``until`` (a poll cut off half-way)."""

    owner: str | None
    until: datetime | None


@dataclass(frozen=True, slots=True)
class QueueDepth:
    """One destination's unsettled rows: those that failed at least once and wait for their
    retry, and when the oldest unsettled row (waiting or in flight) was queued."""

    retrying: int
    oldest_open_at: datetime | None


@dataclass(frozen=True, slots=True)
class StoreSize:
    releases: int
    items: int
    versions: int
    events: int
    deliveries: int


class OverviewRows:
    engine: sa.Engine

    def poll_holds(self) -> dict[str, PollHold]:
        """Every source's lease or hold, by name (sources never leased are absent)."""
        state = source_state.c
        query = sa.select(state.name, state.poll_owner, state.poll_until).where(
            state.poll_until.is_not(None)
        )
        with self.engine.connect() as connection:
            return {
                row.name: PollHold(row.poll_owner, row.poll_until)
                for row in connection.execute(query)
            }

    def queue_depths(self) -> dict[str, QueueDepth]:
        """Per destination with unsettled rows: how many retry, and the oldest one's time."""
        retrying = sa.func.sum(
            sa.case(
                (sa.and_(deliveries.c.status == "pending", deliveries.c.attempts > 0), 1), else_=0
            )
        )
        query = (
            sa.select(deliveries.c.destination, retrying, sa.func.min(deliveries.c.created_at))
            .where(deliveries.c.status.in_(_OPEN))
            .group_by(deliveries.c.destination)
        )
        with self.engine.connect() as connection:
            return {
                destination: QueueDepth(int(count or 0), _aware(oldest))
                for destination, count, oldest in connection.execute(query)
            }

    def store_size(self) -> StoreSize:
        counts = [
            sa.select(sa.func.count()).select_from(table).scalar_subquery()
            for table in (releases, items, versions, events, deliveries)
        ]
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(*counts)).one()
        return StoreSize(*(int(value or 0) for value in row))


def _aware(value: object) -> datetime | None:
    """min() of a date column: SQLite hands back text without a zone (stored as UTC)."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(moment, datetime)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
