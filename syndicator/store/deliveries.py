"""The outbox rows: each claimed one at a time under a lease held by one owner.

A row is leased to one worker (``claimed_by``) until ``claimed_until``; every outcome is
fenced by that owner, so a worker whose lease ran out and was taken over cannot overwrite
what the new owner records. Rows of one destination go out in id order: while the oldest
row waits for a retry, later rows wait behind it (rows merely held for a better language,
``attempts == 0``, block nobody).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa

from syndicator.model import Delivery, Receipt
from syndicator.store.attempts import AttemptRecord, insert_attempt
from syndicator.store.schema import deliveries, events, items

__all__ = ["DeliveryRows"]

_COLUMNS = (
    deliveries,
    events.c.kind.label("event_kind"),
    items.c.release_id,
)
_OPEN = ("pending", "sending")


def _due(now: datetime) -> sa.ColumnElement[bool]:
    """Waiting and its time has come, or claimed by a worker whose lease ran out."""
    return sa.or_(
        sa.and_(deliveries.c.status == "pending", deliveries.c.next_attempt_at <= now),
        sa.and_(deliveries.c.status == "sending", deliveries.c.claimed_until <= now),
    )


def _in_order(destination: str, now: datetime, *, inclusive: bool) -> sa.ColumnElement[bool]:
    """Rows of ``destination`` up to its first row waiting for a retry (head of line)."""
    waiting = (
        sa.select(sa.func.min(deliveries.c.id))
        .where(
            deliveries.c.destination == destination,
            deliveries.c.status == "pending",
            deliveries.c.attempts > 0,
            deliveries.c.next_attempt_at > now,
        )
        .scalar_subquery()
    )
    before = deliveries.c.id <= waiting if inclusive else deliveries.c.id < waiting
    return sa.and_(deliveries.c.destination == destination, sa.or_(waiting.is_(None), before))


class DeliveryRows:
    engine: sa.Engine

    def claim_next(
        self, destination: str, *, owner: str, now: datetime, lease: float
    ) -> Delivery | None:
        """Lease the oldest due row of ``destination`` to ``owner`` until ``now + lease``.

        A row whose lease ran out (its worker died mid-send) is due again: at-least-once,
        with the same idempotency key. None when nothing of this destination is due.
        """
        pick = (
            sa.select(deliveries.c.id)
            .where(_in_order(destination, now, inclusive=False), _due(now))
            .order_by(deliveries.c.id)
            .limit(1)
        )
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                pick = pick.with_for_update(skip_locked=True)
            for _race in range(5):  # SQLite: another worker may win the row between the two
                row_id = connection.execute(pick).scalar()
                if row_id is None:
                    return None
                claim = (
                    deliveries.update()
                    .where(deliveries.c.id == row_id, _due(now))
                    .values(
                        status="sending",
                        claimed_until=now + timedelta(seconds=lease),
                        claimed_by=owner,
                        updated_at=now,
                    )
                )
                if connection.execute(claim).rowcount == 1:
                    row = connection.execute(self._joined().where(deliveries.c.id == row_id))
                    return _delivery(row.one())
        return None

    def next_due(self, destination: str, now: datetime) -> datetime | None:
        """When ``claim_next`` may next find something for ``destination`` (None: nothing
        open). Respects the head of line, so a blocked lane sleeps until its head is due."""
        in_order = _in_order(destination, now, inclusive=True)
        pending = sa.select(sa.func.min(deliveries.c.next_attempt_at)).where(
            in_order, deliveries.c.status == "pending"
        )
        sending = sa.select(sa.func.min(deliveries.c.claimed_until)).where(
            in_order, deliveries.c.status == "sending"
        )
        with self.engine.connect() as connection:
            times = [connection.execute(pending).scalar(), connection.execute(sending).scalar()]
        return min((time for time in times if time is not None), default=None)

    def fail_unrouted(self, routed: Collection[str], *, now: datetime) -> dict[str, int]:
        """Dead-letter due rows of destinations not in ``routed`` (removed or disabled);
        returns how many per destination."""
        pick = sa.select(deliveries.c.id, deliveries.c.destination).where(
            _due(now), deliveries.c.destination.not_in(list(routed))
        )
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                pick = pick.with_for_update(skip_locked=True)
            rows = connection.execute(pick).all()
            if rows:
                connection.execute(
                    deliveries.update()
                    .where(deliveries.c.id.in_([row.id for row in rows]), _due(now))
                    .values(
                        status="failed",
                        attempts=deliveries.c.attempts + 1,
                        last_error_code="delivery.unknown_destination",
                        last_error="destination is not configured (or disabled)",
                        claimed_until=None,
                        updated_at=now,
                    )
                )
        return dict(Counter(str(row.destination) for row in rows))

    def release_owned(self, owner: str, now: datetime) -> int:
        """Hand back every row ``owner`` still holds, due at once, attempts unchanged (a
        send cut off by shutdown did not fail; the idempotency key makes a repeat harmless)."""
        with self.engine.begin() as connection:
            result = connection.execute(
                deliveries.update()
                .where(deliveries.c.claimed_by == owner, deliveries.c.status == "sending")
                .values(
                    status="pending",
                    next_attempt_at=now,
                    claimed_until=None,
                    claimed_by=None,
                    updated_at=now,
                )
            )
        return int(result.rowcount)

    def count_pending(self) -> int:
        """Rows not yet settled (waiting or in flight): the outbox gauge."""
        query = sa.select(sa.func.count()).where(deliveries.c.status.in_(_OPEN))
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def mark_delivered(
        self,
        delivery_id: int,
        receipt: Receipt,
        now: datetime,
        *,
        owner: str,
        attempt: AttemptRecord | None = None,
    ) -> bool:
        """The remote confirmed. False when ``owner`` no longer holds the lease.
        ``attempt`` (here and in the other outcomes) joins the delivery's history."""
        return self._settle(
            delivery_id,
            owner,
            attempt,
            status="delivered",
            remote_id=receipt.remote_id,
            attempts=deliveries.c.attempts + 1,
            last_error=None,
            last_error_code=None,
            updated_at=now,
        )

    def mark_retry(
        self,
        delivery_id: int,
        *,
        owner: str,
        next_attempt_at: datetime,
        code: str,
        error: str,
        now: datetime,
        attempt: AttemptRecord | None = None,
    ) -> bool:
        return self._settle(
            delivery_id,
            owner,
            attempt,
            status="pending",
            attempts=deliveries.c.attempts + 1,
            next_attempt_at=next_attempt_at,
            last_error_code=code,
            last_error=error,
            claimed_by=None,
            updated_at=now,
        )

    def mark_failed(
        self,
        delivery_id: int,
        *,
        owner: str,
        code: str,
        error: str,
        now: datetime,
        attempt: AttemptRecord | None = None,
    ) -> bool:
        """Dead letter: kept for ``deliveries retry``, never retried by itself."""
        return self._settle(
            delivery_id,
            owner,
            attempt,
            status="failed",
            attempts=deliveries.c.attempts + 1,
            last_error_code=code,
            last_error=error,
            updated_at=now,
        )

    def mark_skipped(
        self,
        delivery_id: int,
        *,
        owner: str,
        reason: str,
        now: datetime,
        code: str = "delivery.superseded",
    ) -> bool:
        """Not sent on purpose (superseded by a preferred language, an update the destination
        ignores, a withdrawal it cannot make); ``code`` says which. Kept for the record."""
        return self._settle(
            delivery_id,
            owner,
            None,
            status="skipped",
            last_error_code=code,
            last_error=reason,
            updated_at=now,
        )

    def list_deliveries(
        self, status: str | None = None, limit: int = 200, ids: Sequence[int] | None = None
    ) -> list[Delivery]:
        query = self._joined().order_by(deliveries.c.id.desc()).limit(limit)
        if status is not None:
            query = query.where(deliveries.c.status == status)
        if ids is not None:
            query = query.where(deliveries.c.id.in_(list(ids)))
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

    def _settle(
        self, delivery_id: int, owner: str, attempt: AttemptRecord | None, **values: object
    ) -> bool:
        """Record an outcome (and the attempt, in the same transaction), only while
        ``owner`` still holds the row's lease."""
        with self.engine.begin() as connection:
            result = connection.execute(
                deliveries.update()
                .where(
                    deliveries.c.id == delivery_id,
                    deliveries.c.claimed_by == owner,
                    deliveries.c.status == "sending",
                )
                .values(claimed_until=None, **values)
            )
            if result.rowcount == 1 and attempt is not None:
                insert_attempt(connection, delivery_id, attempt)
        return result.rowcount == 1


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
