"""Delivery history: every attempt of a delivery, and the outbox as ``deliveries`` shows it.

An attempt row is written in the same transaction that records the delivery's outcome
(``OutcomeRows.settle`` calls ``insert_attempt``), so the history never claims an outcome
the outbox did not record. Numbers count on across ``deliveries retry``, which resets the
row's ``attempts`` but not its history.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from syndicator.store.schema import deliveries, delivery_attempts, events, items, versions

__all__ = ["AttemptRecord", "AttemptRows", "ReleaseLabel", "insert_attempt"]


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """One try to deliver: when, how it ended, what was sent (``payload``: JSON, masked)."""

    started_at: datetime
    finished_at: datetime
    outcome: str  # delivered | retry | failed
    status_code: int | None = None
    error_code: str | None = None
    error: str | None = None
    payload: str | None = None
    number: int = 0  # set by the store: 1, 2, … per delivery


@dataclass(frozen=True, slots=True)
class ReleaseLabel:
    """What a person recognises a delivery's release by."""

    title: str
    lang: str | None
    url: str


def insert_attempt(connection: sa.Connection, delivery_id: int, record: AttemptRecord) -> None:
    """Add ``record`` as the delivery's next attempt (inside the caller's transaction)."""
    number = (
        sa.select(sa.func.coalesce(sa.func.max(delivery_attempts.c.number), 0) + 1)
        .where(delivery_attempts.c.delivery_id == delivery_id)
        .scalar_subquery()
    )
    connection.execute(
        delivery_attempts.insert().values(
            delivery_id=delivery_id,
            number=number,
            started_at=record.started_at,
            finished_at=record.finished_at,
            outcome=record.outcome,
            status_code=record.status_code,
            error_code=record.error_code,
            error=record.error,
            payload=record.payload,
        )
    )


class AttemptRows:
    engine: sa.Engine

    def attempts_of(self, delivery_id: int) -> list[AttemptRecord]:
        """The delivery's history, oldest first."""
        query = (
            sa.select(delivery_attempts)
            .where(delivery_attempts.c.delivery_id == delivery_id)
            .order_by(delivery_attempts.c.number)
        )
        with self.engine.connect() as connection:
            return [_record(row) for row in connection.execute(query)]

    def attempt_counts(self, delivery_ids: Collection[int]) -> dict[int, int]:
        """How many attempts each delivery's history holds (absent: none)."""
        query = (
            sa.select(delivery_attempts.c.delivery_id, sa.func.count())
            .where(delivery_attempts.c.delivery_id.in_(list(delivery_ids)))
            .group_by(delivery_attempts.c.delivery_id)
        )
        with self.engine.connect() as connection:
            return {int(row[0]): int(row[1]) for row in connection.execute(query)}

    def release_labels(self, event_ids: Collection[int]) -> dict[int, ReleaseLabel]:
        """Per event: the title, language and URL of the item version it announced."""
        query = (
            sa.select(events.c.id, items.c.lang, items.c.url, versions.c.article)
            .join(items, items.c.id == events.c.item_id)
            .join(versions, versions.c.id == events.c.version_id)
            .where(events.c.id.in_(list(event_ids)))
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return {int(row.id): ReleaseLabel(_title(row.article), row.lang, row.url) for row in rows}

    def latest_event_of(self, item_id: int) -> int | None:
        """The item's newest event (a preview renders the release as it is now)."""
        query = sa.select(sa.func.max(events.c.id)).where(events.c.item_id == item_id)
        with self.engine.connect() as connection:
            found = connection.execute(query).scalar()
        return int(found) if found is not None else None

    def delivery_of_event(self, event_id: int, destination: str) -> int | None:
        """The id of ``event``'s delivery to ``destination``, if it was routed there."""
        query = sa.select(deliveries.c.id).where(
            deliveries.c.event_id == event_id, deliveries.c.destination == destination
        )
        with self.engine.connect() as connection:
            found = connection.execute(query).scalar()
        return int(found) if found is not None else None


def _record(row: sa.Row[tuple[object, ...]]) -> AttemptRecord:
    values = row._mapping
    return AttemptRecord(
        number=values["number"],
        started_at=values["started_at"],
        finished_at=values["finished_at"],
        outcome=values["outcome"],
        status_code=values["status_code"],
        error_code=values["error_code"],
        error=values["error"],
        payload=values["payload"],
    )


def _title(article: object) -> str:
    title = article.get("title") if isinstance(article, dict) else None
    return title if isinstance(title, str) else ""
