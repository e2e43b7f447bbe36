"""WebSub subscriptions to our feeds, and the outbox rows that carry their distributions.

A subscription is a row only once its subscriber confirmed the intent (``web/websub.py``);
renewing it (the same callback and topic) keeps its id and takes the new lease and secret.
Each active subscription whose topic is one of the documents an item appears in (the
caller names them: ``publish.topics.topics_of``) gets an outbox row named ``websub:<id>``
for every event of that item, written in the event's own transaction (``subscriber_rows``).
Rows of a subscription that expired or was cancelled are skipped
(``end_subscriptions``), never sent and never dead letters.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from syndicator.store.schema import deliveries, websub_subscriptions

__all__ = ["ENDED_CODE", "PREFIX", "Subscription", "WebSubRows", "subscriber_rows"]

PREFIX = "websub:"  # outbox destination names of subscriptions: websub:<id>
ENDED_CODE = "websub.subscription_ended"


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    callback: str
    topic: str
    lang: str | None
    secret: str | None
    lease_seconds: int
    expires_at: datetime

    @property
    def destination(self) -> str:
        return f"{PREFIX}{self.id}"


def subscriber_rows(
    connection: sa.Connection, topics: Collection[str], now: datetime
) -> list[tuple[str, float]]:
    """``(destination, hold)`` of each subscription live at ``now`` to one of ``topics``
    (the documents that hold the item): its event's outbox rows, in the event's transaction."""
    if not topics:
        return []
    query = sa.select(websub_subscriptions.c.id).where(
        websub_subscriptions.c.expires_at > now,
        websub_subscriptions.c.topic.in_(sorted(set(topics))),
    )
    return [(f"{PREFIX}{row.id}", 0.0) for row in connection.execute(query)]


class WebSubRows:
    engine: sa.Engine

    def subscribe(
        self,
        callback: str,
        topic: str,
        *,
        lang: str | None,
        secret: str | None,
        lease_seconds: int,
        now: datetime,
    ) -> Subscription:
        """Create or renew the subscription of ``callback`` to ``topic``."""
        table = websub_subscriptions
        values = {
            "lang": lang,
            "secret": secret,
            "lease_seconds": lease_seconds,
            "expires_at": now + timedelta(seconds=lease_seconds),
            "updated_at": now,
        }
        mine = sa.and_(table.c.callback == callback, table.c.topic == topic)
        with self.engine.begin() as connection:
            renewed = connection.execute(table.update().where(mine).values(**values))
            if renewed.rowcount == 0:
                connection.execute(
                    table.insert().values(callback=callback, topic=topic, created_at=now, **values)
                )
            row = connection.execute(sa.select(table).where(mine)).one()
        return _subscription(row)

    def unsubscribe(self, callback: str, topic: str) -> bool:
        """Cancel it; True when there was one. Its waiting rows end at the next cleanup."""
        table = websub_subscriptions
        with self.engine.begin() as connection:
            gone = connection.execute(
                table.delete().where(table.c.callback == callback, table.c.topic == topic)
            )
        return bool(gone.rowcount)

    def active_subscriptions(self, now: datetime) -> list[Subscription]:
        query = (
            sa.select(websub_subscriptions)
            .where(websub_subscriptions.c.expires_at > now)
            .order_by(websub_subscriptions.c.id)
        )
        with self.engine.connect() as connection:
            return [_subscription(row) for row in connection.execute(query)]

    def waiting_rows(self, destinations: Collection[str]) -> dict[str, list[int]]:
        """The ids of the pending rows of each of ``destinations`` (committed, so the
        events they carry are in any feed rendered after this read)."""
        query = sa.select(deliveries.c.id, deliveries.c.destination).where(
            deliveries.c.destination.in_(sorted(set(destinations))),
            deliveries.c.status == "pending",
        )
        found: dict[str, list[int]] = {}
        with self.engine.connect() as connection:
            for row in connection.execute(query.order_by(deliveries.c.id)):
                found.setdefault(str(row.destination), []).append(int(row.id))
        return found

    def cover_rows(self, ids: Collection[int], remote_id: str | None, now: datetime) -> int:
        """Rows whose content a confirmed distribution already carried (the whole feed, read
        after them): delivered, without a request of their own. Only those still pending."""
        if not ids:
            return 0
        with self.engine.begin() as connection:
            covered = connection.execute(
                deliveries.update()
                .where(deliveries.c.id.in_(sorted(ids)), deliveries.c.status == "pending")
                .values(status="delivered", remote_id=remote_id, last_error_code=None,
                        last_error=None, claimed_until=None, claimed_by=None, updated_at=now)
            )  # fmt: skip
        return int(covered.rowcount)

    def end_subscriptions(self, now: datetime) -> tuple[int, int]:
        """Delete subscriptions whose lease ran out; skip the waiting outbox rows (and those
        of a lease that ran out) of every subscription that no longer exists.
        Returns (subscriptions ended, rows skipped)."""
        table = websub_subscriptions
        with self.engine.begin() as connection:
            expired = connection.execute(table.delete().where(table.c.expires_at <= now))
            live = [f"{PREFIX}{row.id}" for row in connection.execute(sa.select(table.c.id))]
            skipped = connection.execute(
                deliveries.update()
                .where(
                    deliveries.c.destination.startswith(PREFIX),
                    deliveries.c.destination.not_in(live),
                    sa.or_(
                        deliveries.c.status == "pending",
                        sa.and_(
                            deliveries.c.status == "sending", deliveries.c.claimed_until <= now
                        ),
                    ),
                )
                .values(
                    status="skipped",
                    last_error_code=ENDED_CODE,
                    last_error="the WebSub subscription expired or was cancelled",
                    updated_at=now,
                )
            )
        return int(expired.rowcount), int(skipped.rowcount)


def _subscription(row: sa.Row[tuple[object, ...]]) -> Subscription:
    mapping = row._mapping
    return Subscription(
        id=mapping["id"],
        callback=mapping["callback"],
        topic=mapping["topic"],
        lang=mapping["lang"],
        secret=mapping["secret"],
        lease_seconds=mapping["lease_seconds"],
        expires_at=mapping["expires_at"],
    )
