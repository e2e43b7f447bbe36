"""``python -m bench.websub [SUBSCRIBERS] [RELEASES]``: the hub's fan-out.

SUBSCRIBERS (default 200) subscriptions to ``/feeds/fi/atom.xml``, each callback its own
port of ``bench/sinkfarm.py`` (answers ``200`` after 50 ms), and RELEASES (default 1) new
Finnish releases stored as one poll would, on SQLite in a temporary directory. Then one
``drain`` of the outbox with the WebSub lane and the worker's kind of client; figures: the
drain's wall time, the requests the farm got (one per subscriber: the whole feed carries
every release) and the last arrival. Figures, never assertions.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench.sinkfarm import SinkFarm
from syndicator.config import Config, HttpSettings, ServiceSettings
from syndicator.decide import decide
from syndicator.deliver.attempt import RetryPolicy
from syndicator.deliver.outbox import drain_all
from syndicator.deliver.subscriptions import WebSubLane, feeds_by_topic
from syndicator.deliver.transport import OriginTransport
from syndicator.model import Article
from syndicator.store import Store, open_store

_ANSWER_DELAY = 0.05
_PUBLISHED = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)


def _article(number: int) -> Article:
    return Article(
        url=f"https://www.vaasa.fi/uutiset/tiedote-{number}/",
        title=f"Tiedote {number}",
        lang="fi",
        published=_PUBLISHED,
        updated=None,
        lead="Ingressi.",
        body_html="<p>Runko.</p>",
        text="Runko.",
    )


def _fill(store: Store, config: Config, ports: list[int], releases: int) -> None:
    topic = next(url for url, feed in feeds_by_topic(config).items() if feed.lang == "fi")
    now = datetime.now(UTC)
    for port in ports:
        store.subscribe(f"http://127.0.0.1:{port}/push", topic, lang="fi", secret="s" * 32,
                        lease_seconds=86400, now=now)  # fmt: skip
    for number in range(releases):
        article = _article(number)
        store.save_article("vaasa-fi", article, decide(None, article), None, destinations=[],
                           now=now)  # fmt: skip


async def _run(subscribers: int, releases: int) -> None:
    config = Config(
        service=ServiceSettings(base_url="https://tiedotteet.vaasa.example/"),
        http=HttpSettings(allow_private_networks=True),
    )
    farm = SinkFarm(subscribers)
    try:
        farm.ask(f"delay {_ANSWER_DELAY}")
        with tempfile.TemporaryDirectory() as folder:
            store = open_store(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
            try:
                _fill(store, config, farm.ports, releases)
                async with httpx.AsyncClient(transport=OriginTransport(), timeout=10) as client:
                    started = time.time()
                    result = await drain_all(store, [], client, policy=RetryPolicy(),
                                             extra=[WebSubLane(config, store)])  # fmt: skip
                    drained = time.time() - started
            finally:
                store.close()
        arrivals = farm.wait_for(subscribers, 10.0)
    finally:
        farm.close()
    last = max(arrivals) - started if arrivals else float("nan")
    print(
        f"websub fan-out: {subscribers} subscribers x {releases} releases "
        f"({_ANSWER_DELAY * 1000:.0f} ms answers): drain {drained:.2f} s, "
        f"{len(arrivals)} requests, last arrival {last:.2f} s, {result.delivered} rows delivered"
    )


if __name__ == "__main__":
    arguments = [int(value) for value in sys.argv[1:3]]
    asyncio.run(_run(*(arguments + [200, 1][len(arguments) :])))
