"""Outbox rows that go out together (e-mail digests and bilingual mails), and the language
versions of one release.

Kept apart from ``deliveries`` (one row at a time): here a destination's due rows are
leased as a set, and a set is settled in ONE transaction, so a digest is delivered,
retried or dead-lettered whole. Every outcome is fenced by the owner, as one row's is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa

from syndicator.model import Delivery, Entry
from syndicator.store.codec import article_from_json
from syndicator.store.schema import deliveries, events, items, versions

__all__ = ["DigestRows"]


class DigestRows:
    engine: sa.Engine

    def claim_digest(
        self, destination: str, *, owner: str, now: datetime, lease: float
    ) -> list[Delivery]:
        """Lease every due row of ``destination`` to ``owner``, oldest first (no head of
        line: a digest takes its rows together)."""
        open_now = sa.or_(
            sa.and_(deliveries.c.status == "pending", deliveries.c.next_attempt_at <= now),
            sa.and_(deliveries.c.status == "sending", deliveries.c.claimed_until <= now),
        )
        pick = sa.select(deliveries.c.id).where(deliveries.c.destination == destination, open_now)
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                pick = pick.with_for_update(skip_locked=True)
            ids = list(connection.execute(pick).scalars())
            if not ids:
                return []
            connection.execute(
                deliveries.update()
                .where(deliveries.c.id.in_(ids), open_now)
                .values(
                    status="sending",
                    claimed_until=now + timedelta(seconds=lease),
                    claimed_by=owner,
                    updated_at=now,
                )
            )
            query = _rows().where(
                deliveries.c.id.in_(ids),
                deliveries.c.claimed_by == owner,
                deliveries.c.status == "sending",
            )
            return [
                _as_delivery(row) for row in connection.execute(query.order_by(deliveries.c.id))
            ]

    def defer_digest(
        self, ids: Sequence[int], *, owner: str, until: datetime, now: datetime
    ) -> int:
        """Hand rows back, due at ``until`` (their digest slot, the end of a language wait);
        attempts unchanged: waiting is not failing."""
        return self._settle_many(ids, owner, status="pending", next_attempt_at=until,
                                 claimed_by=None, updated_at=now)  # fmt: skip

    def settle_digest(
        self,
        destination: str,
        ids: Sequence[int],
        remote_id: str | None,
        *,
        owner: str,
        now: datetime,
        together: Mapping[int, str] | None = None,
    ) -> tuple[int, int]:
        """The mail was accepted: ``ids`` delivered; and in the same transaction the other
        open rows of each release in ``together`` (its language versions the mail carried)
        skipped with the reason given. How many of ``ids`` this owner still held, and how
        many rows were skipped."""
        with self.engine.begin() as connection:
            settled = connection.execute(
                _fenced(ids, owner).values(
                    status="delivered", remote_id=remote_id, attempts=deliveries.c.attempts + 1,
                    last_error=None, last_error_code=None, claimed_until=None, updated_at=now,
                )
            ).rowcount  # fmt: skip
            skipped = 0
            for release_id, reason in (together or {}).items():
                companions = (
                    sa.select(deliveries.c.id)
                    .join(events, events.c.id == deliveries.c.event_id)
                    .join(items, items.c.id == events.c.item_id)
                    .where(
                        items.c.release_id == release_id,
                        events.c.kind != "withdrawn",
                        deliveries.c.destination == destination,
                        deliveries.c.id.not_in(list(ids)),
                        sa.or_(
                            deliveries.c.status == "pending",
                            sa.and_(deliveries.c.status == "sending",
                                    deliveries.c.claimed_by == owner),
                        ),
                    )
                )  # fmt: skip
                skipped += connection.execute(
                    deliveries.update()
                    .where(deliveries.c.id.in_(companions.scalar_subquery()))
                    .values(status="skipped", last_error_code="delivery.sent_together",
                            last_error=reason, claimed_until=None, updated_at=now)
                ).rowcount  # fmt: skip
        return int(settled), int(skipped)

    def retry_digest(
        self, ids: Sequence[int], *, owner: str, next_attempt_at: datetime,
        code: str, error: str, now: datetime,
    ) -> int:  # fmt: skip
        """The whole set again at ``next_attempt_at`` (one attempt more each)."""
        return self._settle_many(
            ids, owner, status="pending", attempts=deliveries.c.attempts + 1,
            next_attempt_at=next_attempt_at, last_error_code=code, last_error=error,
            claimed_by=None, updated_at=now,
        )  # fmt: skip

    def fail_digest(
        self, ids: Sequence[int], *, owner: str, code: str, error: str, now: datetime
    ) -> int:
        """Dead letters, kept for ``deliveries retry``."""
        return self._settle_many(
            ids, owner, status="failed", attempts=deliveries.c.attempts + 1,
            last_error_code=code, last_error=error, updated_at=now,
        )  # fmt: skip

    def skip_digest(
        self, ids: Sequence[int], *, owner: str, code: str, reason: str, now: datetime
    ) -> int:
        """Not sent on purpose (withdrawn, an ignored update, a better language exists)."""
        return self._settle_many(ids, owner, status="skipped", last_error_code=code,
                                 last_error=reason, updated_at=now)  # fmt: skip

    def release_entries(self, release_id: int) -> list[Entry]:
        """Each language version (item) of the release at its latest version."""
        query = (
            sa.select(items, versions.c.article, versions.c.stored_at)
            .join(
                versions,
                sa.and_(versions.c.item_id == items.c.id, versions.c.number == items.c.version),
            )
            .where(items.c.release_id == release_id)
            .order_by(items.c.id)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            Entry(
                item_id=row.id,
                release_id=row.release_id,
                source=row.source,
                article=article_from_json(row.article),
                first_seen=row.first_seen,
                updated=row.stored_at,
                version=row.version,
            )
            for row in rows
        ]

    def _settle_many(self, ids: Sequence[int], owner: str, **values: object) -> int:
        with self.engine.begin() as connection:
            result = connection.execute(_fenced(ids, owner).values(claimed_until=None, **values))
        return int(result.rowcount)


def _fenced(ids: Sequence[int], owner: str) -> sa.Update:
    """An update of those of ``ids`` that ``owner`` still holds."""
    return deliveries.update().where(
        deliveries.c.id.in_(list(ids)),
        deliveries.c.claimed_by == owner,
        deliveries.c.status == "sending",
    )


def _rows() -> sa.Select[tuple[object, ...]]:
    return (
        sa.select(deliveries, events.c.kind.label("event_kind"), items.c.release_id)
        .join(events, events.c.id == deliveries.c.event_id)
        .join(items, items.c.id == events.c.item_id)
    )


def _as_delivery(row: sa.Row[tuple[object, ...]]) -> Delivery:
    values = row._mapping
    return Delivery(
        id=values["id"], event_id=values["event_id"], event=values["event_kind"],
        destination=values["destination"], release_id=values["release_id"],
        status=values["status"], attempts=values["attempts"],
        next_attempt_at=values["next_attempt_at"], last_error=values["last_error"],
        last_error_code=values["last_error_code"], remote_id=values["remote_id"],
        idempotency_key=values["idempotency_key"], created_at=values["created_at"],
    )  # fmt: skip
