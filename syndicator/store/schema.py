"""Table definitions (SQLAlchemy Core). The Alembic migrations create exactly these."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

__all__ = [
    "UtcDateTime",
    "deliveries",
    "delivery_attempts",
    "delivery_recipients",
    "events",
    "http_validators",
    "items",
    "metadata",
    "page_failures",
    "releases",
    "robots_txt",
    "source_state",
    "source_subscriptions",
    "versions",
    "websub_subscriptions",
]


class UtcDateTime(sa.TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out — also on SQLite, which keeps no zone."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = sa.MetaData()

source_state = sa.Table(
    "source_state",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("caught_up", sa.Boolean, nullable=False, default=False),
    sa.Column("last_poll_at", UtcDateTime),
    sa.Column("last_success_at", UtcDateTime),
    sa.Column("last_error_code", sa.String(64)),
    sa.Column("last_error", sa.Text),
    sa.Column("consecutive_failures", sa.Integer, nullable=False, default=0),
    sa.Column("degraded", sa.String(64)),
    sa.Column("poll_owner", sa.String(64)),  # the replica polling it now (a lease)
    sa.Column("poll_until", UtcDateTime),  # ... until then; another replica waits
    # Adaptive polling's current rhythm.Decision (slot NULL: still learning) and next poll.
    sa.Column("poll_interval", sa.Float),
    sa.Column("poll_slot", sa.Integer),
    sa.Column("poll_share", sa.Float),
    sa.Column("poll_seen", sa.Float),
    sa.Column("next_poll_at", UtcDateTime),
)

http_validators = sa.Table(
    "http_validators",
    metadata,
    sa.Column("url", sa.String(2048), primary_key=True),
    sa.Column("etag", sa.String(512)),
    sa.Column("last_modified", sa.String(64)),
    sa.Column("saved_at", UtcDateTime, nullable=False),
)

releases = sa.Table(
    "releases",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

items = sa.Table(
    "items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("release_id", sa.ForeignKey("releases.id"), nullable=False, index=True),
    sa.Column("source", sa.String(64), nullable=False),  # indexed below, with published and id
    sa.Column("url", sa.String(2048), nullable=False, unique=True),
    sa.Column("post_id", sa.String(64)),
    sa.Column("lang", sa.String(8)),  # indexed below, with published and id
    sa.Column("published", UtcDateTime, nullable=False),
    sa.Column("first_seen", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("alternate_urls", sa.JSON, nullable=False, default=list),
    sa.Column("checked_at", UtcDateTime),  # the page was last fetched to look for edits
    sa.Column("withdrawn_at", UtcDateTime),  # gone at the source (404/410, trashed post)
    # The feeds' "newest N" (of a language, or of all) walks these backwards and stops at N.
    sa.Index("ix_items_lang_published_id", "lang", "published", "id"),
    sa.Index("ix_items_published_id", "published", "id"),
    # A language's and a source's archive pages walk these in id order (``store.archive``).
    sa.Index("ix_items_lang_id", "lang", "id"),
    sa.Index("ix_items_source_id", "source", "id"),
    # A source's feed, and ``find_item``'s (source, post_id) look-up, use its prefix.
    sa.Index("ix_items_source_published_id", "source", "published", "id"),
)

versions = sa.Table(
    "versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("item_id", sa.ForeignKey("items.id"), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("article", sa.JSON, nullable=False),
    sa.Column("stored_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("item_id", "number"),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("item_id", sa.ForeignKey("items.id"), nullable=False, index=True),
    sa.Column("version_id", sa.ForeignKey("versions.id"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("event_id", sa.ForeignKey("events.id"), nullable=False),
    sa.Column("destination", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", UtcDateTime, nullable=False),
    sa.Column("claimed_until", UtcDateTime),
    sa.Column("claimed_by", sa.String(64)),  # the worker holding the lease
    sa.Column("last_error_code", sa.String(64)),
    sa.Column("last_error", sa.Text),
    sa.Column("remote_id", sa.String(512)),
    sa.Column("idempotency_key", sa.String(128), nullable=False, unique=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("event_id", "destination"),
    sa.Index("ix_deliveries_due", "status", "next_attempt_at"),
    sa.Index("ix_deliveries_lane", "destination", "status", "next_attempt_at"),
)

# Each e-mail recipient of a delivery that some server refused while others accepted it:
# the retry sends only to those not yet delivered; 'refused' (4xx) are retried, 'failed'
# (5xx, or retries exhausted) are dead letters.
delivery_recipients = sa.Table(
    "delivery_recipients",
    metadata,
    sa.Column("delivery_id", sa.Integer, sa.ForeignKey("deliveries.id"), primary_key=True),
    sa.Column("address", sa.String(320), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),  # delivered | refused | failed
    sa.Column("code", sa.Integer),  # the SMTP reply code of a refusal
    sa.Column("error", sa.Text),  # the server's words
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

# A page whose parse overran its budget (or crashed the parser): not fetched and parsed
# again before ``retry_at`` unless its validators or content changed.
page_failures = sa.Table(
    "page_failures",
    metadata,
    sa.Column("url", sa.String(2048), primary_key=True),
    sa.Column("source", sa.String(64), nullable=False, index=True),
    sa.Column("error_code", sa.String(64), nullable=False),
    sa.Column("error", sa.Text),
    sa.Column("content_hash", sa.String(64)),
    sa.Column("etag", sa.String(512)),
    sa.Column("last_modified", sa.String(64)),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("failed_at", UtcDateTime, nullable=False),
    sa.Column("retry_at", UtcDateTime, nullable=False),
)

# Each host's robots.txt (a 2xx body, or a 4xx meaning "no rules") with its validators: read
# by every replica, re-fetched conditionally once older than the fetcher's TTL.
robots_txt = sa.Table(
    "robots_txt",
    metadata,
    sa.Column("origin", sa.String(2048), primary_key=True),  # scheme://host[:port]
    sa.Column("status", sa.Integer, nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
    sa.Column("etag", sa.String(512)),
    sa.Column("last_modified", sa.String(64)),
    sa.Column("fetched_at", UtcDateTime, nullable=False),
)

# Every attempt of a delivery, kept across ``deliveries retry`` (which resets ``attempts``):
# when, how it ended, and what was sent (``payload``: the requests as JSON, secrets masked).
delivery_attempts = sa.Table(
    "delivery_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("delivery_id", sa.ForeignKey("deliveries.id"), nullable=False, index=True),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("started_at", UtcDateTime, nullable=False),
    sa.Column("finished_at", UtcDateTime, nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),  # delivered | retry | failed
    sa.Column("status_code", sa.Integer),
    sa.Column("error_code", sa.String(64)),
    sa.Column("error", sa.Text),
    sa.Column("payload", sa.Text),
)

# Active WebSub subscriptions to our feeds (``web/websub.py``): written only after the
# subscriber confirmed its intent; each gets outbox rows named ``websub:<id>``.
websub_subscriptions = sa.Table(
    "websub_subscriptions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("callback", sa.String(2048), nullable=False),
    sa.Column("topic", sa.String(2048), nullable=False),
    sa.Column("lang", sa.String(8)),  # the topic feed's language; NULL: every language
    sa.Column("secret", sa.String(200)),  # HMAC key of X-Hub-Signature, if given
    sa.Column("lease_seconds", sa.Integer, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False, index=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("callback", "topic"),
)

# Our subscriptions to the WebSub hubs our sources advertise (the subscriber side, ``hubs``).
source_subscriptions = sa.Table(
    "source_subscriptions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("source", sa.String(64), nullable=False),
    sa.Column("hub", sa.String(2048), nullable=False),
    sa.Column("topic", sa.String(2048), nullable=False),
    sa.Column("token", sa.String(64), nullable=False, unique=True),  # the callback's last segment
    sa.Column("secret", sa.String(128), nullable=False),  # HMAC key we gave the hub
    sa.Column("state", sa.String(16), nullable=False),  # pending active denied failed ended
    sa.Column("lease_seconds", sa.Integer),  # as the hub granted it
    sa.Column("expires_at", UtcDateTime),
    sa.Column("push_due_at", UtcDateTime),  # a signed push arrived: poll the source now
    sa.Column("last_error", sa.Text),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("source", "hub", "topic"),
)
