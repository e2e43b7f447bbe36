"""The outbox rows: claim what is due under a lease, record each outcome."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa

from syndicator.model import Delivery, Receipt
from syndicator.store.schema import deliveries, events, items

__all__ = ["DeliveryRows"]

_COLUMNS = (
    deliveries,
    events.c.kind.label("event_kind"),
    items.c.release_id,
)


class DeliveryRows:
    engine: sa.Engine

    def claim_due(self, now: datetime, *, limit: int = 100, lease: float = 120.0) -> list[Delivery]:
        """Mark due rows ``sending`` until ``now + lease`` and return them, oldest first.

        A row whose lease ran out (its worker was killed mid-send) is due again: at-least-once.
        """
        due = sa.or_(
            sa.and_(deliveries.c.status == "pending", deliveries.c.next_attempt_at <= now),
            sa.and_(deliveries.c.status == "sending", deliveries.c.claimed_until <= now),
        )
        select_ids = sa.select(deliveries.c.id).where(due).order_by(deliveries.c.id).limit(limit)
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                select_ids = select_ids.with_for_update(skip_locked=True)
            ids = [row.id for row in connection.execute(select_ids)]
            if not ids:
                return []
            connection.execute(
                deliveries.update()
                .where(deliveries.c.id.in_(ids))
                .values(
                    status="sending", claimed_until=now + timedelta(seconds=lease), updated_at=now
                )
            )
            rows = connection.execute(self._joined().where(deliveries.c.id.in_(ids))).all()
        return sorted((_delivery(row) for row in rows), key=lambda d: d.id)

    def mark_delivered(self, delivery_id: int, receipt: Receipt, now: datetime) -> None:
        self._update(
            delivery_id,
            status="delivered",
            remote_id=receipt.remote_id,
            attempts=deliveries.c.attempts + 1,
            last_error=None,
            last_error_code=None,
            claimed_until=None,
            updated_at=now,
        )

    def mark_retry(
        self,
        delivery_id: int,
        *,
        next_attempt_at: datetime,
        code: str,
        error: str,
        now: datetime,
    ) -> None:
        self._update(
            delivery_id,
            status="pending",
            attempts=deliveries.c.attempts + 1,
            next_attempt_at=next_attempt_at,
            last_error_code=code,
            last_error=error,
            claimed_until=None,
            updated_at=now,
        )

    def mark_failed(self, delivery_id: int, *, code: str, error: str, now: datetime) -> None:
        """Dead letter: kept for ``deliveries retry``, never retried by itself."""
        self._update(
            delivery_id,
            status="failed",
            attempts=deliveries.c.attempts + 1,
            last_error_code=code,
            last_error=error,
            claimed_until=None,
            updated_at=now,
        )

    def mark_skipped(self, delivery_id: int, *, reason: str, now: datetime) -> None:
        """Not sent on purpose (superseded by a preferred language); kept for the record."""
        self._update(
            delivery_id,
            status="skipped",
            last_error_code="delivery.superseded",
            last_error=reason,
            claimed_until=None,
            updated_at=now,
        )

    def release(
        self, delivery_ids: Sequence[int], *, next_attempt_at: datetime, now: datetime
    ) -> None:
        """Hand claimed rows back untried (their destination asked us to wait)."""
        if not delivery_ids:
            return
        with self.engine.begin() as connection:
            connection.execute(
                deliveries.update()
                .where(deliveries.c.id.in_(list(delivery_ids)))
                .values(
                    status="pending",
                    next_attempt_at=next_attempt_at,
                    claimed_until=None,
                    updated_at=now,
                )
            )

    def list_deliveries(self, status: str | None = None, limit: int = 200) -> list[Delivery]:
        query = self._joined().order_by(deliveries.c.id.desc()).limit(limit)
        if status is not None:
            query = query.where(deliveries.c.status == status)
        with self.engine.connect() as connection:
            return [_delivery(row) for row in connection.execute(query)]

    def retry_deliveries(self, ids: Sequence[int] | None, now: datetime) -> int:
        """Put failed rows (all of them when ``ids`` is None) back in the queue."""
        query = deliveries.update().where(deliveries.c.status == "failed")
        if ids is not None:
            query = query.where(deliveries.c.id.in_(list(ids)))
        with self.engine.begin() as connection:
            result = connection.execute(
                query.values(status="pending", attempts=0, next_attempt_at=now, updated_at=now)
            )
        return int(result.rowcount)

    def count_deliveries(self) -> dict[str, int]:
        query = sa.select(deliveries.c.status, sa.func.count()).group_by(deliveries.c.status)
        with self.engine.connect() as connection:
            return {row[0]: int(row[1]) for row in connection.execute(query)}

    def _joined(self) -> sa.Select[tuple[object, ...]]:
        return (
            sa.select(*_COLUMNS)
            .join(events, events.c.id == deliveries.c.event_id)
            .join(items, items.c.id == events.c.item_id)
        )

    def _update(self, delivery_id: int, **values: object) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                deliveries.update().where(deliveries.c.id == delivery_id).values(**values)
            )


def _delivery(row: sa.Row[tuple[object, ...]]) -> Delivery:
    mapping = row._mapping
    return Delivery(
        id=mapping["id"],
        event_id=mapping["event_id"],
        event=mapping["event_kind"],
        destination=mapping["destination"],
        release_id=mapping["release_id"],
        status=mapping["status"],
        attempts=mapping["attempts"],
        next_attempt_at=mapping["next_attempt_at"],
        last_error=mapping["last_error"],
        last_error_code=mapping["last_error_code"],
        remote_id=mapping["remote_id"],
        idempotency_key=mapping["idempotency_key"],
        created_at=mapping["created_at"],
    )
