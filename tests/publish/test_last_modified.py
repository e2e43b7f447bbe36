"""The feeds' HTTP ``Last-Modified``: when the document changed; an empty feed's is plausible."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import httpx

from syndicator.publish.channel import EMPTY_FEED_UPDATED, feed_changed, feed_updated
from syndicator.web import create_app
from tests.publish.samples import make_config, sample_entries
from tests.web.conftest import MemoryStore


async def _last_modified(store: MemoryStore, path: str) -> str:
    app = create_app(make_config(), store)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get(path)
    assert response.status_code == 200
    return response.headers["last-modified"]


async def test_an_empty_feed_is_not_dated_1970() -> None:
    value = await _last_modified(MemoryStore([], []), "/feeds/sv/atom.xml")
    assert value == "Thu, 01 Jan 2026 00:00:00 GMT"
    assert parsedate_to_datetime(value) == EMPTY_FEED_UPDATED


async def test_last_modified_is_when_the_document_last_changed() -> None:
    """The newest entry time or the newest storing, whichever is later (``feed_changed``)."""
    entries = sample_entries()
    value = await _last_modified(MemoryStore(entries, []), "/feeds/atom.xml")
    assert parsedate_to_datetime(value) == feed_changed(entries).replace(microsecond=0)
    assert feed_changed(entries) >= feed_updated(entries)
