"""The subscription request to a hub (W3C WebSub § 5.1): the one outbound boundary here.

``POST`` the hub a form with ``hub.mode``, ``hub.callback``, ``hub.topic``,
``hub.lease_seconds`` and ``hub.secret``; any 2xx (the hub says 202 Accepted) means it will
verify our intent at the callback, later or before it even answers. Within a total
deadline; the hub's address obeys the private-network guard unless
``http.allow_private_networks``. httpx errors become the problem's words here.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Literal

import httpx

from syndicator.errors import FetchError
from syndicator.netguard import check_outbound

__all__ = ["ASKED_LEASE", "DEADLINE", "HubRequest", "send_request"]

ASKED_LEASE = 10 * 86400  # seconds; the hub may grant less (ours cuts to websub.lease_max)
DEADLINE = 15.0  # seconds for the whole request: connect, answer, body
_ANSWER_READ = 512  # bytes of a refusal kept for the log


@dataclass(frozen=True, slots=True)
class HubRequest:
    mode: Literal["subscribe", "unsubscribe"]
    hub: str
    topic: str
    callback: str
    secret: str


async def send_request(
    client: httpx.AsyncClient, asked: HubRequest, *, allow_private: bool
) -> str | None:
    """None when the hub accepted the request; else what went wrong, in words."""
    try:
        await check_outbound(asked.hub, allow_private=allow_private)
    except FetchError as exc:
        return f"hub refused ({exc.code})"
    form = {
        "hub.mode": asked.mode,
        "hub.callback": asked.callback,
        "hub.topic": asked.topic,
        "hub.secret": asked.secret,
    }
    if asked.mode == "subscribe":
        form["hub.lease_seconds"] = str(ASKED_LEASE)
    try:
        async with asyncio.timeout(DEADLINE), client.stream("POST", asked.hub, data=form) as answer:
            body = b""
            async for chunk in answer.aiter_bytes():
                body = (body + chunk)[:_ANSWER_READ]
                if len(body) >= _ANSWER_READ:
                    break
    except TimeoutError:
        return f"the hub did not answer within {DEADLINE:g} s"
    except httpx.HTTPError as exc:
        return f"hub unreachable ({type(exc).__name__})"
    if 200 <= answer.status_code < 300:
        return None
    words = " ".join(body.decode("utf-8", "replace").split())[:200]
    return f"the hub answered HTTP {answer.status_code}" + (f": {words}" if words else "")
