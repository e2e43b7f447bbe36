"""Each host's robots.txt, shared by runs and replicas: the fetcher reads the stored copy
and re-fetches it (conditionally) only once it is older than its TTL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from syndicator.store.schema import robots_txt

__all__ = ["RobotsCopy", "RobotsRows"]


@dataclass(frozen=True, slots=True)
class RobotsCopy:
    """A host's robots.txt as last fetched: a 2xx body, or a 4xx status (no rules)."""

    status: int
    body: bytes
    etag: str | None
    last_modified: str | None
    fetched_at: datetime


class RobotsRows:
    engine: sa.Engine

    def robots_copy(self, origin: str) -> RobotsCopy | None:
        """The stored robots.txt of ``origin`` (``scheme://host[:port]``), or None."""
        query = sa.select(robots_txt).where(robots_txt.c.origin == origin)
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            return None
        return RobotsCopy(row.status, bytes(row.body), row.etag, row.last_modified, row.fetched_at)

    def save_robots(self, origin: str, copy: RobotsCopy) -> None:
        """Insert or replace ``origin``'s copy; two replicas saving at once both succeed."""
        values = dict(
            origin=origin,
            status=copy.status,
            body=copy.body,
            etag=copy.etag,
            last_modified=copy.last_modified,
            fetched_at=copy.fetched_at,
        )
        with self.engine.begin() as connection:
            insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
            statement = insert(robots_txt).values(**values)
            update = {key: statement.excluded[key] for key in values if key != "origin"}
            connection.execute(
                statement.on_conflict_do_update(index_elements=["origin"], set_=update)
            )
