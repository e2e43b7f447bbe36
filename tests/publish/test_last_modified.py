"""The feeds' HTTP ``Last-Modified``: the newest entry's own time; an empty feed's is plausible."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import httpx

from syndicator.model import Entry, SourceState
from syndicator.publish.channel import EMPTY_FEED_UPDATED
from syndicator.web import create_app
from tests.publish.samples import make_config, sample_entries


class MemoryStore:
    """``syndicator.web.ReadStore`` over a list, newest first."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries

    def latest_entries(self, lang: str | None, limit: int) -> list[Entry]:
        return [e for e in self.entries if lang is None or e.article.lang == lang][:limit]

    def check(self) -> None:
        pass

    def source_states(self) -> list[SourceState]:
        return []


async def _last_modified(store: MemoryStore, path: str) -> str:
    app = create_app(make_config(), store)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get(path)
    assert response.status_code == 200
    return response.headers["last-modified"]


async def test_an_empty_feed_is_not_dated_1970() -> None:
    value = await _last_modified(MemoryStore([]), "/feeds/sv/atom.xml")
    assert value == "Thu, 01 Jan 2026 00:00:00 GMT"
    assert parsedate_to_datetime(value) == EMPTY_FEED_UPDATED


async def test_last_modified_is_the_newest_entry_own_time() -> None:
    value = await _last_modified(MemoryStore(sample_entries()), "/feeds/atom.xml")
    assert value == "Fri, 27 Nov 2026 08:35:00 GMT"  # the page's 10:35 (+02:00), not a crawl time
