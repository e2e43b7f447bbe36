"""When to subscribe to a source's hub, and doing it (W3C WebSub §§ 5.1, 5.3).

After a poll whose listing advertised a hub (``Listing.hub``), the worker subscribes —
unless the source says ``websub = false``, or a subscription for (source, hub, topic) is
active (and not yet due for renewal), pending (the hub has not verified yet), or was denied
or failed lately. The callback is ``{service.base_url}/websub/callback/{token}``; a
loopback ``base_url`` cannot be reached by any hub, so then nothing is asked (said once),
unless ``http.allow_private_networks`` (tests, the demo). ``renew_due`` asks again for
every active subscription past 80 % of its lease: a scheduler job, so a source polled
seldom still renews in time. The verification itself lands in ``web.websub_callback``.

Subscriptions the sources no longer want are ended (``retired``), never renewed, and their
pushes answered 410 Gone: after a poll that read the listing and saw another hub or topic,
or none; and, in the renewal job, those of sources removed from the config or switched to
``websub = false``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Literal
from urllib.parse import urlsplit

import httpx

from syndicator.config import Config
from syndicator.configbase import SourceBase
from syndicator.errors import StoreError
from syndicator.hubs.discovery import HubLink
from syndicator.hubs.requests import HubRequest, send_request
from syndicator.logs import log_event
from syndicator.offload import offload
from syndicator.store import SourceSubscription, Store

__all__ = [
    "RENEW_AT",
    "RENEW_EVERY",
    "SourceHubs",
    "callback_url",
    "retired",
    "unreachable_reason",
    "wants_request",
]

log = logging.getLogger("syndicator.websub")
RENEW_AT = 0.8  # of the lease: ask again then
RENEW_EVERY = 30.0  # seconds between two looks for subscriptions to renew
PENDING_WAIT = timedelta(hours=1)  # a hub that has not verified by then is asked again
RETRY_AFTER = {"failed": timedelta(hours=1), "denied": timedelta(days=1), "ended": timedelta(0)}


def callback_url(config: Config, token: str) -> str:
    return f"{config.service.base_url.rstrip('/')}/websub/callback/{token}"


def unreachable_reason(config: Config) -> str | None:
    """PURE. Why no hub could reach our callbacks, or None."""
    if config.http.allow_private_networks:
        return None
    host = (urlsplit(config.service.base_url).hostname or "").lower()
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    return f"service.base_url {config.service.base_url} is a loopback address" if loopback else None


def wants_request(existing: SourceSubscription | None, now: datetime) -> bool:
    """PURE. Whether to send a subscription request for a hub a poll just saw."""
    if existing is None:
        return True
    if existing.state == "active":
        return renewal_due(existing, now)
    if existing.state == "pending":
        return now - existing.updated_at >= PENDING_WAIT
    return now - existing.updated_at >= RETRY_AFTER.get(existing.state, PENDING_WAIT)


def renewal_due(sub: SourceSubscription, now: datetime) -> bool:
    """PURE. An active subscription past ``RENEW_AT`` of its lease (or without one)."""
    if sub.expires_at is None or not sub.lease_seconds:
        return True
    into_lease = sub.lease_seconds - (sub.expires_at - now).total_seconds()
    return into_lease >= RENEW_AT * sub.lease_seconds


def retired(subs: Sequence[SourceSubscription], kept: HubLink | None) -> list[SourceSubscription]:
    """PURE. The live rows among ``subs`` other than the one for ``kept`` (all when None)."""
    keep = (kept.hub, kept.topic) if kept is not None else None
    return [s for s in subs if s.state != "ended" and (s.hub, s.topic) != keep]


class SourceHubs:
    def __init__(self, config: Config, store: Store, client: httpx.AsyncClient) -> None:
        self.config, self.store, self.client = config, store, client
        self._told = False  # the unreachable callback is said once per process

    async def after_poll(
        self, source: SourceBase, hub: HubLink | None, now: datetime, *, listed: bool
    ) -> None:
        """Subscribe to the hub a poll of ``source`` saw, when that is wanted; ``listed``:
        the poll read the listing (not a 304, not a failure), so ``hub`` None means none."""
        subs = await offload(self.store.source_subscriptions, source.name)
        kept = hub if source.websub else None
        if listed or not source.websub:
            await self._retire(retired(subs, kept), "no longer advertised by the source", now)
        if kept is None or not self._reachable(source, kept):
            return
        existing = next((s for s in subs if (s.hub, s.topic) == (kept.hub, kept.topic)), None)
        if wants_request(existing, now):
            await self._subscribe(source.name, kept, now)

    async def renew_due(self, now: datetime, sources: Sequence[SourceBase]) -> int:
        """Ask again for each active subscription near the end of its lease; how many."""
        wanted = {source.name for source in sources if source.enabled and source.websub}
        subs = await offload(self.store.source_subscriptions)
        unwanted = [s for s in subs if s.source not in wanted and s.state != "ended"]
        await self._retire(unwanted, "the source is no longer configured for WebSub", now)
        due = [
            s for s in subs if s.state == "active" and s.source in wanted and renewal_due(s, now)
        ]
        # side by side: a hub that takes its full deadline must not hold up the others
        await asyncio.gather(
            *(self._subscribe(s.source, HubLink(s.hub, s.topic), now) for s in due)
        )
        return len(due)

    async def renew(self, sources: Sequence[SourceBase]) -> None:
        """``renew_due`` now, as a scheduler job: a store failure waits for the next run."""
        try:
            await self.renew_due(datetime.now(UTC), sources)
        except StoreError as exc:
            log_event(log, logging.WARNING, "websub.renew_failed",
                      f"subscriptions not renewed: {exc.message}", error_code=exc.code)  # fmt: skip

    async def _retire(self, subs: Sequence[SourceSubscription], why: str, now: datetime) -> None:
        """End each of ``subs``, and ask its hub to unsubscribe if it may still push: should
        that request fail, the 410 to its next push ends it too."""
        for sub in subs:
            await offload(self.store.end_source_subscription, sub.id, "ended", why, now)
            log_event(log, logging.INFO, "websub.ended",
                      f"{sub.source}: subscription at {sub.hub} to {sub.topic} ended: {why}",
                      source=sub.source, url=sub.hub)  # fmt: skip
            if sub.state in ("active", "pending"):
                await self._ask(sub.source, "unsubscribe", sub)

    def _reachable(self, source: SourceBase, hub: HubLink) -> bool:
        reason = unreachable_reason(self.config)
        if reason is not None and not self._told:
            self._told = True
            log_event(log, logging.INFO, "websub.no_callback",
                      f"{source.name}: {hub.hub} advertised, not subscribing: {reason} a hub "
                      "cannot reach; polling only", source=source.name, url=hub.hub)  # fmt: skip
        return reason is None

    async def _subscribe(self, source: str, hub: HubLink, now: datetime) -> None:
        sub = await offload(self.store.open_source_subscription, source, hub.hub, hub.topic,
                            token=secrets.token_urlsafe(24), secret=secrets.token_hex(32),
                            now=now)  # fmt: skip
        problem = await self._ask(source, "subscribe", sub)
        if problem is None:
            return
        if sub.state == "active":  # a renewal: the lease we have still holds
            await offload(self.store.note_subscription_error, sub.id, problem, now)
        else:
            await offload(self.store.end_source_subscription, sub.id, "failed", problem, now)
        log_event(log, logging.WARNING, "websub.subscribe_failed",
                  f"{source}: subscribing at {hub.hub} failed: {problem}", source=source,
                  url=hub.hub, error_code="websub.subscribe_failed")  # fmt: skip

    async def _ask(
        self, source: str, mode: Literal["subscribe", "unsubscribe"], sub: SourceSubscription
    ) -> str | None:
        """Send the hub the request; what went wrong, if anything (logged by the caller for
        a subscription, here for an unsubscription, which needs nothing more)."""
        callback = callback_url(self.config, sub.token)
        asked = HubRequest(mode, sub.hub, sub.topic, callback, sub.secret)
        allow = self.config.http.allow_private_networks
        problem = await send_request(self.client, asked, allow_private=allow)
        if problem is None:
            log_event(log, logging.INFO, "websub.requested",
                      f"{source}: asked {sub.hub} to {mode} {sub.topic}",
                      source=source, url=sub.hub)  # fmt: skip
        elif mode == "unsubscribe":
            log_event(log, logging.INFO, "websub.unsubscribe_failed",
                      f"{source}: unsubscribing at {sub.hub} failed ({problem}); its next "
                      "push will be answered 410 Gone", source=source, url=sub.hub)  # fmt: skip
        return problem
