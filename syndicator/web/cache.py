"""Rendered pages, kept until the store changes: render once per change, not per request.

Each document (a feed, the index in one language) is kept with the store version it was
rendered at (``StoreVersion``: the newest event id and the newest poll, read by one cheap
query). A request compares versions; only a changed store renders again, off the event loop
on ``syndicator.offload``'s pool, and requests arriving meanwhile share that one render.
The key comes from the store, so every replica's cache follows the same writes.

The version itself is read at most once per ``ttl_s`` (1 s by default; concurrent requests
share one read): a conditional request for a cached feed then costs no store call at all,
and a change is served at most ``ttl_s`` late (feeds say ``max-age=60`` anyway). A version
read that fails (the store is down) raises ``StoreError`` as any store call does.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import time
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import brotli

from syndicator.offload import offload
from syndicator.store.releases import StoreVersion

__all__ = ["KEY_TTL_S", "PageCache", "Rendered", "encode"]

KEY_TTL_S = 1.0
_GZIP_LEVEL = 6  # once per change: a smaller body for every reader is worth the CPU
_BROTLI_QUALITY = 5  # 11 takes seconds on a 2.6 MB feed; 5 beats gzip -6 in a fraction


@dataclass(frozen=True, slots=True)
class Rendered:
    """One document's bytes with its validators and compressed variants (``br``, ``gzip``)."""

    body: bytes
    media_type: str
    etag: str  # strong, of ``body``: the same bytes give the same tag on every replica
    last_modified: datetime | None
    variants: Mapping[str, bytes] = field(default_factory=dict)
    # response header blocks, built on first use (``web.conditional``): not part of equality
    heads: dict[Hashable, list[tuple[bytes, bytes]]] = field(
        default_factory=dict, compare=False, repr=False
    )


def encode(body: bytes, media_type: str, last_modified: datetime | None) -> Rendered:
    """``body`` with its ETag and its gzip and brotli variants (blocking: call off the loop)."""
    digest = hashlib.sha256(body).hexdigest()[:32]
    variants = {
        "br": brotli.compress(body, quality=_BROTLI_QUALITY),
        "gzip": gzip.compress(body, compresslevel=_GZIP_LEVEL, mtime=0),
    }
    return Rendered(body, media_type, f'"{digest}"', last_modified, variants)


@dataclass(slots=True)
class _Kept:
    key: Hashable
    rendered: Rendered


class PageCache:
    """Rendered documents by name, each valid for one key derived from the store version."""

    def __init__(
        self,
        store_version: Callable[[], StoreVersion],
        *,
        ttl_s: float = KEY_TTL_S,
        clock: Callable[[], float] = time.monotonic,
        max_kept: int | None = None,
    ) -> None:
        """``max_kept``: keep at most that many documents, dropping the least recently used
        (for open-ended names such as archive pages); ``None``: keep every name."""
        self._store_version = store_version
        self._max_kept = max_kept
        self._ttl_s = ttl_s
        self._clock = clock
        self._version: StoreVersion | None = None
        self._read_at = 0.0
        self._reading: asyncio.Future[StoreVersion] | None = None
        self._kept: dict[str, _Kept] = {}
        self._rendering: dict[tuple[str, Hashable], asyncio.Future[Rendered]] = {}

    def fresh_version(self) -> StoreVersion | None:
        """The version read less than ``ttl_s`` ago, if any (no await: the fast path)."""
        if self._version is not None and self._clock() - self._read_at < self._ttl_s:
            return self._version
        return None

    async def version(self) -> StoreVersion:
        """The store's version, read again once ``ttl_s`` has passed since the last read."""
        fresh = self.fresh_version()
        if fresh is not None:
            return fresh
        if self._reading is None:
            self._reading = asyncio.ensure_future(offload(self._store_version))
            self._reading.add_done_callback(self._version_read)
        return await asyncio.shield(self._reading)

    def _version_read(self, future: asyncio.Future[StoreVersion]) -> None:
        self._reading = None
        if not future.cancelled() and future.exception() is None:
            self._version, self._read_at = future.result(), self._clock()

    def cached(self, name: str, key: Hashable) -> Rendered | None:
        """The document rendered for ``key``, if it is kept (no await: the fast path)."""
        kept = self._kept.get(name)
        if kept is None or kept.key != key:
            return None
        if self._max_kept is not None:  # used: now the most recent (dicts keep order)
            self._kept[name] = self._kept.pop(name)
        return kept.rendered

    async def get(self, name: str, key: Hashable, render: Callable[[], Rendered]) -> Rendered:
        """The document for ``key``: kept, being rendered (shared), or rendered now by
        ``render`` (blocking, so it runs off the loop); kept for the next request."""
        rendered = self.cached(name, key)
        if rendered is not None:
            return rendered
        pending = self._rendering.get((name, key))
        if pending is None:
            pending = asyncio.ensure_future(offload(render))
            self._rendering[(name, key)] = pending
            pending.add_done_callback(lambda done: self._rendered(name, key, done))
        return await asyncio.shield(pending)

    def _rendered(self, name: str, key: Hashable, future: asyncio.Future[Rendered]) -> None:
        self._rendering.pop((name, key), None)
        if not future.cancelled() and future.exception() is None:
            self._kept.pop(name, None)
            self._kept[name] = _Kept(key, future.result())
            while self._max_kept is not None and len(self._kept) > self._max_kept:
                del self._kept[next(iter(self._kept))]
