"""robots.txt for ``http.py``: fetched once per host per hour, read with urllib.robotparser.

RFC 9309: a 4xx answer means "no rules" (allow all); a 5xx or an unreachable host means
"disallow all". A failure is remembered for a shorter time (``ERROR_TTL_S``) so that one
transient 503 does not silence a source for a whole hour; each is logged once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from syndicator.errors import FetchError

__all__ = ["ERROR_TTL_S", "TTL_S", "RobotsCache", "RobotsFetch"]

TTL_S = 3600.0
ERROR_TTL_S = 600.0

RobotsFetch = Callable[[str], Awaitable[tuple[int, bytes]]]
"""``robots.txt URL → (status, body)``; raises FetchError when the host is unreachable."""

log = logging.getLogger("syndicator.http")

# Errors that are about *our* request, not the host's robots.txt: they propagate.
_PROPAGATE = frozenset({"fetch.blocked_address", "fetch.invalid_url"})
_DISALLOW_ALL = ("User-agent: *", "Disallow: /")


@dataclass(slots=True)
class _Entry:
    parser: RobotFileParser
    expires: float


class RobotsCache:
    def __init__(
        self, fetch: RobotsFetch, user_agent: str, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._fetch = fetch
        self._agent = user_agent
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def allowed(self, url: str, *, source: str = "") -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:  # one robots.txt fetch per host, even under concurrency
            entry = self._entries.get(origin)
            if entry is None or entry.expires <= self._clock():
                entry = await self._load(origin, source)
                self._entries[origin] = entry
        return entry.parser.can_fetch(self._agent, url)

    async def _load(self, origin: str, source: str) -> _Entry:
        robots_url = f"{origin}/robots.txt"
        parser = RobotFileParser(robots_url)
        try:
            status, body = await self._fetch(robots_url)
        except FetchError as exc:
            if exc.code in _PROPAGATE:
                raise
            self._log_failure(robots_url, source, exc.code, exc.message)
            parser.parse(_DISALLOW_ALL)
            return _Entry(parser, self._clock() + ERROR_TTL_S)
        if 200 <= status < 300:
            parser.parse(body.decode("utf-8", errors="replace").splitlines())
        elif 400 <= status < 500:
            parser.parse([])  # no rules: everything allowed
        else:
            code = f"fetch.http_{status}"
            self._log_failure(robots_url, source, code, f"GET {robots_url} answered {status}")
            parser.parse(_DISALLOW_ALL)
            return _Entry(parser, self._clock() + ERROR_TTL_S)
        return _Entry(parser, self._clock() + TTL_S)

    @staticmethod
    def _log_failure(url: str, source: str, code: str, message: str) -> None:
        log.warning(
            "%s: robots.txt unavailable, treating the host as disallowed (RFC 9309)",
            message,
            extra={
                "event": "fetch.robots_unavailable",
                "url": url,
                "source": source,
                "error_code": code,
            },
        )
