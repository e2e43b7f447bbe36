"""Releases that disappear from their source become ``withdrawn``.

A known page that answers 404 or 410 gets a strike; a second 404/410 at least the source's
``withdraw_after`` later (a re-check apart, never two answers of one poll) withdraws it:
one ``withdrawn`` event, routed like any other (``decide.route``), and the feeds drop it.
A 200 in between clears the strike. Which pages are asked:

- a listed page on its usual re-check (``pipeline``), 404 instead of the article;
- a known item missing from a changed listing that still shows older items of its source
  (taken out, not scrolled off the end) or under two days old (``recheck.YOUNG``: too new
  to have scrolled off) — for a listing ordered by modification time (WordPress,
  ``Listing.shown_since``) one published since its oldest stamp, at any age — and every
  strike that is due, on every poll.

A source kind MAY define ``async def gone(source, fetcher, item) -> int | None``: the
status meaning "gone" (404/410; 401 or a status other than ``publish`` for a WordPress
post) or None when it is there.
Without it the item's page is fetched. The decision itself is ``recheck.gone_confirmed``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from syndicator.configbase import DestinationBase, SourceBase
from syndicator.decide import route
from syndicator.errors import FetchError
from syndicator.http import Fetcher
from syndicator.logs import log_event
from syndicator.model import StoredItem
from syndicator.offload import offload
from syndicator.publish.topics import TopicsFor
from syndicator.recheck import GONE_STATUSES, YOUNG, gone_confirmed
from syndicator.sources import kind_of
from syndicator.store import Store
from syndicator.store.withdrawals import GONE_CODE

__all__ = ["Withdrawals"]

log = logging.getLogger("syndicator.pipeline")

GoneCheck = Callable[[SourceBase, Fetcher, StoredItem], Awaitable[int | None]]


@dataclass(frozen=True, slots=True)
class Withdrawals:
    """Strikes and withdrawals for one poll of ``source``."""

    source: SourceBase
    store: Store
    fetcher: Fetcher
    destinations: Sequence[DestinationBase]
    clock: Callable[[], datetime]
    topics: TopicsFor  # the feeds that held an item: their WebSub subscribers hear of it
    catching_up: bool = False

    async def page_gone(self, item: StoredItem, status: int) -> bool:
        """The item's page answered ``status`` (404/410): a strike, or the confirming
        second one. True when the item was withdrawn now."""
        if item.withdrawn_at is not None:
            return False
        now, name = self.clock(), self.source.name
        strike = await offload(self.store.page_failure, item.url)
        if gone_confirmed(strike, now):
            routed = [] if self.catching_up else route(
                self.destinations, source=name, lang=item.lang, event="withdrawn"
            )  # fmt: skip
            topics = self.topics(name, item.lang, None)
            event_id = await offload(self.store.withdraw_item, item.item_id, destinations=routed,
                                     now=now, topics=topics)  # fmt: skip
            if event_id is not None:
                log_event(log, logging.INFO, "item.withdrawn",
                          f"{item.url}: gone at the source (HTTP {status}) on two re-checks",
                          source=name, url=item.url, lang=item.lang, status=status,
                          count=len(routed))  # fmt: skip
            return event_id is not None
        if strike is None or strike.error_code != GONE_CODE:  # else: struck, waiting
            confirm_at = now + timedelta(seconds=self.source.withdraw_after)
            await offload(self.store.record_gone, item.url, source=name, status=status,
                          now=now, confirm_at=confirm_at)  # fmt: skip
            log_event(log, logging.WARNING, "item.gone",
                      f"{item.url}: HTTP {status}; withdrawn if it still is after "
                      f"{confirm_at.isoformat()}", source=name, url=item.url,
                      status=status, error_code=f"fetch.http_{status}")  # fmt: skip
        return False

    async def check(
        self, listed: Collection[str] | None, shown_since: datetime | None = None
    ) -> int:
        """Ask about due strikes and (``listed``: the URLs of a changed listing) items the
        listing no longer shows; the number withdrawn. ``shown_since``: ``Listing``'s."""
        store, name, now = self.store, self.source.name, self.clock()
        asked = {item.item_id: item for item in await offload(store.gone_due, name, now)}
        if listed is not None:
            since = now - timedelta(days=self.source.recheck_days)
            if shown_since is not None:  # anything published since then must be listed
                since = min(since, shown_since)
            vanished = await offload(store.vanished_items, name, listed, since=since,
                                     young_since=now - YOUNG, shown_since=shown_since)  # fmt: skip
            for item in vanished:
                strike = await offload(store.page_failure, item.url)
                if strike is None or now >= strike.retry_at:  # else: already struck, waiting
                    asked.setdefault(item.item_id, item)
        withdrawn = 0
        for item in asked.values():
            status = await self._ask(item)
            if status is None:
                await offload(store.clear_page_failure, item.url)
            elif status > 0:
                withdrawn += await self.page_gone(item, status)
        return withdrawn

    async def _ask(self, item: StoredItem) -> int | None:
        """404/410 when the source says the item is gone, None when it is there, 0 when the
        question failed (the strike stays as it was)."""
        gone: GoneCheck | None = getattr(kind_of(self.source), "gone", None)
        try:
            if gone is not None:
                return await gone(self.source, self.fetcher, item)
            await self.fetcher.get(item.url, source=self.source.name)
        except FetchError as exc:
            if exc.status in GONE_STATUSES:
                return exc.status
            log_event(log, logging.WARNING, "item.gone_unknown",
                      f"{item.url}: could not check whether it is still there: {exc.message}",
                      source=self.source.name, url=item.url, error_code=exc.code)  # fmt: skip
            return 0
        return None
