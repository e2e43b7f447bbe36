"""robots.txt for ``http.py``: read with Protego, kept for a day in a ``RobotsStore``.

RFC 9309 matching (urllib.robotparser has none of it): ``*`` and ``$`` in paths, the longest
matching rule wins (``Allow`` on a tie), groups naming our product token (the first word of
``user_agent``) are merged and beat ``*``. A 4xx answer means "no rules" (allow all); a 5xx
or an unreachable host means "disallow all". A failure is remembered in memory only, for a
shorter time (``ERROR_TTL_S``), so that one transient 503 does not silence a source for a
day; each is logged once.

Caching (RFC 9309 §2.4: up to 24 hours): a good answer (2xx or 4xx) is saved with its
validators and fetch time in a ``RobotsStore`` — the database in the worker and ``poll
--once``, so it survives runs and is shared by replicas; process memory elsewhere. Once older
than ``ttl`` it is fetched again with ``If-None-Match``/``If-Modified-Since``; a 304 keeps
the saved copy and restarts its clock.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from typing import Protocol
from urllib.parse import urlsplit

from protego import Protego

from syndicator.errors import FetchError

__all__ = [
    "ERROR_TTL_S",
    "TTL_S",
    "MemoryRobots",
    "RobotsCache",
    "RobotsFetch",
    "RobotsReply",
    "RobotsStore",
    "SavedRobots",
    "product_token",
]

TTL_S = 24 * 3600.0
ERROR_TTL_S = 600.0

log = logging.getLogger("syndicator.http")

# Errors that are about *our* request, not the host's robots.txt: they propagate.
_PROPAGATE = frozenset({"fetch.blocked_address", "fetch.invalid_url"})
_DISALLOW_ALL = "User-agent: *\nDisallow: /\n"
_PRODUCT_TOKEN = re.compile(r"\s*([A-Za-z0-9_-]+)")


@dataclass(frozen=True, slots=True)
class RobotsReply:
    """What the host answered; the body only for a 2xx."""

    status: int
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None


RobotsFetch = Callable[[str, Mapping[str, str]], Awaitable[RobotsReply]]
"""``(robots.txt URL, request headers) → reply``; raises FetchError when unreachable."""


@dataclass(frozen=True, slots=True)
class SavedRobots:
    """A host's last good answer: a 2xx body, or a 4xx status (no rules)."""

    status: int
    body: bytes
    etag: str | None
    last_modified: str | None
    fetched_at: float  # Unix time


class RobotsStore(Protocol):
    """Where saved copies live, keyed by origin (``scheme://host[:port]``)."""

    async def load(self, origin: str) -> SavedRobots | None: ...

    async def save(self, origin: str, saved: SavedRobots) -> None: ...


class MemoryRobots:
    """The default ``RobotsStore``: this process only (``extract``, tests)."""

    def __init__(self) -> None:
        self.copies: dict[str, SavedRobots] = {}

    async def load(self, origin: str) -> SavedRobots | None:
        return self.copies.get(origin)

    async def save(self, origin: str, saved: SavedRobots) -> None:
        self.copies[origin] = saved


def product_token(user_agent: str) -> str:
    """``syndicator`` for ``syndicator/0.1 (...)``: what robots.txt groups are matched on.
    Matching the whole header would let a group ``github`` catch us through our contact URL."""
    match = _PRODUCT_TOKEN.match(user_agent)
    return match.group(1).lower() if match else "*"


@dataclass(slots=True)
class _Entry:
    parser: Protego
    expires: float
    failure: FetchError | None = None  # why robots.txt could not be read (then: disallow all)


class RobotsCache:
    """Parsed robots.txt per origin in memory, backed by ``store`` for ``ttl`` seconds."""

    def __init__(
        self,
        fetch: RobotsFetch,
        user_agent: str,
        *,
        store: RobotsStore | None = None,
        ttl: float = TTL_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._fetch = fetch
        self._agent = product_token(user_agent)
        self._store = store if store is not None else MemoryRobots()
        self._ttl = ttl
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def check(self, url: str, *, source: str = "") -> None:
        """Raise FetchError unless robots.txt lets us fetch ``url``. When robots.txt itself
        could not be read, the error names that cause (an unreachable host stays
        ``fetch.connect``), not a misleading "disallowed"."""
        entry = await self._entry(url, source)
        if entry.failure is not None:
            raise FetchError(
                f"GET {url} not attempted: {entry.failure.message}",
                code=entry.failure.code,
                url=url,
                retry_after=entry.failure.retry_after,
            )
        if not entry.parser.can_fetch(url, self._agent):
            raise FetchError(
                f"GET {url} is disallowed by the site's robots.txt",
                code="fetch.robots_disallowed",
                url=url,
            )

    async def _entry(self, url: str, source: str) -> _Entry:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:  # one robots.txt fetch per host, even under concurrency
            entry = self._entries.get(origin)
            if entry is None or entry.expires <= self._clock():
                entry = await self._load(origin, source)
                self._entries[origin] = entry
        return entry

    async def _load(self, origin: str, source: str) -> _Entry:
        saved = await self._store.load(origin)
        if saved is not None and self._clock() - saved.fetched_at < self._ttl:
            return self._parsed(saved)
        robots_url = f"{origin}/robots.txt"
        try:
            reply = await self._fetch(robots_url, _conditional(saved))
        except FetchError as exc:
            if exc.code in _PROPAGATE:
                raise
            self._log_failure(robots_url, source, exc.code, exc.message)
            return _Entry(Protego.parse(_DISALLOW_ALL), self._clock() + ERROR_TTL_S, exc)
        if reply.status == 304 and saved is not None:
            fresh = replace(saved, fetched_at=self._clock())
        elif 200 <= reply.status < 300 or 400 <= reply.status < 500:
            body = reply.body if reply.status < 300 else b""
            fresh = SavedRobots(reply.status, body, reply.etag, reply.last_modified, self._clock())
        else:
            message = f"GET {robots_url} answered {reply.status} (RFC 9309: wait until it answers)"
            self._log_failure(robots_url, source, f"fetch.http_{reply.status}", message)
            failure = FetchError(
                message, code="fetch.robots_unavailable", url=robots_url, status=reply.status
            )
            return _Entry(Protego.parse(_DISALLOW_ALL), self._clock() + ERROR_TTL_S, failure)
        await self._store.save(origin, fresh)
        return self._parsed(fresh)

    def _parsed(self, saved: SavedRobots) -> _Entry:
        # A 4xx: no rules, everything allowed.
        text = saved.body.decode("utf-8", errors="replace") if saved.status < 300 else ""
        return _Entry(Protego.parse(text), saved.fetched_at + self._ttl)

    @staticmethod
    def _log_failure(url: str, source: str, code: str, message: str) -> None:
        # INFO: the poll that cannot go on logs the WARNING, with this cause in it.
        log.info(
            "%s: robots.txt unavailable, treating the host as disallowed (RFC 9309)",
            message,
            extra={
                "event": "fetch.robots_unavailable",
                "url": url,
                "source": source,
                "error_code": code,
            },
        )


def _conditional(saved: SavedRobots | None) -> dict[str, str]:
    """Validators of the saved copy: a 304 then keeps it (a 4xx has none: asked again)."""
    headers: dict[str, str] = {}
    if saved is not None and saved.etag:
        headers["If-None-Match"] = saved.etag
    if saved is not None and saved.last_modified:
        headers["If-Modified-Since"] = saved.last_modified
    return headers
