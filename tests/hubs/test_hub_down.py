"""Polling is the safety net: a real ``Worker`` whose source advertises a hub that is down
still stores the source's releases; the subscription is recorded as failed, not retried
at every poll."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from syndicator.config import Config, HttpSettings, ServiceSettings
from syndicator.scheduler import Worker
from syndicator.sources import feed
from syndicator.store import Store
from tests.hostile.harness import free_port
from tests.sinks import Answer, HttpSink, Recorded

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Vaasa</title><id>urn:vaasa</id>
<updated>2026-12-01T10:00:00Z</updated><link rel="hub" href="{hub}"/>
<entry><title>Pääkirjasto avaa lastenosaston</title><id>urn:1</id>
<link href="https://www.vaasa.fi/uutiset/kirjasto"/><updated>2026-12-01T10:00:00Z</updated>
<content type="html">&lt;p&gt;Vaasan pääkirjaston lastenosasto avautuu
joulukuussa.&lt;/p&gt;</content>
</entry></feed>"""


class FeedHost(HttpSink):
    def __init__(self, hub: str) -> None:
        super().__init__()
        self.body = ATOM.format(hub=hub).encode()

    def inspect(self, request: Recorded) -> Answer | None:
        if request.path.startswith("/robots.txt"):
            return 404
        return (200, {"Content-Type": "application/atom+xml"}, self.body)


async def test_a_hub_that_is_down_leaves_polling_working(store: Store, tmp_path: Path) -> None:
    dead_hub = f"http://127.0.0.1:{free_port()}/websub"
    with FeedHost(dead_hub) as host:
        source = feed.Config(kind="feed", name="vaasa", url=host.url + "/feed.xml",
                             interval=3600, fetch_article=False, catch_up=False)  # fmt: skip
        config = Config(service=ServiceSettings(base_url="http://127.0.0.1:9/"),
                        http=HttpSettings(allow_private_networks=True, min_host_delay=0),
                        sources=(source,))  # fmt: skip
        worker = Worker(config, store, serve=False)
        task = asyncio.create_task(worker.run())
        try:
            async with asyncio.timeout(30):
                while not store.source_subscriptions():  # noqa: ASYNC110 - the worker's store
                    await asyncio.sleep(0.1)
        finally:
            worker.stop()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    titles = [entry.article.title for entry in store.latest_entries(None, 10)]
    assert titles == ["Pääkirjasto avaa lastenosaston"]
    (sub,) = store.source_subscriptions()
    assert (sub.hub, sub.state) == (dead_hub, "failed")
    assert sub.last_error and "unreachable" in sub.last_error
