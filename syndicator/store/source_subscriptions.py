"""Our subscriptions to our sources' WebSub hubs (``hubs``), one row per (source, hub, topic).

A row is ``pending`` from just before the subscription request is sent (the hub may verify
before it answers), ``active`` once the hub verified it (with the lease it granted),
``denied`` when the hub said so, ``failed`` when the request itself failed, ``ended`` when
the source no longer advertises that hub and topic (or is gone, or says ``websub = false``):
pushes to it are then answered 410 Gone, which tells the hub to stop. Token and secret
stay the same across renewals, so a push signed under the old request still verifies.
``push_due_at`` is the hand-over from the callback (any replica) to the worker that polls:
set by a signed push, taken (compare-and-set) by exactly one worker.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from syndicator.store.schema import source_subscriptions

__all__ = ["SourceSubscription", "SourceSubscriptionRows"]


@dataclass(frozen=True, slots=True)
class SourceSubscription:
    id: int
    source: str
    hub: str
    topic: str
    token: str
    secret: str
    state: str  # pending, active, denied, failed, ended
    lease_seconds: int | None
    expires_at: datetime | None
    last_error: str | None
    updated_at: datetime


class SourceSubscriptionRows:
    engine: sa.Engine

    def source_subscription(self, source: str, hub: str, topic: str) -> SourceSubscription | None:
        table = source_subscriptions
        query = sa.select(table).where(
            table.c.source == source, table.c.hub == hub, table.c.topic == topic
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return _subscription(row) if row is not None else None

    def subscription_by_token(self, token: str) -> SourceSubscription | None:
        query = sa.select(source_subscriptions).where(source_subscriptions.c.token == token)
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return _subscription(row) if row is not None else None

    def source_subscriptions(self, source: str | None = None) -> list[SourceSubscription]:
        """Every row, or those of ``source``."""
        query = sa.select(source_subscriptions).order_by(source_subscriptions.c.id)
        if source is not None:
            query = query.where(source_subscriptions.c.source == source)
        with self.engine.connect() as connection:
            return [_subscription(row) for row in connection.execute(query)]

    def open_source_subscription(
        self, source: str, hub: str, topic: str, *, token: str, secret: str, now: datetime
    ) -> SourceSubscription:
        """The row for a request about to be sent: created ``pending``, or an existing one
        (which keeps its token, secret and lease) asked again. ``token`` and ``secret`` are
        used only for a new row."""
        table = source_subscriptions
        mine = sa.and_(table.c.source == source, table.c.hub == hub, table.c.topic == topic)
        with self.engine.begin() as connection:
            row = connection.execute(sa.select(table).where(mine)).first()
            if row is None:
                connection.execute(
                    table.insert().values(source=source, hub=hub, topic=topic, token=token,
                                          secret=secret, state="pending", created_at=now,
                                          updated_at=now)
                )  # fmt: skip
            elif row.state != "active":  # an active one stays active while it is renewed
                connection.execute(
                    table.update().where(mine).values(state="pending", updated_at=now)
                )
            return _subscription(connection.execute(sa.select(table).where(mine)).one())

    def confirm_source_subscription(self, id: int, lease_seconds: int, now: datetime) -> None:
        """The hub verified our intent and granted ``lease_seconds``."""
        expires = now + timedelta(seconds=lease_seconds)
        self._update(id, state="active", lease_seconds=lease_seconds, expires_at=expires,
                     last_error=None, updated_at=now)  # fmt: skip

    def end_source_subscription(self, id: int, state: str, error: str, now: datetime) -> None:
        """``denied``, ``failed`` or ``ended``, and why."""
        self._update(id, state=state, last_error=error, push_due_at=None, updated_at=now)

    def note_subscription_error(self, id: int, error: str, now: datetime) -> None:
        """A renewal failed; the subscription stays as it is until its lease runs out."""
        self._update(id, last_error=error, updated_at=now)

    def mark_pushed(self, id: int, now: datetime) -> None:
        """A signed push arrived: the source is due for a poll (kept until a worker takes it)."""
        table = source_subscriptions
        with self.engine.begin() as connection:
            connection.execute(
                table.update()
                .where(table.c.id == id, table.c.push_due_at.is_(None))
                .values(push_due_at=now)
            )

    def take_pushed(self, busy: Collection[str]) -> list[str]:
        """The sources with a push due, except ``busy`` ones; each mark is taken by exactly
        one caller across replicas (compare-and-set on its time)."""
        table = source_subscriptions
        query = sa.select(table.c.id, table.c.source, table.c.push_due_at).where(
            table.c.push_due_at.is_not(None), table.c.source.not_in(sorted(set(busy)))
        )
        taken: list[str] = []
        with self.engine.begin() as connection:
            for row in connection.execute(query).all():
                cleared = connection.execute(
                    table.update()
                    .where(table.c.id == row.id, table.c.push_due_at == row.push_due_at)
                    .values(push_due_at=None)
                )
                if cleared.rowcount and row.source not in taken:
                    taken.append(str(row.source))
        return taken

    def _update(self, id: int, **values: object) -> None:
        table = source_subscriptions
        with self.engine.begin() as connection:
            connection.execute(table.update().where(table.c.id == id).values(**values))


def _subscription(row: sa.Row[tuple[object, ...]]) -> SourceSubscription:
    values = row._mapping
    return SourceSubscription(
        id=int(values["id"]),
        source=str(values["source"]),
        hub=str(values["hub"]),
        topic=str(values["topic"]),
        token=str(values["token"]),
        secret=str(values["secret"]),
        state=str(values["state"]),
        lease_seconds=values["lease_seconds"],
        expires_at=values["expires_at"],
        last_error=values["last_error"],
        updated_at=values["updated_at"],
    )
