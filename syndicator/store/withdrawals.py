"""Releases that disappeared from their source: pages answering 404/410 (a "strike" kept in
``page_failures`` until the next re-check confirms it), and withdrawing an item exactly once.

An item is withdrawn by one conditional UPDATE (``withdrawn_at IS NULL``) in the same
transaction as its ``withdrawn`` event and outbox rows, so two replicas seeing the same 404
write one event."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa

from syndicator.model import StoredItem
from syndicator.store.releases import idempotency_key, stored_item
from syndicator.store.schema import deliveries, events, items, page_failures, versions
from syndicator.store.websub import subscriber_rows

__all__ = ["GONE_CODE", "WithdrawalRows"]

GONE_CODE = "fetch.gone"  # a page_failures row of this code is a 404/410 strike


class WithdrawalRows:
    engine: sa.Engine

    def record_gone(
        self, url: str, *, source: str, status: int, now: datetime, confirm_at: datetime
    ) -> None:
        """The first 404/410 of a known page: a second one at ``confirm_at`` or later withdraws
        it. The page is not fetched again before then."""
        with self.engine.begin() as connection:
            connection.execute(page_failures.delete().where(page_failures.c.url == url))
            connection.execute(
                page_failures.insert().values(
                    url=url, source=source, error_code=GONE_CODE, error=f"HTTP {status}",
                    failures=1, failed_at=now, retry_at=confirm_at,
                )
            )  # fmt: skip

    def gone_due(self, source: str, now: datetime) -> list[StoredItem]:
        """Items of ``source`` with a 404/410 strike that is due for its confirming re-check."""
        query = (
            sa.select(items)
            .join(page_failures, page_failures.c.url == items.c.url)
            .where(
                page_failures.c.source == source,
                page_failures.c.error_code == GONE_CODE,
                page_failures.c.retry_at <= now,
                items.c.withdrawn_at.is_(None),
            )
        )
        with self.engine.connect() as connection:
            return [stored_item(row) for row in connection.execute(query)]

    def vanished_items(
        self,
        source: str,
        listed: Collection[str],
        *,
        since: datetime,
        young_since: datetime | None = None,
        shown_since: datetime | None = None,
    ) -> list[StoredItem]:
        """Items of ``source`` published after ``since`` (the re-check window) that a listing
        of ``listed`` URLs leaves out although it still shows older items of the source —
        taken out, not scrolled off the end — or published after ``young_since`` (too new
        to have scrolled off). ``shown_since``: the listing says it shows every item
        changed since then (ordered by modification time); it replaces "older items"."""
        if not listed:  # an empty listing proves nothing (a redesign, an outage)
            return []
        mine = sa.and_(items.c.source == source, items.c.withdrawn_at.is_(None))
        oldest_listed = (
            sa.select(sa.func.min(items.c.published))
            .where(mine, items.c.url.in_(list(listed)))
            .scalar_subquery()
        )
        inside = items.c.published >= (oldest_listed if shown_since is None else shown_since)
        if young_since is not None:
            inside = sa.or_(inside, items.c.published >= young_since)
        query = sa.select(items).where(mine, items.c.published >= since, inside)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [stored_item(row) for row in rows if row.url not in listed]

    def withdraw_item(
        self,
        item_id: int,
        *,
        destinations: Sequence[tuple[str, float]],
        now: datetime,
        topics: Sequence[str] = (),
    ) -> int | None:
        """Mark the item withdrawn and write its ``withdrawn`` event and outbox rows in ONE
        transaction; the event id, or None when it was withdrawn already. ``topics``: the
        feeds that held it (their WebSub subscribers get a row)."""
        with self.engine.begin() as connection:
            marked = connection.execute(
                items.update()
                .where(items.c.id == item_id, items.c.withdrawn_at.is_(None))
                .values(withdrawn_at=now, checked_at=now)
            )
            if marked.rowcount != 1:
                return None
            row = connection.execute(
                sa.select(
                    items.c.url, items.c.lang, items.c.version, versions.c.id.label("version_id")
                )
                .join(versions, versions.c.item_id == items.c.id)
                .where(items.c.id == item_id, versions.c.number == items.c.version)
            ).one()
            connection.execute(page_failures.delete().where(page_failures.c.url == row.url))
            inserted = connection.execute(
                events.insert().values(
                    item_id=item_id, version_id=row.version_id, kind="withdrawn", created_at=now
                )
            ).inserted_primary_key
            assert inserted is not None
            event_id = int(inserted[0])
            subscribers = subscriber_rows(connection, topics, now)
            for name, hold in [*destinations, *subscribers]:
                key = idempotency_key(row.url, row.version, "withdrawn", name)
                connection.execute(
                    deliveries.insert().values(
                        event_id=event_id, destination=name, status="pending", attempts=0,
                        next_attempt_at=now + timedelta(seconds=hold), idempotency_key=key,
                        created_at=now, updated_at=now,
                    )
                )  # fmt: skip
        return event_id
