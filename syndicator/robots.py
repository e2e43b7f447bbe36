"""robots.txt for ``http.py``: fetched once per host per hour, read with Protego.

RFC 9309 matching (urllib.robotparser has none of it): ``*`` and ``$`` in paths, the longest
matching rule wins (``Allow`` on a tie), groups naming our product token (the first word of
``user_agent``) are merged and beat ``*``. A 4xx answer means "no rules" (allow all); a 5xx
or an unreachable host means "disallow all". A failure is remembered for a shorter time
(``ERROR_TTL_S``) so that one transient 503 does not silence a source for a whole hour; each
is logged once.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from syndicator.errors import FetchError

__all__ = ["ERROR_TTL_S", "TTL_S", "RobotsCache", "RobotsFetch", "product_token"]

TTL_S = 3600.0
ERROR_TTL_S = 600.0

RobotsFetch = Callable[[str], Awaitable[tuple[int, bytes]]]
"""``robots.txt URL → (status, body)``; raises FetchError when the host is unreachable."""

log = logging.getLogger("syndicator.http")

# Errors that are about *our* request, not the host's robots.txt: they propagate.
_PROPAGATE = frozenset({"fetch.blocked_address", "fetch.invalid_url"})
_DISALLOW_ALL = "User-agent: *\nDisallow: /\n"
_PRODUCT_TOKEN = re.compile(r"\s*([A-Za-z0-9_-]+)")


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
    def __init__(
        self, fetch: RobotsFetch, user_agent: str, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._fetch = fetch
        self._agent = product_token(user_agent)
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
        robots_url = f"{origin}/robots.txt"
        try:
            status, body = await self._fetch(robots_url)
        except FetchError as exc:
            if exc.code in _PROPAGATE:
                raise
            self._log_failure(robots_url, source, exc.code, exc.message)
            return _Entry(Protego.parse(_DISALLOW_ALL), self._clock() + ERROR_TTL_S, exc)
        if 200 <= status < 300:
            parser = Protego.parse(body.decode("utf-8", errors="replace"))
        elif 400 <= status < 500:
            parser = Protego.parse("")  # no rules: everything allowed
        else:
            message = f"GET {robots_url} answered {status} (RFC 9309: wait until it answers)"
            self._log_failure(robots_url, source, f"fetch.http_{status}", message)
            failure = FetchError(
                message, code="fetch.robots_unavailable", url=robots_url, status=status
            )
            return _Entry(Protego.parse(_DISALLOW_ALL), self._clock() + ERROR_TTL_S, failure)
        return _Entry(parser, self._clock() + TTL_S)

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
