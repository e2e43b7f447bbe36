"""What adaptive polling reads and keeps: when a source's releases were first seen, and the
interval it decided on (in the source's ``source_state`` row, which the status page reads)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from syndicator.rhythm import Decision
from syndicator.store.schema import items, source_state

__all__ = ["RhythmRows", "decision_of"]


class RhythmRows:
    engine: sa.Engine

    def first_seen_times(self, source: str, since: datetime) -> list[datetime]:
        """When each release of ``source`` first seen after ``since`` was first seen, oldest
        first. A release is counted once, at its first language version (of this source):
        the Swedish page of a release seen in Finnish yesterday is no new release today."""
        fresh = sa.select(items.c.release_id).where(
            items.c.source == source, items.c.first_seen > since
        )
        seen = sa.func.min(items.c.first_seen).label("seen")
        query = (
            sa.select(seen)
            .where(items.c.source == source, items.c.release_id.in_(fresh))
            .group_by(items.c.release_id)
            .having(seen > since)
            .order_by(seen)
        )
        with self.engine.connect() as connection:
            return list(connection.execute(query).scalars())

    def record_rhythm(self, name: str, decision: Decision, next_poll_at: datetime) -> None:
        """Keep the source's current interval and why; no row yet (never polled): nothing."""
        values = dict(poll_interval=decision.interval, poll_slot=decision.slot,
                      poll_share=decision.share, poll_seen=decision.seen,
                      next_poll_at=next_poll_at)  # fmt: skip
        with self.engine.begin() as connection:
            connection.execute(
                source_state.update().where(source_state.c.name == name).values(**values)
            )


def decision_of(values: Mapping[Any, Any]) -> Decision | None:
    """The stored Decision of a ``source_state`` row, None before adaptive polling set one."""
    interval, slot = values["poll_interval"], values["poll_slot"]
    if not isinstance(interval, float):
        return None
    share, seen = values["poll_share"], values["poll_seen"]
    return Decision(
        interval,
        slot if isinstance(slot, int) else None,
        share if isinstance(share, float) else 0.0,
        seen if isinstance(seen, float) else 0.0,
    )
