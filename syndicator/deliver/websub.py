"""Kind ``websub``: a content distribution to one subscriber of our built-in hub.

Not a kind of feeds.toml (not in ``KINDS``): each live subscription becomes a ``Config``
for the outbox's WebSub lane (``deliver.subscriptions``), carrying the topic's current
feed document, rendered when its row was claimed. ``send`` POSTs that document as the
W3C WebSub Recommendation (§ 7) says: the feed's own ``Content-Type``, a ``Link`` header
naming the hub (``rel="hub"``) and the topic (``rel="self"``), and with a secret
``X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body>``. Any 2xx is success; other
answers follow the outbox's retry rules. The callback's address is checked against the
private-network guard at every send (a DNS answer may have changed since subscribing).
An update is sent as a new distribution, a withdrawal too: the document no longer has it.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated, Literal

import httpx
from pydantic import ConfigDict, Field, SecretStr

from syndicator.configbase import DestinationBase, Url
from syndicator.deliver.masking import mask_url
from syndicator.deliver.response import post
from syndicator.errors import FetchError, PermanentDeliveryError, RetryableDeliveryError
from syndicator.model import Message, Receipt
from syndicator.netguard import check_outbound

__all__ = ["Config", "link_header", "redacted", "send", "signature", "withdraw"]


class Config(DestinationBase):
    """One subscription as the outbox sends to it (built by the lane, never from TOML)."""

    model_config = ConfigDict(hide_input_in_errors=True)

    name: Annotated[str, Field(pattern=r"^websub:[0-9]{1,18}$")]  # the outbox destination
    kind: Literal["websub"] = "websub"
    callback: Url
    topic: Url
    hub: Url
    secret: SecretStr | None = None
    document: bytes = b""  # the topic's feed when the row was claimed
    content_type: str = "application/atom+xml"
    allow_private_networks: bool = False


def signature(secret: str, body: bytes) -> str:
    """The ``X-Hub-Signature`` value: ``sha256=`` and the hex HMAC of ``body``."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def link_header(hub: str, topic: str) -> str:
    return f'<{hub}>; rel="hub", <{topic}>; rel="self"'


async def send(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    """POST the topic's document to the callback; the remote id is the row's key."""
    own = _own(config)
    await _guard(own)
    headers = {
        "Content-Type": own.content_type,
        "Link": link_header(own.hub, own.topic),
    }
    if own.secret is not None:
        headers["X-Hub-Signature"] = signature(own.secret.get_secret_value(), own.document)
    response = await post(
        client, own.callback, target=redacted(own), content=own.document, headers=headers
    )
    return Receipt(
        remote_id=message.idempotency_key,
        status=response.status_code,
        detail=f"HTTP {response.status_code}",
    )


async def withdraw(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    """The document without the withdrawn release, like any other change."""
    return await send(config, message, client)


def redacted(config: DestinationBase) -> str:
    """The callback's scheme and host (its path and query may be a capability)."""
    return f"websub {mask_url(_own(config).callback)}"


async def _guard(own: Config) -> None:
    try:
        await check_outbound(own.callback, allow_private=own.allow_private_networks)
    except FetchError as exc:
        code = "delivery.blocked_address" if exc.code == "fetch.blocked_address" else None
        if code is None and exc.code == "fetch.connect":
            raise RetryableDeliveryError(
                f"{redacted(own)}: cannot resolve the callback's host", code="delivery.connect"
            ) from None
        raise PermanentDeliveryError(
            f"{redacted(own)}: the callback is refused ({exc.code})",
            code=code or "delivery.invalid_url",
        ) from None


def _own(config: DestinationBase) -> Config:
    if not isinstance(config, Config):
        raise TypeError(f"websub: expected websub.Config, got {type(config).__name__}")
    return config
