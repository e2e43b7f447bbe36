"""Releases, items, versions and events: saving a decision and reading entries back."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from syndicator.decide import Decision
from syndicator.errors import StoreError
from syndicator.model import Article, Entry, EventKind, StoredItem
from syndicator.store.codec import article_from_json, article_to_json
from syndicator.store.database import store_error
from syndicator.store.schema import deliveries, events, items, releases, source_state, versions
from syndicator.store.websub import subscriber_rows
from syndicator.urls import url_variants

__all__ = [
    "ReleaseRows",
    "StoreVersion",
    "StoredEvent",
    "idempotency_key",
    "stored_entry",
    "stored_item",
]


@dataclass(frozen=True, slots=True)
class StoredEvent:
    id: int
    kind: EventKind
    item_id: int
    url: str
    lang: str | None
    version: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StoreVersion:
    """Cheap to read, and changed by every write the web pages show: ``events`` (the newest
    event id) moves the feeds, ``polled`` (the newest poll) the index page's status table."""

    events: int
    polled: datetime | None


class ReleaseRows:
    engine: sa.Engine

    def find_item(
        self, url: str, *, source: str | None = None, post_id: str | None = None
    ) -> StoredItem | None:
        """The item with this canonical URL (or another spelling of it: http/https, trailing
        slash), else the one with this site post id from the same source."""
        variants = url_variants(url)
        query = sa.select(items).where(items.c.url.in_(variants))
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
            row = min(rows, key=lambda r: variants.index(r.url)) if rows else None
            if row is None and source and post_id:
                by_post = sa.select(items).where(
                    items.c.source == source, items.c.post_id == post_id
                )
                row = connection.execute(by_post).first()
        return stored_item(row) if row is not None else None

    def save_article(
        self,
        source: str,
        article: Article,
        decision: Decision,
        stored: StoredItem | None,
        *,
        destinations: Sequence[tuple[str, float]],
        now: datetime,
        topics: Sequence[str] = (),
    ) -> int | None:
        """Write item, version, event and its outbox rows in ONE transaction; the event id.

        ``destinations`` are the (name, hold in seconds) routed for this event; empty during
        catch-up. ``topics``: the URLs of our feeds that hold the item; their live WebSub
        subscriptions get a row too (``store.websub.subscriber_rows``). When another process
        (a replica, ``poll --once`` beside ``run``) stored
        this item between ``find_item`` and here, and holds exactly this version, nothing is
        written and None is returned; if it holds other content, ``StoreError`` with code
        ``store.conflict`` says "look again next poll" (the routing depends on the event).
        """
        if decision.event is None:
            return None
        try:
            return self._write(source, article, decision, stored, destinations, topics, now)
        except (StoreError, sa.exc.IntegrityError) as caught:
            # the driver's error arrives as a StoreError (``map_errors``); CI once saw the
            # racing UNIQUE violation come through as SQLAlchemy's own IntegrityError
            exc = caught if isinstance(caught, StoreError) else store_error(caught)
            if exc.code != "store.conflict":
                raise
            current = self.find_item(article.url, source=source, post_id=article.post_id)
            if current is not None and (current.version, current.content_hash) == (
                decision.version,
                decision.content_hash,
            ):
                return None
            raise StoreError(
                f"{exc.message} (saving {article.url}: another process may have stored it;"
                " look again next poll)",
                code="store.conflict",
            ) from exc

    def _write(
        self,
        source: str,
        article: Article,
        decision: Decision,
        stored: StoredItem | None,
        destinations: Sequence[tuple[str, float]],
        topics: Sequence[str],
        now: datetime,
    ) -> int:
        assert decision.event is not None
        published = article.published or (stored.published if stored else now)
        alternates = sorted({link.url for link in article.alternates})
        with self.engine.begin() as connection:
            if stored is None:
                release_id = self._release_for(connection, alternates, now)
                item_id = _insert(
                    connection,
                    items.insert().values(
                        release_id=release_id,
                        source=source,
                        url=article.url,
                        post_id=article.post_id,
                        lang=article.lang,
                        published=published,
                        first_seen=now,
                        updated_at=now,
                        checked_at=now,
                        version=decision.version,
                        content_hash=decision.content_hash,
                        alternate_urls=alternates,
                    ),
                )
            else:
                item_id = stored.item_id
                connection.execute(
                    items.update()
                    .where(items.c.id == item_id)
                    .values(
                        lang=article.lang,
                        published=published,
                        updated_at=now,
                        checked_at=now,
                        version=decision.version,
                        content_hash=decision.content_hash,
                        alternate_urls=alternates,
                        post_id=article.post_id,
                        withdrawn_at=None,  # a withdrawn page that came back
                    )
                )
            version_id = _insert(
                connection,
                versions.insert().values(
                    item_id=item_id,
                    number=decision.version,
                    content_hash=decision.content_hash,
                    article=article_to_json(article),
                    stored_at=now,
                ),
            )
            event_id = _insert(
                connection,
                events.insert().values(
                    item_id=item_id, version_id=version_id, kind=decision.event, created_at=now
                ),
            )
            subscribers = subscriber_rows(connection, topics, now)
            for name, hold in [*destinations, *subscribers]:
                key = idempotency_key(article.url, decision.version, decision.event, name)
                connection.execute(
                    deliveries.insert().values(
                        event_id=event_id,
                        destination=name,
                        status="pending",
                        attempts=0,
                        next_attempt_at=now + timedelta(seconds=hold),
                        idempotency_key=key,
                        created_at=now,
                        updated_at=now,
                    )
                )
        return int(event_id)

    def _release_for(self, connection: sa.Connection, alternates: list[str], now: datetime) -> int:
        """Join the release of a language version we already hold, or start a new one."""
        if alternates:
            row = connection.execute(
                sa.select(items.c.release_id).where(items.c.url.in_(alternates)).limit(1)
            ).first()
            if row is not None:
                return int(row.release_id)
        return _insert(connection, releases.insert().values(created_at=now))

    def mark_checked(self, item_id: int, now: datetime) -> None:
        with self.engine.begin() as connection:
            connection.execute(items.update().where(items.c.id == item_id).values(checked_at=now))

    def latest_entries(self, lang: str | None, limit: int) -> list[Entry]:
        """Newest first by publication time; each item with its latest version. Withdrawn
        items are left out: a reader cannot un-read, but a dead link should not stay.

        The newest ``limit`` item ids come from walking ``ix_items_lang_published_id`` (or
        ``ix_items_published_id``) backwards, so the cost does not grow with the store; only
        those rows are joined with their version and put in order here."""
        return self._newest(None if lang is None else items.c.lang == lang, limit)

    def source_entries(self, source: str, limit: int) -> list[Entry]:
        """As ``latest_entries``, for one source's items (every language), walking
        ``ix_items_source_published_id`` backwards."""
        return self._newest(items.c.source == source, limit)

    def _newest(self, where: sa.ColumnElement[bool] | None, limit: int) -> list[Entry]:
        newest = (
            sa.select(items)
            .where(items.c.withdrawn_at.is_(None))
            .order_by(items.c.published.desc(), items.c.id.desc())
            .limit(limit)
        )
        if where is not None:
            newest = newest.where(where)
        chosen = newest.subquery("newest")
        query = sa.select(chosen, versions.c.article, versions.c.stored_at).join(
            versions,
            sa.and_(versions.c.item_id == chosen.c.id, versions.c.number == chosen.c.version),
        )
        with self.engine.connect() as connection:
            found = connection.execute(query).all()
        rows = sorted(found, key=lambda row: (row.published, row.id), reverse=True)
        return [stored_entry(row, row.version, row.stored_at) for row in rows]

    def store_version(self) -> StoreVersion:
        """What the rendered pages depend on, in one cheap query: the newest event (every
        change to what a feed shows writes one) and the newest poll (the status table)."""
        query = sa.select(
            sa.select(sa.func.max(events.c.id)).scalar_subquery(),
            sa.select(sa.func.max(source_state.c.last_poll_at)).scalar_subquery(),
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).one()
        polled = row[1]
        if isinstance(polled, str):  # SQLite: max() of a DateTime column comes back as text
            polled = datetime.fromisoformat(polled)
        if polled is not None and polled.tzinfo is None:
            polled = polled.replace(tzinfo=UTC)
        return StoreVersion(events=int(row[0] or 0), polled=polled)

    def entry_for_event(self, event_id: int) -> tuple[EventKind, Entry] | None:
        """The event's kind and the item as it was at the event's version."""
        query = (
            sa.select(
                items, events.c.kind, versions.c.article, versions.c.number, versions.c.stored_at
            )
            .join(events, events.c.item_id == items.c.id)
            .join(versions, versions.c.id == events.c.version_id)
            .where(events.c.id == event_id)
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            return None
        return row.kind, stored_entry(row, row.number, row.stored_at)

    def release_languages(self, release_id: int) -> list[str]:
        query = sa.select(items.c.lang).where(items.c.release_id == release_id).distinct()
        with self.engine.connect() as connection:
            return sorted(row.lang for row in connection.execute(query) if row.lang)

    def events_after(self, event_id: int = 0) -> list[StoredEvent]:
        query = (
            sa.select(events, items.c.url, items.c.lang, versions.c.number)
            .join(items, items.c.id == events.c.item_id)
            .join(versions, versions.c.id == events.c.version_id)
            .where(events.c.id > event_id)
            .order_by(events.c.id)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            StoredEvent(
                row.id, row.kind, row.item_id, row.url, row.lang, row.number, row.created_at
            )
            for row in rows
        ]


def stored_item(row: sa.Row[tuple[object, ...]]) -> StoredItem:
    """An ``items`` row as decisions see it."""
    mapping = row._mapping
    return StoredItem(
        item_id=mapping["id"],
        release_id=mapping["release_id"],
        url=mapping["url"],
        version=mapping["version"],
        content_hash=mapping["content_hash"],
        published=mapping["published"],
        checked_at=mapping["checked_at"],
        withdrawn_at=mapping["withdrawn_at"],
        lang=mapping["lang"],
        post_id=mapping["post_id"],
    )


def stored_entry(row: sa.Row[tuple[object, ...]], version: int, stored_at: datetime) -> Entry:
    """An ``items`` row joined with its version's ``article``, as feeds show it."""
    mapping = row._mapping
    return Entry(
        item_id=mapping["id"],
        release_id=mapping["release_id"],
        source=mapping["source"],
        article=article_from_json(mapping["article"]),
        first_seen=mapping["first_seen"],
        updated=stored_at,
        version=version,
    )


def idempotency_key(url: str, version: int, event: str, destination: str) -> str:
    """Stable across retries and restarts; unique per (item version, event, destination)."""
    digest = hashlib.sha256(f"{url}\n{version}\n{event}\n{destination}".encode()).hexdigest()
    return f"msg_{digest[:32]}"


def _insert(connection: sa.Connection, statement: sa.Insert) -> int:
    key = connection.execute(statement).inserted_primary_key
    assert key is not None
    return int(key[0])
