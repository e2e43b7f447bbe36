"""The delivery client's transport: one connection pool per origin.

httpcore keeps one pool for every origin and, at each request, matches every queued request
against every connection: with 500 webhook destinations woken by one release, that is
quadratic and costs seconds of CPU before a byte is sent. Here each origin (scheme, host,
port) gets its own pool, so a request only meets the connections of its own receiver;
destinations sharing an origin (ten Slack webhooks) share its pool and its keep-alive.
Each pool has httpx's default limits (100 connections, 20 kept alive), as the one pool had
for all; they share one TLS context. A pool unused for ``idle`` seconds is closed, so
connections to a receiver heard from once do not stay open for ever.
"""

from __future__ import annotations

import ssl
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx

__all__ = ["OriginTransport"]

_Origin = tuple[str, str, int | None]


@dataclass(slots=True)
class _Pool:
    transport: httpx.AsyncHTTPTransport
    used: float
    active: int = 0  # responses not yet closed: never close the pool under them


class _Tracked(httpx.AsyncByteStream):
    """The response body; closing it tells the pool the request is over."""

    def __init__(self, stream: httpx.AsyncByteStream, pool: _Pool) -> None:
        self._stream = stream
        self._pool = pool
        self._open = True

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        if self._open:
            self._open = False
            self._pool.active -= 1
        await self._stream.aclose()


class OriginTransport(httpx.AsyncBaseTransport):
    """An ``httpx.AsyncHTTPTransport`` per origin, created on first use."""

    def __init__(self, *, limits: httpx.Limits | None = None, idle: float = 60.0) -> None:
        self._context = ssl.create_default_context()
        self._limits = limits or httpx.Limits(max_connections=100, max_keepalive_connections=20)
        self._idle = idle
        self._pools: OrderedDict[_Origin, _Pool] = OrderedDict()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        origin = (request.url.scheme, request.url.host, request.url.port)
        now = time.monotonic()
        pool = self._pools.pop(origin, None) or _Pool(
            httpx.AsyncHTTPTransport(verify=self._context, limits=self._limits), now
        )
        pool.used = now
        self._pools[origin] = pool  # the most recently used last
        pool.active += 1  # before the idle check: this pool is in use
        try:
            await self._close_idle(now)
            response = await pool.transport.handle_async_request(request)
        except BaseException:
            pool.active -= 1
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _Tracked(response.stream, pool)
        return response

    async def aclose(self) -> None:
        pools, self._pools = self._pools, OrderedDict()
        for pool in pools.values():
            await pool.transport.aclose()

    async def _close_idle(self, now: float) -> None:
        """Close pools unused for ``idle`` seconds (oldest first), unless a response of
        theirs is still open. Stops at the first recent pool: O(closed), not O(pools)."""
        expired = []
        for origin, pool in self._pools.items():
            if now - pool.used < self._idle:
                break
            if not pool.active:
                expired.append(origin)
        for origin in expired:
            await self._pools.pop(origin).transport.aclose()
