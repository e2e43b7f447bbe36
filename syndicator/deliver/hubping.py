"""Tell external WebSub hubs (``websub.publish_to``) that our feeds changed.

After a poll that stored something, each configured hub gets one ``POST`` per changed feed
with ``hub.mode=publish`` and ``hub.url=<feed URL>`` (form-encoded, the convention of
PubSubHubbub 0.4 that public hubs such as pubsubhubbub.appspot.com follow). The hub then
fetches the feed itself. A ping is advice, not a delivery: one that fails is logged
(``websub.ping_failed``, WARNING, with its code) and the next change pings again; our own
hub's subscribers are served by the outbox whatever happens here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

import httpx

from syndicator.config import Config
from syndicator.deliver.masking import mask_url
from syndicator.deliver.response import post
from syndicator.errors import DeliveryError
from syndicator.logs import log_event
from syndicator.publish import published_feeds
from syndicator.publish.topics import topics_of

__all__ = ["PING_TIMEOUT", "changed_topics", "ping_hubs"]

log = logging.getLogger("syndicator.websub")
PING_TIMEOUT = 10.0  # seconds for all pings of one change
FORM_TYPE = "application/x-www-form-urlencoded"


def changed_topics(config: Config, source: str, lang: str | None) -> list[str]:
    """PURE. The feeds a change of items of ``source`` in ``lang`` may touch: the combined
    feeds, the language's own (every language's when ``lang`` is None: a multilingual
    source), the source's own and the saved filters of that language (a ping is a hint: the
    hub fetches and compares), in publishing order."""
    langs = list(config.feeds.languages) if lang is None else [lang]
    touched = {topic for code in langs for topic in topics_of(config, source, code, None)}
    touched.update(topics_of(config, source, lang, None))
    return [url for feed in published_feeds(config) if (url := feed.url(config)) in touched]


async def ping_hubs(config: Config, topics: Iterable[str], client: httpx.AsyncClient) -> int:
    """Ping every hub of ``websub.publish_to`` about each of ``topics``; how many pings
    were accepted. Never raises for a hub's failure."""
    hubs, wanted = config.websub.publish_to, list(topics)
    if not hubs or not wanted:
        return 0
    pings = [(hub, topic) for hub in hubs for topic in wanted]
    try:
        async with asyncio.timeout(PING_TIMEOUT):
            results = await asyncio.gather(*(_ping(client, hub, topic) for hub, topic in pings))
    except TimeoutError:
        log_event(log, logging.WARNING, "websub.ping_failed",
                  f"hubs did not answer within {PING_TIMEOUT:g} s",
                  error_code="delivery.timeout", count=len(pings))  # fmt: skip
        return 0
    return sum(results)


async def _ping(client: httpx.AsyncClient, hub: str, topic: str) -> bool:
    body = httpx.QueryParams({"hub.mode": "publish", "hub.url": topic})
    shown = mask_url(hub, visible_segments=None)  # without its query, which may be a key
    try:
        response = await post(client, hub, target=f"hub {shown}", content=str(body).encode(),
                              headers={"Content-Type": FORM_TYPE})  # fmt: skip
    except DeliveryError as exc:
        log_event(log, logging.WARNING, "websub.ping_failed", f"{topic}: {exc.message}",
                  url=shown, status=exc.status, error_code=exc.code)  # fmt: skip
        return False
    log_event(log, logging.INFO, "websub.pinged", f"{shown} told that {topic} changed", url=shown,
              status=response.status_code)  # fmt: skip
    return True
