"""Per-recipient outcomes of e-mail deliveries that some recipients refused.

A delivery's recipients get rows once a server refused some of them while others have the
message (``PartialDeliveryError``): each address is ``delivered``, ``refused`` (a 4xx
reply: retried) or ``failed`` (a 5xx reply, or retries exhausted: a dead letter). The next
attempt of that delivery leaves out what ``settled_recipients`` names, so nobody gets the
message twice. Writes are fenced by the delivery's lease owner, like every outcome.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

import sqlalchemy as sa

from syndicator.store.schema import deliveries, delivery_recipients

__all__ = ["RecipientRows"]

_T = delivery_recipients
_SHOWN = ("refused", "failed")
_WORDS = {"refused": "will retry", "failed": "dead letter"}


class RecipientRows:
    engine: sa.Engine

    def settled_recipients(self, delivery_id: int, *, retrying: bool) -> tuple[str, ...]:
        """Addresses the next attempt of ``delivery_id`` leaves out: those delivered and, on
        an automatic retry (``retrying``), those refused for good. After ``deliveries
        retry`` (attempts start again at 0) the refused-for-good get another try."""
        statuses = ("delivered", "failed") if retrying else ("delivered",)
        query = (
            sa.select(_T.c.address)
            .where(_T.c.delivery_id == delivery_id, _T.c.status.in_(statuses))
            .order_by(_T.c.address)
        )
        with self.engine.connect() as connection:
            return tuple(connection.execute(query).scalars())

    def record_recipients(
        self,
        delivery_id: int,
        accepted: Sequence[str],
        refused: Mapping[str, tuple[int, str]],
        *,
        owner: str,
        give_up: bool,
        now: datetime,
    ) -> bool:
        """One attempt's answer: ``accepted`` are delivered; a refused address is ``failed``
        on a 5xx reply or when ``give_up``, else ``refused``. False (nothing written) when
        ``owner`` no longer holds the delivery's lease."""
        rows = [_row(delivery_id, address, "delivered", None, None, now) for address in accepted]
        for address, (code, text) in refused.items():
            status = "failed" if give_up or code >= 500 else "refused"
            rows.append(_row(delivery_id, address, status, code, text, now))
        with self.engine.begin() as connection:
            if not _holds(connection, delivery_id, owner):
                return False
            if rows:
                addresses = [row["address"] for row in rows]
                connection.execute(
                    _T.delete().where(_T.c.delivery_id == delivery_id, _T.c.address.in_(addresses))
                )
                connection.execute(_T.insert(), rows)
        return True

    def recipients_sent(
        self, delivery_id: int, skipped: Collection[str], *, owner: str, now: datetime
    ) -> list[str]:
        """An attempt that left out ``skipped`` reached every other recipient: they are
        delivered. Returns those still refused for good, as ``address (code text)``."""
        with self.engine.begin() as connection:
            if _holds(connection, delivery_id, owner):
                connection.execute(
                    _T.update()
                    .where(
                        _T.c.delivery_id == delivery_id,
                        _T.c.status != "delivered",
                        _T.c.address.not_in(list(skipped)),
                    )
                    .values(status="delivered", code=None, error=None, updated_at=now)
                )
            failed = connection.execute(
                sa.select(_T.c.address, _T.c.code, _T.c.error)
                .where(_T.c.delivery_id == delivery_id, _T.c.status == "failed")
                .order_by(_T.c.address)
            ).all()
        return [_named(row.address, row.code, row.error) for row in failed]

    def recipient_summary(self, delivery_ids: Collection[int]) -> dict[int, str]:
        """One line per delivery that has refused recipients, for listings:
        ``refused: b@x.example (554 5.7.1 Relay access denied; dead letter)``."""
        query = (
            sa.select(_T.c.delivery_id, _T.c.address, _T.c.status, _T.c.code, _T.c.error)
            .where(_T.c.delivery_id.in_(list(delivery_ids)), _T.c.status.in_(_SHOWN))
            .order_by(_T.c.delivery_id, _T.c.address)
        )
        lines: dict[int, list[str]] = defaultdict(list)
        with self.engine.connect() as connection:
            for row in connection.execute(query):
                named = _named(row.address, row.code, row.error, _WORDS[row.status])
                lines[row.delivery_id].append(named)
        return {delivery_id: "refused: " + ", ".join(each) for delivery_id, each in lines.items()}


def _holds(connection: sa.Connection, delivery_id: int, owner: str) -> bool:
    query = sa.select(deliveries.c.id).where(
        deliveries.c.id == delivery_id,
        deliveries.c.claimed_by == owner,
        deliveries.c.status == "sending",
    )
    return connection.execute(query).first() is not None


def _row(
    delivery_id: int, address: str, status: str, code: int | None, text: str | None, now: datetime
) -> dict[str, object]:
    return {
        "delivery_id": delivery_id,
        "address": address,
        "status": status,
        "code": code,
        "error": text or None,
        "updated_at": now,
    }


def _named(address: str, code: int | None, error: str | None, note: str = "") -> str:
    """``b@x.example (554 5.7.1 Relay access denied; dead letter)``."""
    reply = " ".join(str(part) for part in (code, error) if part)
    said = "; ".join(part for part in (reply, note) if part)
    return f"{address} ({said})" if said else address
