"""A small in-memory ReadStore and a real uvicorn server on 127.0.0.1:0.

The store-down cases use the real Store on a broken database (``test_store_down.py``).
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from syndicator.model import Entry, SourceState
from syndicator.store.releases import StoreVersion
from syndicator.web import create_app
from tests.publish.samples import T0, make_config, sample_entries


class MemoryStore:
    """Implements ``syndicator.web.ReadStore`` over a list, newest first."""

    def __init__(self, entries: list[Entry], states: list[SourceState]) -> None:
        self.entries = entries
        self.states = states

    def latest_entries(self, lang: str | None, limit: int) -> list[Entry]:
        chosen = [e for e in self.entries if lang is None or e.article.lang == lang]
        return chosen[:limit]

    def source_entries(self, source: str, limit: int) -> list[Entry]:
        return [entry for entry in self.entries if entry.source == source][:limit]

    def archive_count(self, lang: str | None, source: str | None = None) -> int:
        return len(self._of(lang, source))

    def archive_entries(
        self, lang: str | None, page: int, size: int, source: str | None = None
    ) -> list[Entry]:
        """As the real store: the page-th block of ``size`` by item id, newest first."""
        chosen = sorted(self._of(lang, source), key=lambda e: e.item_id)
        block = chosen[(page - 1) * size : page * size]
        return sorted(block, key=lambda e: (e.article.published or e.first_seen, e.item_id))[::-1]

    def _of(self, lang: str | None, source: str | None) -> list[Entry]:
        if source is not None:
            return [e for e in self.entries if e.source == source]
        return [e for e in self.entries if lang is None or e.article.lang == lang]

    def store_version(self) -> StoreVersion:
        """Moves with any change to the entries or the polls, as the real store's does."""
        polls = [state.last_poll_at for state in self.states if state.last_poll_at]
        return StoreVersion(zlib.crc32(repr(self.entries).encode()), max(polls, default=None))

    def check(self) -> None:
        pass

    def source_states(self) -> list[SourceState]:
        return self.states


def sample_states() -> list[SourceState]:
    failed_at: datetime = T0 + timedelta(hours=1)
    return [
        SourceState("vaasa-fi", last_poll_at=T0, last_success_at=T0, items=6),
        SourceState(
            "vaasa-sv",
            last_poll_at=failed_at,
            last_success_at=T0,
            last_error_code="fetch.http_503",
            last_error="HTTP 503 <Service Unavailable>",
            consecutive_failures=2,
            items=1,
        ),
    ]


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore(sample_entries(), sample_states())


@pytest.fixture
def app(store: MemoryStore) -> Starlette:
    return create_app(make_config(), store, key_ttl_s=0)  # each request sees the store


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
async def server_url(app: Starlette) -> AsyncIterator[str]:
    """The app behind a real uvicorn socket, as partners reach it."""
    async with serve(app) as url:
        yield url


@asynccontextmanager
async def serve(app: Starlette, port: int = 0) -> AsyncIterator[str]:
    """Run ``app`` on 127.0.0.1:``port`` (0: any free one) in this event loop; its base URL."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, lifespan="off", ws="none", http="h11"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    host, port = server.servers[0].sockets[0].getsockname()[:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        await task
