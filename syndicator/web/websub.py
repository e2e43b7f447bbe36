"""``POST /websub``: our built-in WebSub hub (W3C Recommendation, §§ 5.1–5.3).

A subscriber posts a form (``application/x-www-form-urlencoded``) with ``hub.mode``
(``subscribe`` or ``unsubscribe``), ``hub.callback`` (its absolute http(s) URL),
``hub.topic`` (one of our feeds, by its absolute URL under ``service.base_url``) and
optionally ``hub.lease_seconds`` and ``hub.secret`` (at most 200 bytes). A valid request is
answered ``202 Accepted`` at once; anything else ``400`` with the reason in plain text;
``503`` with ``Retry-After`` while ``websub.max_verifying`` verifications are under way.

Then, after the answer, the hub verifies the intent: ``GET`` the callback with
``hub.mode``, ``hub.topic``, ``hub.challenge`` (random) and, to subscribe,
``hub.lease_seconds``. Only a 2xx answer whose body is the challenge confirms it: then the
subscription is stored (or renewed, or deleted); otherwise nothing changes. The callback
obeys the private-network guard unless ``http.allow_private_networks``. The lease is the
one asked for, cut to ``websub.lease_max``; ``websub.lease_default`` when none is asked.
Distribution is the outbox's (``deliver.subscriptions``).
"""

from __future__ import annotations

import logging
import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, Protocol, runtime_checkable

import httpx
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from syndicator.config import Config, WebSubSettings
from syndicator.deliver.masking import mask_url
from syndicator.deliver.subscriptions import feeds_by_topic
from syndicator.errors import FetchError, StoreError
from syndicator.logs import log_event
from syndicator.netguard import check_outbound, check_url
from syndicator.offload import offload
from syndicator.publish import Feed
from syndicator.store import Subscription
from syndicator.web.forms import FORM_TYPE, read_form

__all__ = [
    "FORM_TYPE",
    "MAX_FORM_BYTES",
    "MAX_SECRET_BYTES",
    "HubRequest",
    "HubStore",
    "Refusal",
    "hub_routes",
    "lease_seconds",
    "read_request",
    "verify_intent",
]

log = logging.getLogger("syndicator.websub")
MAX_FORM_BYTES = 8192  # a subscription request is a few short fields
MAX_SECRET_BYTES = 200  # the Recommendation: "MUST be less than 200 bytes in length"
MAX_URL_CHARS = 2048  # what the store keeps of a callback or topic
_VERIFY_TIMEOUT = 10.0
_CHALLENGE_READ = 1024  # bytes of the verification answer read at most
_BUSY_RETRY_AFTER = 60  # seconds, when websub.max_verifying are under way


@dataclass(frozen=True, slots=True)
class HubRequest:
    """A valid subscription request, not yet verified."""

    mode: Literal["subscribe", "unsubscribe"]
    callback: str
    topic: str
    lang: str | None  # the topic feed's language (None: every language)
    lease_seconds: int
    secret: str | None = None


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a request gets 400: a stable code and words for the subscriber."""

    code: str
    reason: str


@runtime_checkable
class HubStore(Protocol):
    """The store calls of the hub (``store.websub.WebSubRows``); blocking."""

    def subscribe(
        self,
        callback: str,
        topic: str,
        *,
        lang: str | None,
        secret: str | None,
        lease_seconds: int,
        now: datetime,
    ) -> Subscription: ...

    def unsubscribe(self, callback: str, topic: str) -> bool: ...


def lease_seconds(asked: str | None, settings: WebSubSettings) -> int | Refusal:
    """PURE. The lease granted for ``hub.lease_seconds`` = ``asked``: the default when
    absent or empty, else the asked number of seconds cut to ``lease_max``."""
    longest = max(1, math.floor(settings.lease_max))
    if asked is None or asked.strip() == "":
        return min(longest, max(1, math.floor(settings.lease_default)))
    text = asked.strip()
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        return Refusal("websub.bad_lease", "hub.lease_seconds must be a positive integer")
    return min(int(text), longest)


def read_request(
    form: Mapping[str, str], topics: Mapping[str, Feed], settings: WebSubSettings
) -> HubRequest | Refusal:
    """PURE. The request a form makes, or why it is refused."""
    mode: Literal["subscribe", "unsubscribe"]
    match form.get("hub.mode", ""):
        case "subscribe":
            mode = "subscribe"
        case "unsubscribe":
            mode = "unsubscribe"
        case _:
            return Refusal("websub.bad_mode", "hub.mode must be subscribe or unsubscribe")
    callback = form.get("hub.callback", "")
    if not _absolute(callback):
        return Refusal("websub.bad_callback", "hub.callback must be an absolute http(s) URL")
    topic = form.get("hub.topic", "")
    feed = topics.get(topic)
    if feed is None:
        return Refusal("websub.unknown_topic", "hub.topic is not a feed of this hub")
    secret = form.get("hub.secret") or None
    if secret is not None and len(secret.encode("utf-8")) >= MAX_SECRET_BYTES:
        return Refusal("websub.bad_secret", "hub.secret must be less than 200 bytes")
    lease = lease_seconds(form.get("hub.lease_seconds"), settings)
    if isinstance(lease, Refusal):
        return lease
    return HubRequest(mode, callback, topic, feed.lang, lease, secret)


def _absolute(url: str) -> bool:
    if not url or len(url) > MAX_URL_CHARS or "#" in url:
        return False
    try:
        check_url(url)
    except FetchError:
        return False
    return True


def hub_routes(config: Config, store: object) -> list[BaseRoute]:
    """``POST /websub`` when the hub is enabled and ``store`` keeps subscriptions."""
    if not config.websub.enabled or not isinstance(store, HubStore):
        return []
    return [Route("/websub", _Hub(config, store).endpoint, methods=["POST"])]


class _Hub:
    def __init__(self, config: Config, store: HubStore) -> None:
        self.config = config
        self.store = store
        self.topics = feeds_by_topic(config)
        self.verifying = 0  # each costs a request to somebody's callback: bounded

    async def endpoint(self, request: Request) -> Response:
        if self.verifying >= self.config.websub.max_verifying:
            log_event(log, logging.WARNING, "websub.busy",
                      "too many verifications under way; asked to come back",
                      error_code="websub.busy", status=503)  # fmt: skip
            headers = {"Retry-After": str(_BUSY_RETRY_AFTER)}
            return PlainTextResponse("Busy, retry later\n", status_code=503, headers=headers)
        form = await read_form(request, MAX_FORM_BYTES)
        decided = read_request(form, self.topics, self.config.websub) if form is not None else None
        if decided is None:
            decided = Refusal("websub.bad_form", f"expected a {FORM_TYPE} body")
        if isinstance(decided, Refusal):
            log_event(log, logging.INFO, "websub.refused", decided.reason,
                      error_code=decided.code, status=400)  # fmt: skip
            return PlainTextResponse(decided.reason + "\n", status_code=400)
        task = BackgroundTask(self.verify, decided)
        return PlainTextResponse("Accepted\n", status_code=202, background=task)

    async def verify(self, asked: HubRequest) -> None:
        # Counted while it runs (a response never sent never runs it: nothing to leak).
        self.verifying += 1
        try:
            await self._verify(asked)
        except StoreError as exc:  # confirmed, but not kept: the subscriber asks again
            log_event(log, logging.WARNING, "websub.store_failed",
                      f"{asked.mode} to {asked.topic} confirmed but not saved: {exc.message}",
                      url=mask_url(asked.callback), error_code=exc.code)  # fmt: skip
        finally:
            self.verifying -= 1

    async def _verify(self, asked: HubRequest) -> None:
        """Verify the intent; store the outcome when the subscriber confirmed it."""
        allow = self.config.http.allow_private_networks
        async with httpx.AsyncClient(
            timeout=_VERIFY_TIMEOUT,
            follow_redirects=False,
            headers={"User-Agent": self.config.http.user_agent},
        ) as client:
            problem = await verify_intent(client, asked, allow_private=allow)
        callback = mask_url(asked.callback)
        if problem is not None:
            log_event(log, logging.WARNING, "websub.unverified",
                      f"{asked.mode} to {asked.topic} not confirmed: {problem}",
                      url=callback)  # fmt: skip
            return
        if asked.mode == "unsubscribe":
            await offload(self.store.unsubscribe, asked.callback, asked.topic)
            log_event(log, logging.INFO, "websub.unsubscribed",
                      f"subscription to {asked.topic} cancelled", url=callback)  # fmt: skip
            return
        now = datetime.now(UTC)
        sub = await offload(self.store.subscribe, asked.callback, asked.topic, lang=asked.lang,
                            secret=asked.secret, lease_seconds=asked.lease_seconds,
                            now=now)  # fmt: skip
        log_event(log, logging.INFO, "websub.subscribed",
                  f"subscribed to {asked.topic} for {asked.lease_seconds} s",
                  destination=sub.destination, url=callback)  # fmt: skip


async def verify_intent(
    client: httpx.AsyncClient, asked: HubRequest, *, allow_private: bool
) -> str | None:
    """GET the callback with a challenge; None when confirmed, else what went wrong."""
    try:
        await check_outbound(asked.callback, allow_private=allow_private)
    except FetchError as exc:
        return f"callback refused ({exc.code})"
    challenge = secrets.token_urlsafe(24)
    params = {"hub.mode": asked.mode, "hub.topic": asked.topic, "hub.challenge": challenge}
    if asked.mode == "subscribe":
        params["hub.lease_seconds"] = str(asked.lease_seconds)
    url = httpx.URL(asked.callback).copy_merge_params(params)
    try:
        async with client.stream("GET", url) as response:
            body = b""
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > _CHALLENGE_READ:
                    break
    except httpx.HTTPError as exc:
        return f"callback unreachable ({type(exc).__name__})"
    if not 200 <= response.status_code < 300:
        return f"callback answered HTTP {response.status_code}"
    if body.strip() != challenge.encode("ascii"):
        return "callback did not echo hub.challenge"
    return None
