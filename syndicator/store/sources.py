"""Per-source state (last poll, last error, caught up, the poll lease), HTTP validators per
URL, and pages whose parse failed (not fetched again before their ``retry_at``).

Per-poll cost stays flat in the size of the store: every query here is a primary-key lookup
or counts one source's items through ``ix_items_source``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from syndicator.model import SourceState
from syndicator.store.rhythm import decision_of
from syndicator.store.schema import http_validators, items, page_failures, source_state

__all__ = ["PageFailure", "SourceRows"]

_PAGE_RETRY_FIRST = timedelta(hours=1)
_PAGE_RETRY_MAX = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class PageFailure:
    """A page whose parse failed: skipped until ``retry_at`` unless its content changed."""

    url: str
    error_code: str
    content_hash: str | None
    failures: int
    retry_at: datetime


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
    ) -> None:
        """Record one poll. A successful poll also marks the source as caught up (its first
        poll is done) and sets ``degraded``; a failed one leaves ``degraded`` as it was.
        """
        with self.engine.begin() as connection:
            row = connection.execute(
                sa.select(source_state).where(source_state.c.name == name)
            ).first()
            if row is None:
                connection.execute(
                    source_state.insert().values(name=name, caught_up=False, consecutive_failures=0)
                )
            failures = row.consecutive_failures if row is not None else 0
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

    def degraded_of(self, name: str) -> str | None:
        """Why the source's selectors look broken, or None (one primary-key lookup)."""
        query = sa.select(source_state.c.degraded).where(source_state.c.name == name)
        with self.engine.connect() as connection:
            value = connection.execute(query).scalar()
        return str(value) if value else None

    def claim_poll(
        self, name: str, *, owner: str, now: datetime, until: datetime, min_gap: float
    ) -> bool:
        """Take the source's poll lease until ``until``; False when another poller holds a
        live one, or polled it less than ``min_gap`` seconds ago and succeeded (a failing
        source is retried on its backoff by whichever replica comes first).

        One atomic UPDATE: on PostgreSQL a concurrent claim waits for the row lock and then
        re-reads the lease, so exactly one of two replicas wins.
        """
        with self.engine.begin() as connection:
            connection.execute(_insert_missing(connection.dialect.name, name))
            cutoff = now - timedelta(seconds=min_gap)
            state = source_state.c
            claim = (
                source_state.update()
                .where(
                    state.name == name,
                    sa.or_(state.poll_until.is_(None), state.poll_until <= now),
                    sa.or_(
                        state.last_poll_at.is_(None),
                        state.last_poll_at <= cutoff,
                        state.last_error_code.is_not(None),
                    ),
                )
                .values(poll_owner=owner, poll_until=until)
            )
            return connection.execute(claim).rowcount == 1

    def release_poll(self, name: str, owner: str, *, hold: datetime | None = None) -> None:
        """Give the lease back (a no-op when ``owner`` no longer holds it); with ``hold``, no
        poller may take the source before then (a poll cut off half-way)."""
        release = (
            source_state.update()
            .where(source_state.c.name == name, source_state.c.poll_owner == owner)
            .values(poll_owner=None, poll_until=hold)
        )
        with self.engine.begin() as connection:
            connection.execute(release)

    def page_failure(self, url: str) -> PageFailure | None:
        query = sa.select(page_failures).where(page_failures.c.url == url)
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            return None
        return PageFailure(row.url, row.error_code, row.content_hash, row.failures, row.retry_at)

    def record_page_failure(
        self,
        url: str,
        *,
        source: str,
        error_code: str,
        error: str,
        content_hash: str | None,
        validators: tuple[str | None, str | None],
        now: datetime,
    ) -> PageFailure:
        """Remember a page whose parse failed; its retry waits 1 h, doubling up to a day."""
        with self.engine.begin() as connection:
            previous = connection.execute(
                sa.select(page_failures.c.failures).where(page_failures.c.url == url)
            ).scalar()
            failures = int(previous or 0) + 1
            wait = min(_PAGE_RETRY_MAX, _PAGE_RETRY_FIRST * 2 ** min(failures - 1, 16))
            connection.execute(page_failures.delete().where(page_failures.c.url == url))
            connection.execute(
                page_failures.insert().values(
                    url=url, source=source, error_code=error_code, error=error,
                    content_hash=content_hash, etag=validators[0],
                    last_modified=validators[1], failures=failures, failed_at=now,
                    retry_at=now + wait,
                )
            )  # fmt: skip
        return PageFailure(url, error_code, content_hash, failures, now + wait)

    def clear_page_failure(self, url: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(page_failures.delete().where(page_failures.c.url == url))

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
        # A correlated count per source: each one walks only that source's index entries,
        # unlike a GROUP BY over every item in the store.
        count = (
            sa.select(sa.func.count())
            .select_from(items)
            .where(items.c.source == source_state.c.name)
            .scalar_subquery()
        )
        return sa.select(source_state, count.label("n")).order_by(source_state.c.name)

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


def _insert_missing(dialect: str, name: str) -> sa.Executable:
    """INSERT the source's state row unless it exists, without a race between replicas."""
    values = dict(name=name, caught_up=False, consecutive_failures=0)
    if dialect == "postgresql":
        return pg_insert(source_state).values(**values).on_conflict_do_nothing()
    return sqlite_insert(source_state).values(**values).on_conflict_do_nothing()


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
        rhythm=decision_of(values),
        next_poll_at=values["next_poll_at"],
    )
