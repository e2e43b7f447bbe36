"""Outcomes of delivery attempts, recorded only while the worker still holds the row's lease.

Each ``mark_*`` method is one transaction. The outbox records many at once with ``settle``:
the same fenced UPDATE per row, one commit for all (one fsync, one turn of SQLite's write
lock instead of one each). The builders (``delivered``, ``retry``, ``failed``, ``skipped``)
take the arguments of their ``mark_*`` method and return the ``Settlement`` it records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from syndicator.model import Receipt
from syndicator.store.attempts import AttemptRecord, insert_attempt
from syndicator.store.schema import deliveries

__all__ = ["OutcomeRows", "Settlement", "delivered", "failed", "retry", "skipped"]


@dataclass(frozen=True, slots=True, eq=False)
class Settlement:
    """What to write on row ``delivery_id``, if ``owner`` still holds its lease."""

    delivery_id: int
    owner: str
    values: Mapping[str, object]
    attempt: AttemptRecord | None = None  # joins the delivery's history, same transaction


def delivered(
    delivery_id: int,
    receipt: Receipt,
    now: datetime,
    *,
    owner: str,
    attempt: AttemptRecord | None = None,
) -> Settlement:
    """The remote confirmed."""
    return Settlement(delivery_id, owner, attempt=attempt, values={
        "status": "delivered",
        "remote_id": receipt.remote_id,
        "attempts": deliveries.c.attempts + 1,
        "last_error": None,
        "last_error_code": None,
        "updated_at": now,
    })  # fmt: skip


def retry(
    delivery_id: int,
    *,
    owner: str,
    next_attempt_at: datetime,
    code: str,
    error: str,
    now: datetime,
    attempt: AttemptRecord | None = None,
) -> Settlement:
    """Failed for now: due again at ``next_attempt_at``, by any worker."""
    return Settlement(delivery_id, owner, attempt=attempt, values={
        "status": "pending",
        "attempts": deliveries.c.attempts + 1,
        "next_attempt_at": next_attempt_at,
        "last_error_code": code,
        "last_error": error,
        "claimed_by": None,
        "updated_at": now,
    })  # fmt: skip


def failed(
    delivery_id: int,
    *,
    owner: str,
    code: str,
    error: str,
    now: datetime,
    attempt: AttemptRecord | None = None,
) -> Settlement:
    """Dead letter: kept for ``deliveries retry``, never retried by itself."""
    return Settlement(delivery_id, owner, attempt=attempt, values={
        "status": "failed",
        "attempts": deliveries.c.attempts + 1,
        "last_error_code": code,
        "last_error": error,
        "updated_at": now,
    })  # fmt: skip


def skipped(
    delivery_id: int,
    *,
    owner: str,
    reason: str,
    now: datetime,
    code: str = "delivery.superseded",
) -> Settlement:
    """Not sent on purpose (superseded by a preferred language, an update the destination
    ignores, a withdrawal it cannot make); ``code`` says which. Kept for the record."""
    return Settlement(delivery_id, owner, values={
        "status": "skipped",
        "last_error_code": code,
        "last_error": reason,
        "updated_at": now,
    })  # fmt: skip


class OutcomeRows:
    """``mark_*``: one outcome, one transaction; False when ``owner`` no longer holds the
    lease. They take their builder's arguments (``attempt`` joins the history)."""

    engine: sa.Engine

    def mark_delivered(
        self, delivery_id: int, receipt: Receipt, now: datetime, *, owner: str,
        attempt: AttemptRecord | None = None,
    ) -> bool:  # fmt: skip
        return self.settle([delivered(delivery_id, receipt, now, owner=owner, attempt=attempt)])[0]

    def mark_retry(
        self, delivery_id: int, *, owner: str, next_attempt_at: datetime, code: str,
        error: str, now: datetime, attempt: AttemptRecord | None = None,
    ) -> bool:  # fmt: skip
        outcome = retry(delivery_id, owner=owner, next_attempt_at=next_attempt_at, code=code,
                        error=error, now=now, attempt=attempt)  # fmt: skip
        return self.settle([outcome])[0]

    def mark_failed(
        self, delivery_id: int, *, owner: str, code: str, error: str, now: datetime,
        attempt: AttemptRecord | None = None,
    ) -> bool:  # fmt: skip
        outcome = failed(delivery_id, owner=owner, code=code, error=error, now=now,
                         attempt=attempt)  # fmt: skip
        return self.settle([outcome])[0]

    def mark_skipped(
        self, delivery_id: int, *, owner: str, reason: str, now: datetime,
        code: str = "delivery.superseded",
    ) -> bool:  # fmt: skip
        outcome = skipped(delivery_id, owner=owner, reason=reason, now=now, code=code)
        return self.settle([outcome])[0]

    def settle(self, outcomes: Sequence[Settlement]) -> list[bool]:
        """Record every outcome in ONE transaction, each only while its owner still holds
        the row's lease; per outcome, whether it was applied."""
        applied: list[bool] = []
        with self.engine.begin() as connection:
            for outcome in outcomes:
                result = connection.execute(
                    deliveries.update()
                    .where(
                        deliveries.c.id == outcome.delivery_id,
                        deliveries.c.claimed_by == outcome.owner,
                        deliveries.c.status == "sending",
                    )
                    .values(claimed_until=None, **outcome.values)
                )
                applied.append(result.rowcount == 1)
                if result.rowcount == 1 and outcome.attempt is not None:
                    insert_attempt(connection, outcome.delivery_id, outcome.attempt)
        return applied
