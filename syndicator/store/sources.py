"""Per-source state (last poll, last error, caught up) and HTTP validators per URL."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import sqlalchemy as sa

from syndicator.model import SourceState
from syndicator.store.schema import http_validators, items, source_state

__all__ = ["SourceRows"]


class SourceRows:
    engine: sa.Engine

    def is_caught_up(self, name: str) -> bool:
        query = sa.select(source_state.c.caught_up).where(source_state.c.name == name)
        with self.engine.connect() as connection:
            return bool(connection.execute(query).scalar())

    def record_poll(
        self,
        name: str,
        now: datetime,
        *,
        error_code: str | None = None,
        error: str | None = None,
        degraded: str | None = None,
    ) -> str | None:
        """Record one poll; the source's previous ``degraded`` reason is returned.

        A successful poll also marks the source as caught up (its first poll is done) and
        sets ``degraded``; a failed one leaves ``degraded`` as it was.
        """
        with self.engine.begin() as connection:
            row = connection.execute(
                sa.select(source_state).where(source_state.c.name == name)
            ).first()
            if row is None:
                connection.execute(
                    source_state.insert().values(name=name, caught_up=False, consecutive_failures=0)
                )
                failures, previous = 0, None
            else:
                failures, previous = row.consecutive_failures, row.degraded
            if error_code is None:
                values: dict[str, object] = dict(
                    last_poll_at=now,
                    last_success_at=now,
                    last_error_code=None,
                    last_error=None,
                    consecutive_failures=0,
                    caught_up=True,
                    degraded=degraded,
                )
            else:
                values = dict(
                    last_poll_at=now,
                    last_error_code=error_code,
                    last_error=error,
                    consecutive_failures=failures + 1,
                )
            connection.execute(
                source_state.update().where(source_state.c.name == name).values(**values)
            )
        return previous

    def item_count(self, source: str) -> int:
        query = sa.select(sa.func.count()).select_from(items).where(items.c.source == source)
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar() or 0)

    def source_states(self) -> list[SourceState]:
        with self.engine.connect() as connection:
            return [_state(row) for row in connection.execute(self._states())]

    def source_state(self, name: str) -> SourceState | None:
        """One source's state (the poller's view; the status page reads them all)."""
        query = self._states().where(source_state.c.name == name)
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else _state(row)

    def _states(self) -> sa.Select[tuple[object, ...]]:
        counts = (
            sa.select(items.c.source, sa.func.count().label("n"))
            .group_by(items.c.source)
            .subquery()
        )
        return (
            sa.select(source_state, counts.c.n)
            .outerjoin(counts, counts.c.source == source_state.c.name)
            .order_by(source_state.c.name)
        )

    def get_validators(self, url: str) -> tuple[str | None, str | None] | None:
        query = sa.select(http_validators).where(http_validators.c.url == url)
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else (row.etag, row.last_modified)

    def save_validators(
        self, validators: Mapping[str, tuple[str | None, str | None]], now: datetime
    ) -> None:
        if not validators:
            return
        with self.engine.begin() as connection:
            for url, (etag, last_modified) in validators.items():
                connection.execute(http_validators.delete().where(http_validators.c.url == url))
                if etag or last_modified:
                    connection.execute(
                        http_validators.insert().values(
                            url=url, etag=etag, last_modified=last_modified, saved_at=now
                        )
                    )


def _state(row: sa.Row[tuple[object, ...]]) -> SourceState:
    values = row._mapping
    return SourceState(
        name=values["name"],
        last_poll_at=values["last_poll_at"],
        last_success_at=values["last_success_at"],
        last_error_code=values["last_error_code"],
        last_error=values["last_error"],
        consecutive_failures=values["consecutive_failures"],
        items=int(values["n"] or 0),
        degraded=values["degraded"],
    )
