"""``/websub/callback/{token}``: where our sources' hubs talk to us (W3C WebSub §§ 5.3, 7).

``GET`` is the hub verifying our intent: for ``hub.mode=subscribe`` the challenge is echoed
(200) only when the token names a pending or active subscription to exactly that
``hub.topic``, which then becomes active with the ``hub.lease_seconds`` granted;
``hub.mode=denied`` marks it denied (``hub.reason`` kept); ``hub.mode=unsubscribe`` is
confirmed only for a subscription we ended. Anything else: 404.

``POST`` is a content distribution. The body is read up to ``MAX_PUSH_BYTES`` (413 beyond);
``X-Hub-Signature`` (sha1, sha256, sha384 or sha512 HMAC with the secret we gave) must
match, else the push is ignored but still answered 2xx, as § 7 requires
(``websub.bad_signature``). A valid push is answered 202 at once and marks the source due
in the store; ``on_push`` (set in the worker, ``hubs.pushes``) wakes its poller now, and
a worker elsewhere takes the mark within seconds. The body itself is not used: the forced
poll reads the source like any poll. An unknown or ended subscription gets 410 Gone, which
tells the hub to stop.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from syndicator.logs import log_event
from syndicator.offload import offload
from syndicator.store import SourceSubscription
from syndicator.web.forms import read_body

__all__ = ["MAX_PUSH_BYTES", "CallbackStore", "callback_routes", "signature_matches"]

log = logging.getLogger("syndicator.websub")
MAX_PUSH_BYTES = 5 * 1024 * 1024
_ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha384": hashlib.sha384,
               "sha512": hashlib.sha512}  # fmt: skip
_MAX_LEASE = 10 * 365 * 86400  # a bigger number is nonsense, not a lease


@runtime_checkable
class CallbackStore(Protocol):
    """The store calls of the callback (``store.source_subscriptions``); blocking."""

    def subscription_by_token(self, token: str) -> SourceSubscription | None: ...

    def confirm_source_subscription(self, id: int, lease_seconds: int, now: datetime) -> None: ...

    def end_source_subscription(self, id: int, state: str, error: str, now: datetime) -> None: ...

    def mark_pushed(self, id: int, now: datetime) -> None: ...


def signature_matches(header: str | None, secret: str, body: bytes) -> bool:
    """PURE. ``X-Hub-Signature: <method>=<hex HMAC of body>`` with a method of § 7."""
    method, _, given = (header or "").strip().partition("=")
    digest = _ALGORITHMS.get(method.lower())
    if digest is None or not given:
        return False
    expected = hmac.new(secret.encode("utf-8"), body, digest).hexdigest()
    return hmac.compare_digest(given.strip().lower().encode(), expected.encode())


def callback_routes(store: object, on_push: Callable[[], None] | None = None) -> list[BaseRoute]:
    """``GET`` and ``POST /websub/callback/{token}`` when ``store`` keeps subscriptions."""
    if not isinstance(store, CallbackStore):
        return []
    callback = _Callback(store, on_push)
    return [
        Route("/websub/callback/{token}", callback.verify, methods=["GET"]),
        Route("/websub/callback/{token}", callback.push, methods=["POST"]),
    ]


class _Callback:
    def __init__(self, store: CallbackStore, on_push: Callable[[], None] | None) -> None:
        self.store = store
        self.on_push = on_push

    async def verify(self, request: Request) -> Response:
        query = request.query_params
        sub = await offload(self.store.subscription_by_token, request.path_params["token"])
        mode, topic = query.get("hub.mode"), query.get("hub.topic")
        challenge = query.get("hub.challenge", "")
        if sub is None or topic != sub.topic:
            return _not_found()
        if mode == "unsubscribe":  # only one we ended ourselves (``hubs.subscriber``)
            return (
                PlainTextResponse(challenge) if sub.state == "ended" and challenge else _not_found()
            )
        if sub.state not in ("pending", "active"):
            return _not_found()
        now = datetime.now(UTC)
        if mode == "denied":
            reason = (query.get("hub.reason") or "no reason given")[:500]
            await offload(self.store.end_source_subscription, sub.id, "denied", reason, now)
            log_event(log, logging.WARNING, "websub.denied",
                      f"{sub.source}: {sub.hub} denied the subscription: {reason}",
                      source=sub.source, url=sub.hub, error_code="websub.denied")  # fmt: skip
            return PlainTextResponse("ok\n")
        lease = query.get("hub.lease_seconds", "")
        valid_lease = lease.isascii() and lease.isdigit() and 0 < int(lease) <= _MAX_LEASE
        if mode != "subscribe" or not challenge or not valid_lease:
            return _not_found()
        await offload(self.store.confirm_source_subscription, sub.id, int(lease), now)
        log_event(log, logging.INFO, "websub.subscribed",
                  f"{sub.source}: subscribed at {sub.hub} to {sub.topic} for {lease} s",
                  source=sub.source, url=sub.hub)  # fmt: skip
        return PlainTextResponse(challenge)

    async def push(self, request: Request) -> Response:
        sub = await offload(self.store.subscription_by_token, request.path_params["token"])
        if sub is None or sub.state != "active":
            return PlainTextResponse("Gone\n", status_code=410)
        body = await read_body(request, MAX_PUSH_BYTES)
        if body is None:
            log_event(log, logging.WARNING, "websub.push_too_large",
                      f"{sub.source}: a push from {sub.hub} over {MAX_PUSH_BYTES} bytes "
                      "ignored", source=sub.source, url=sub.hub, status=413)  # fmt: skip
            return PlainTextResponse("Too large\n", status_code=413)
        header = request.headers.get("x-hub-signature")
        # an HMAC of up to 5 MB is milliseconds of CPU: off the loop, like any heavy work
        if not await offload(signature_matches, header, sub.secret, body):
            log_event(log, logging.WARNING, "websub.bad_signature",
                      f"{sub.source}: a push from {sub.hub} with a missing or wrong "
                      "X-Hub-Signature ignored", source=sub.source, url=sub.hub,
                      error_code="websub.bad_signature")  # fmt: skip
            return PlainTextResponse("Accepted\n", status_code=202)
        await offload(self.store.mark_pushed, sub.id, datetime.now(UTC))
        log_event(log, logging.INFO, "websub.push",
                  f"{sub.source}: {sub.hub} pushed {len(body)} bytes; polling now",
                  source=sub.source, url=sub.hub, size=len(body))  # fmt: skip
        if self.on_push is not None:
            self.on_push()
        return PlainTextResponse("Accepted\n", status_code=202)


def _not_found() -> Response:
    return PlainTextResponse("Not Found\n", status_code=404)
