"""The outbox rows: each claimed one at a time under a lease held by one owner.

A row is leased to one worker (``claimed_by``) until ``claimed_until``; every outcome is
fenced by that owner (``store.outcomes``), so a worker whose lease ran out and was taken
over cannot overwrite what the new owner records. Rows of one destination go out in id
order: while the oldest row waits for a retry, later rows wait behind it (rows merely held
for a better language, ``attempts == 0``, block nobody). ``claim_due`` leases the head row
of many destinations in one transaction, so 500 lanes woken together cost one commit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa

from syndicator.model import Delivery
from syndicator.store.outcomes import OutcomeRows
from syndicator.store.schema import deliveries, events, items
from syndicator.store.websub import PREFIX

__all__ = ["DeliveryRows"]

_COLUMNS = (
    deliveries,
    events.c.kind.label("event_kind"),
    items.c.release_id,
)
_OPEN = ("pending", "sending")
_RACES = 5  # SQLite: another worker may win a row between the pick and the claim


def _due(now: datetime) -> sa.ColumnElement[bool]:
    """Waiting and its time has come, or claimed by a worker whose lease ran out."""
    return sa.or_(
        sa.and_(deliveries.c.status == "pending", deliveries.c.next_attempt_at <= now),
        sa.and_(deliveries.c.status == "sending", deliveries.c.claimed_until <= now),
    )


def _in_order(now: datetime, *, inclusive: bool) -> sa.ColumnElement[bool]:
    """Rows up to their destination's first row waiting for a retry (head of line);
    correlated, so one statement serves many destinations."""
    waiting = deliveries.alias("waiting")
    first = (
        sa.select(sa.func.min(waiting.c.id))
        .where(
            waiting.c.destination == deliveries.c.destination,
            waiting.c.status == "pending",
            waiting.c.attempts > 0,
            waiting.c.next_attempt_at > now,
        )
        .scalar_subquery()
    )
    before = deliveries.c.id <= first if inclusive else deliveries.c.id < first
    return sa.or_(first.is_(None), before)


class DeliveryRows(OutcomeRows):
    engine: sa.Engine

    def claim_next(
        self, destination: str, *, owner: str, now: datetime, lease: float
    ) -> Delivery | None:
        """Lease the oldest due row of ``destination`` to ``owner`` until ``now + lease``.

        A row whose lease ran out (its worker died mid-send) is due again: at-least-once,
        with the same idempotency key. None when nothing of this destination is due.
        """
        return self.claim_due([destination], owner=owner, now=now, lease=lease).get(destination)

    def claim_due(
        self, destinations: Collection[str], *, owner: str, now: datetime, lease: float
    ) -> dict[str, Delivery]:
        """``claim_next`` for each of ``destinations`` in ONE transaction: the oldest due
        row of each, one row per destination, each with its own lease. Destinations with
        nothing due are absent."""
        wanted = set(destinations)
        claimed: dict[str, Delivery] = {}
        until = now + timedelta(seconds=lease)
        with self.engine.begin() as connection:
            for _race in range(_RACES):
                heads = (
                    sa.select(sa.func.min(deliveries.c.id))
                    .where(deliveries.c.destination.in_(sorted(wanted - set(claimed))), _due(now),
                           _in_order(now, inclusive=False))
                    .group_by(deliveries.c.destination)
                )  # fmt: skip
                ids = list(connection.execute(heads).scalars())
                if not ids:
                    break
                connection.execute(
                    deliveries.update()  # the pick again: a row another worker won stays
                    .where(deliveries.c.id.in_(ids), _due(now), _in_order(now, inclusive=False))
                    .values(status="sending", claimed_until=until, claimed_by=owner,
                            updated_at=now)
                )  # fmt: skip
                won = self._joined().where(
                    deliveries.c.id.in_(ids),
                    deliveries.c.claimed_by == owner,
                    deliveries.c.claimed_until == until,
                    deliveries.c.status == "sending",
                )
                rows = [_delivery(row) for row in connection.execute(won)]
                claimed |= {row.destination: row for row in rows}
                if len(rows) == len(ids):
                    break
        return claimed

    def next_due(self, destination: str, now: datetime) -> datetime | None:
        """When ``claim_next`` may next find something for ``destination`` (None: nothing
        open). Respects the head of line, so a blocked lane sleeps until its head is due."""
        return self.next_due_many([destination], now).get(destination)

    def next_due_many(
        self, destinations: Collection[str], now: datetime
    ) -> dict[str, datetime | None]:
        """``next_due`` of each of ``destinations`` in one query."""
        due = sa.case(
            (deliveries.c.status == "pending", deliveries.c.next_attempt_at),
            else_=deliveries.c.claimed_until,
        )
        query = (
            sa.select(deliveries.c.destination, sa.func.min(due))
            .where(
                deliveries.c.destination.in_(sorted(set(destinations))),
                deliveries.c.status.in_(_OPEN),
                _in_order(now, inclusive=True),
            )
            .group_by(deliveries.c.destination)
        )
        with self.engine.connect() as connection:
            found = {str(row[0]): row[1] for row in connection.execute(query)}
        return {name: found.get(name) for name in destinations}

    def fail_unrouted(self, routed: Collection[str], *, now: datetime) -> dict[str, int]:
        """Dead-letter due rows of destinations not in ``routed`` (removed or disabled);
        returns how many per destination."""
        pick = sa.select(deliveries.c.id, deliveries.c.destination).where(
            _due(now),
            deliveries.c.destination.not_in(list(routed)),
            sa.not_(deliveries.c.destination.startswith(PREFIX)),  # WebSub: their own lane
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

    def failed_delivery_ids(self) -> list[int]:
        """Every dead letter's id, oldest first (``deliveries retry --all-failed`` in steps)."""
        query = sa.select(deliveries.c.id).where(deliveries.c.status == "failed")
        with self.engine.connect() as connection:
            return list(connection.scalars(query.order_by(deliveries.c.id)))

    def retry_deliveries(
        self, ids: Sequence[int] | None, now: datetime, destination: str | None = None
    ) -> int:
        """Put failed rows (all of them when ``ids`` is None; only ``destination``'s when
        given) back in the queue."""
        query = deliveries.update().where(deliveries.c.status == "failed")
        if ids is not None:
            query = query.where(deliveries.c.id.in_(list(ids)))
        if destination is not None:
            query = query.where(deliveries.c.destination == destination)
        with self.engine.begin() as connection:
            result = connection.execute(
                query.values(status="pending", attempts=0, next_attempt_at=now, updated_at=now)
            )
        return int(result.rowcount)

    def destination_counts(self) -> dict[str, dict[str, int]]:
        """Rows per destination and status, counted in the store (no cap)."""
        query = sa.select(deliveries.c.destination, deliveries.c.status, sa.func.count()).group_by(
            deliveries.c.destination, deliveries.c.status
        )
        counts: dict[str, dict[str, int]] = {}
        with self.engine.connect() as connection:
            for destination, status, count in connection.execute(query):
                counts.setdefault(destination, {})[status] = int(count)
        return counts

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
