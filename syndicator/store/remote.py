"""What a destination needs to refer back to what it sent before: the remote id its earlier
delivery of the same item returned, and the article as the previous version had it."""

from __future__ import annotations

import sqlalchemy as sa

from syndicator.model import Article
from syndicator.store.codec import article_from_json
from syndicator.store.schema import deliveries, events, versions

__all__ = ["RemoteRows"]


class RemoteRows:
    engine: sa.Engine

    def remote_id_for(self, item_id: int, destination: str) -> str | None:
        """The remote id of the newest delivered delivery of this item (this URL, this
        language version) to ``destination`` that has one; None when nothing was sent."""
        query = (
            sa.select(deliveries.c.remote_id)
            .join(events, events.c.id == deliveries.c.event_id)
            .where(
                events.c.item_id == item_id,
                deliveries.c.destination == destination,
                deliveries.c.status == "delivered",
                deliveries.c.remote_id.is_not(None),
            )
            .order_by(deliveries.c.id.desc())
            .limit(1)
        )
        with self.engine.connect() as connection:
            value = connection.execute(query).scalar()
        return str(value) if value is not None else None

    def previous_article(self, item_id: int, version: int) -> Article | None:
        """The article of version ``version - 1`` of the item; None for the first version."""
        query = sa.select(versions.c.article).where(
            versions.c.item_id == item_id, versions.c.number == version - 1
        )
        with self.engine.connect() as connection:
            value = connection.execute(query).scalar()
        return article_from_json(value) if value is not None else None
