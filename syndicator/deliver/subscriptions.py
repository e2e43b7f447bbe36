"""The outbox's WebSub lane: distributions to every live subscription of our hub.

Each pass lists the live subscriptions and, ``PARALLEL`` at a time, claims the head row of
each (``websub:<id>``; one claim for the batch), renders each of their topics' current
feed once and sends every claimed row through the outbox's ``Attempt`` (leases, retries,
dead letters, history), side by side; then it looks again until nothing is due. A slow
subscriber delays only its own rows (head of line per subscription) and its batch.

The document is the whole feed, so a poll that found five releases needs one request per
subscriber, not five: when a row is delivered, the subscription's rows that were pending
before the document was read (so it holds their changes) are delivered with it
(``websub.covered``). At most once a minute the lane deletes subscriptions whose lease ran
out and skips the rows of ended ones.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from pydantic import SecretStr

from syndicator import config as settings
from syndicator.deliver import websub
from syndicator.deliver.outbox import LaneTools
from syndicator.deliver.policy import DrainResult
from syndicator.logs import log_event
from syndicator.model import Delivery
from syndicator.offload import offload
from syndicator.publish import Feed, feed_entries, published_feeds, render_feed
from syndicator.publish.archive import has_archive, page_count
from syndicator.store import Store, Subscription

__all__ = ["CLEANUP_EVERY", "PARALLEL", "WebSubLane", "feeds_by_topic", "hub_url"]

log = logging.getLogger("syndicator.websub")
CLEANUP_EVERY = 60.0  # seconds between two sweeps of expired subscriptions
PARALLEL = 64  # subscribers sent to at once (anybody may subscribe: never unbounded)


def hub_url(config: settings.Config) -> str:
    """Our hub's address: ``POST`` subscriptions here; named in ``Link: rel="hub"``."""
    return config.service.base_url.rstrip("/") + "/websub"


def feeds_by_topic(config: settings.Config) -> dict[str, Feed]:
    """Every feed a subscriber may subscribe to, by its absolute URL (the topic)."""
    return {feed.url(config): feed for feed in published_feeds(config)}


@dataclass(slots=True)
class WebSubLane:
    """An ``outbox.ExtraLane`` for the subscriptions in ``store``."""

    config: settings.Config
    store: Store
    name: str = "websub"
    _cleaned: float = field(default=-math.inf, init=False)

    async def run(self, tools: LaneTools, result: DrainResult, *, dry_run: bool) -> None:
        if not dry_run:
            await self._cleanup(tools)
        while not tools.stopping():
            live = await tools.calls(self.store.active_subscriptions, tools.clock())
            sent = 0
            for start in range(0, len(live), PARALLEL):
                if tools.stopping():
                    return
                sent += await self._batch(tools, live[start : start + PARALLEL], result, dry_run)
            if not sent:
                return

    async def _batch(
        self, tools: LaneTools, subs: list[Subscription], result: DrainResult, dry_run: bool
    ) -> int:
        """Claim the head row of each of ``subs``, send those side by side; how many.
        Claimed only now, so no lease runs out while earlier batches are sent."""
        heads = await asyncio.gather(*(tools.calls.claim(s.destination) for s in subs))
        claimed = [(sub, row) for sub, row in zip(subs, heads, strict=True) if row]
        if not claimed:
            return 0
        names = [sub.destination for sub, _row in claimed]
        waiting = await tools.calls(self.store.waiting_rows, names)  # read before rendering
        documents = await self._documents(tools, {sub.topic for sub, _row in claimed})
        await asyncio.gather(*(
            self._send(tools, sub, row, documents, result, dry_run,
                       waiting.get(sub.destination, []))
            for sub, row in claimed
        ))  # fmt: skip
        return len(claimed)

    async def _send(
        self,
        tools: LaneTools,
        sub: Subscription,
        row: Delivery,
        documents: dict[str, tuple[bytes, str]],
        result: DrainResult,
        dry_run: bool,
        behind: list[int],
    ) -> None:
        """Send ``row``; once delivered, the rows ``behind`` it (pending when the document
        was read, so in it) are delivered too: the subscriber has the feed that holds them."""
        if sub.topic not in documents:  # no such feed any more: end it, its rows are skipped
            await tools.calls(self.store.unsubscribe, sub.callback, sub.topic)
            log_event(log, logging.WARNING, "websub.topic_gone",
                      f"{sub.topic} is no longer published; subscription ended",
                      destination=sub.destination)  # fmt: skip
            return
        document, content_type = documents[sub.topic]
        target = websub.Config(
            name=sub.destination,
            callback=sub.callback,
            topic=sub.topic,
            hub=hub_url(self.config),
            secret=SecretStr(sub.secret) if sub.secret else None,
            document=document,
            content_type=content_type,
            allow_private_networks=self.config.http.allow_private_networks,
        )
        outcome = DrainResult()
        await tools.attempt(target, websub).run(row, outcome, dry_run=dry_run)
        for name in ("delivered", "retry", "failed", "skipped", "dry_run"):
            setattr(result, name, getattr(result, name) + getattr(outcome, name))
        if outcome.failed:
            await self._gone(tools, sub, row)
        if outcome.delivered and behind:
            now = tools.clock()
            covered = await tools.calls(self.store.cover_rows, behind, row.idempotency_key, now)
            result.count(sub.destination, "delivered", covered)
            log_event(log, logging.INFO, "websub.covered",
                      f"{covered} more changes were in the same document", count=covered,
                      destination=sub.destination, delivery_id=row.id)  # fmt: skip

    async def _gone(self, tools: LaneTools, sub: Subscription, row: Delivery) -> None:
        """A callback answering 410 Gone deleted the subscription on its side (WebSub § 7:
        the hub may end it): end it here too; its waiting rows are skipped."""
        (failed,) = await tools.calls(self.store.list_deliveries, ids=[row.id])
        if failed.last_error_code != "delivery.http_410":
            return
        await tools.calls(self.store.unsubscribe, sub.callback, sub.topic)
        log_event(log, logging.INFO, "websub.gone",
                  "the callback answered 410 Gone: subscription ended",
                  destination=sub.destination, status=410)  # fmt: skip

    async def _documents(
        self, tools: LaneTools, topics: Iterable[str]
    ) -> dict[str, tuple[bytes, str]]:
        """Each topic's current document and content type (a topic no longer published,
        after a change of ``feeds.languages``, is left out)."""
        feeds = feeds_by_topic(self.config)
        documents: dict[str, tuple[bytes, str]] = {}
        for topic in topics:
            feed = feeds.get(topic)
            if feed is None:
                continue
            entries = await tools.calls(feed_entries, self.store, feed, self.config)
            pages = None  # the archive links, as served
            if has_archive(feed):
                count = await tools.calls(self.store.archive_count, feed.lang, feed.source)
                pages = page_count(count, self.config.feeds.archive_page_size)
            body = await offload(render_feed, feed, entries, self.config, pages)
            documents[topic] = (body, feed.content_type)
        return documents

    async def _cleanup(self, tools: LaneTools) -> None:
        now = time.monotonic()
        if now - self._cleaned < CLEANUP_EVERY:
            return
        self._cleaned = now
        ended, skipped = await tools.calls(self.store.end_subscriptions, tools.clock())
        if ended or skipped:
            log_event(log, logging.INFO, "websub.expired",
                      f"{ended} subscriptions expired; {skipped} waiting distributions dropped",
                      count=ended)  # fmt: skip
