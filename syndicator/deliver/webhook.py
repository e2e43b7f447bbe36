"""Kind ``webhook``: a JSON POST signed per the Standard Webhooks spec.

Headers ``webhook-id`` (the delivery's idempotency key: the same on every retry, so a
receiver can drop duplicates), ``webhook-timestamp`` and ``webhook-signature`` (v1, HMAC-SHA256
of ``id.timestamp.body``). Body::

    {"type": "release.created" | "release.updated" | "release.withdrawn",
     "timestamp": ISO 8601,
     "data": {"release_id", "event", "version", "language", "title", "lead", "text", "html",
              "url", "published", "updated", "read_more": [{url, label}],
              "alternates": [{url, lang, label}], "image": {url, alt} | null,
              "attachments": [{url, title, mime_type}],
              "contacts": [{name, title, phone, email}],
              "changes": [str], "previous_id": str | null, "organisation"}}

No field is shortened: the receiver gets the whole release. ``send`` returns the
``webhook-id`` as the remote id, so that a later ``withdraw`` (a ``release.withdrawn`` POST)
names in ``previous_id`` the message it takes back; an update is a new
``release.updated`` POST (a notice: ``changes`` says what changed, ``previous_id`` names
the first message). ``organisation`` is who published it (``organisation.py``), never
our internal source name.
"""

from __future__ import annotations

import binascii
import json
from datetime import UTC, datetime
from typing import Any, Literal

import httpx
from pydantic import ConfigDict, SecretStr, field_validator
from standardwebhooks import Webhook
from standardwebhooks.webhooks import EmptyWebhookSecretError

from syndicator.configbase import DestinationBase, Url
from syndicator.deliver.masking import mask_url
from syndicator.deliver.response import post
from syndicator.model import Message, Receipt

__all__ = ["CONTENT_TYPE", "EVENT_TYPES", "Config", "payload", "redacted", "send", "withdraw"]

CONTENT_TYPE = "application/json"
EVENT_TYPES = {
    "created": "release.created",
    "updated": "release.updated",
    "withdrawn": "release.withdrawn",
}


class Config(DestinationBase):
    model_config = ConfigDict(hide_input_in_errors=True)  # the secret stays out of errors

    kind: Literal["webhook"]
    url: Url
    secret: SecretStr  # "whsec_<base64>" as the Standard Webhooks libraries expect

    @field_validator("secret")
    @classmethod
    def _usable_secret(cls, value: SecretStr) -> SecretStr:
        _signer(value)
        return value


async def send(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    """POST the signed release; the Receipt carries the HTTP status and, as the remote id,
    the ``webhook-id`` the receiver saw."""
    own = _own(config)
    now = datetime.now(UTC).replace(microsecond=0)
    body = json.dumps(payload(message, now), ensure_ascii=False, separators=(",", ":"))
    signature = _signer(own.secret).sign(message.idempotency_key, now, body)
    headers = {
        "Content-Type": CONTENT_TYPE,
        "webhook-id": message.idempotency_key,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }
    response = await post(
        client, own.url, target=redacted(own), content=body.encode("utf-8"), headers=headers
    )
    return Receipt(
        remote_id=message.idempotency_key,
        status=response.status_code,
        detail=f"HTTP {response.status_code}",
    )


async def withdraw(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    """POST ``release.withdrawn`` (``message.event``), naming the first message in
    ``previous_id``; the receiver takes the release down."""
    return await send(config, message, client)


def redacted(config: DestinationBase) -> str:
    """The URL without its query (which may hold a token); the secret never appears."""
    return f"webhook {mask_url(_own(config).url, visible_segments=None)}"


def payload(message: Message, now: datetime) -> dict[str, Any]:
    return {
        "type": EVENT_TYPES[message.event],
        "timestamp": now.isoformat(),
        "data": {
            "release_id": message.release_id,
            "event": message.event,
            "language": message.lang,
            "title": message.title,
            "lead": message.lead,
            "text": message.text,
            "html": message.html,
            "url": message.url,
            "published": message.published.isoformat(),
            "updated": message.updated.isoformat(),
            "read_more": [{"url": link.url, "label": link.label} for link in message.read_more],
            "alternates": [
                {"url": link.url, "lang": link.lang, "label": link.label}
                for link in message.alternates
            ],
            "image": (
                {"url": message.image.url, "alt": message.image.alt} if message.image else None
            ),
            "version": message.version,
            "attachments": [
                {"url": item.url, "title": item.title, "mime_type": item.mime_type}
                for item in message.attachments
            ],
            "contacts": [
                {"name": c.name, "title": c.title, "phone": c.phone, "email": c.email}
                for c in message.contacts
            ],
            "changes": list(message.changes),
            "previous_id": message.remote_id,
            "organisation": message.organisation,
        },
    }


def _signer(secret: SecretStr) -> Webhook:
    try:
        return Webhook(secret.get_secret_value())
    except (binascii.Error, ValueError, EmptyWebhookSecretError):
        raise ValueError("not a Standard Webhooks secret (expected whsec_<base64>)") from None


def _own(config: DestinationBase) -> Config:
    if not isinstance(config, Config):
        raise TypeError(f"webhook: expected webhook.Config, got {type(config).__name__}")
    return config
