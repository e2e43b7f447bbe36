"""Kind ``discord``: a Discord webhook message with one embed (``discordembed``), edited in
place when the release changes or is withdrawn.

``POST {webhook_url}?wait=true`` with ``{"content", "embeds": [embed], "allowed_mentions":
{"parse": []}}`` (discord.com/developers/docs/resources/webhook#execute-webhook). With
``wait=true`` Discord answers ``200`` with the message object; its ``id`` is the Receipt's
``remote_id``. ``edit`` and ``withdraw`` send ``PATCH {webhook_url}/messages/{id}``
(…#edit-webhook-message, the webhook's ``?thread_id=`` kept) with the new embed; a
withdrawn release's embed says so and loses its lead, link and image (the message is not
deleted: readers see what happened). An update sent as a notice is a new message (webhook
messages have no threads) headed "Päivitetty tiedote" with what changed.

``429`` bodies carry ``retry_after`` (float seconds), honoured before the header, on every
request; ``5xx`` and ``408`` are retried; other ``4xx`` (``400`` invalid form body,
``401``/``403``, ``404`` webhook deleted, or ``10008 Unknown Message`` for an edit) are
permanent. Codes: ``delivery.discord_<status>``, ``delivery.discord_remote_id``.
"""

from __future__ import annotations

import json
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
from pydantic import ConfigDict, Field, SecretStr, field_validator

from syndicator.configbase import DestinationBase
from syndicator.deliver.discordembed import payload, withdrawn_payload
from syndicator.deliver.masking import mask_url, scrub
from syndicator.deliver.render import truncate
from syndicator.deliver.response import DEFAULT_USER_AGENT
from syndicator.errors import PermanentDeliveryError, RetryableDeliveryError
from syndicator.httperrors import parse_retry_after
from syndicator.model import Message, Receipt

__all__ = ["Config", "edit", "redacted", "send", "withdraw"]

_DETAIL_MAX = 200  # characters of Discord's error answer quoted in our message
_RETRYABLE = frozenset({408, 429})  # plus every 5xx


class Config(DestinationBase):
    model_config = ConfigDict(hide_input_in_errors=True)  # the secret stays out of errors

    kind: Literal["discord"]
    webhook_url: SecretStr  # https://discord.com/api/webhooks/{id}/{token}: the credential
    color: int | None = Field(default=None, ge=0, le=0xFFFFFF)  # the embed's stripe

    @field_validator("webhook_url")
    @classmethod
    def _http_url(cls, value: SecretStr) -> SecretStr:
        parts = urlsplit(value.get_secret_value())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("not an http(s) URL (value hidden)")
        return value


async def send(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    """Execute the webhook and wait for the message; its id is the Receipt's remote_id.
    An update sent as a notice is a new message headed "Päivitetty tiedote" whose
    description starts with what changed (webhook messages have no threads)."""
    own = _own(config)
    url = httpx.URL(own.webhook_url.get_secret_value()).copy_merge_params({"wait": "true"})
    response = await _request(client, own, "POST", url, payload(message, own.color))
    remote_id = _json(response).get("id")
    remote_id = str(remote_id) if remote_id is not None else None
    return Receipt(remote_id=remote_id, status=response.status_code, detail=f"message {remote_id}")


async def edit(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    """``PATCH …/messages/{message.remote_id}`` with the release as it is now."""
    own = _own(config)
    return await _patch(client, own, message, payload(message, own.color), "edited")


async def withdraw(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    """``PATCH`` the message to say the release was withdrawn: no lead, link or image."""
    own = _own(config)
    return await _patch(client, own, message, withdrawn_payload(message, own.color), "withdrew")


def redacted(config: DestinationBase) -> str:
    """``discord https://discord.com/api/webhooks/123…/***``: the token never shows."""
    return f"discord {mask_url(_own(config).webhook_url.get_secret_value(), visible_segments=2)}"


async def _patch(
    client: httpx.AsyncClient, config: Config, message: Message, body: dict[str, Any], verb: str
) -> Receipt:
    """Edit the message ``message.remote_id`` names; Discord answers the edited message."""
    message_id = message.remote_id or ""
    if not (message_id.isascii() and message_id.isdigit() and len(message_id) <= 20):
        raise PermanentDeliveryError(
            f"{redacted(config)}: no Discord message id to edit ({message_id[:40]!r})",
            code="delivery.discord_remote_id",
        )
    webhook = httpx.URL(config.webhook_url.get_secret_value())  # its ?thread_id= stays
    url = webhook.copy_with(path=f"{webhook.path.rstrip('/')}/messages/{message_id}")
    response = await _request(client, config, "PATCH", url, body, f"message {message_id}")
    detail = f"{verb} message {message_id}"
    return Receipt(remote_id=message_id, status=response.status_code, detail=detail)


async def _request(
    client: httpx.AsyncClient,
    config: Config,
    method: str,
    url: httpx.URL,
    body: dict[str, Any],
    subject: str = "",
) -> httpx.Response:
    """Send ``body``; a 2xx answer, or a delivery error naming the destination (and
    ``subject``, the message an edit targets) but never the token."""
    secret = config.webhook_url.get_secret_value()
    target = f"{redacted(config)} {subject}".strip()
    encoded = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if client.headers.get("user-agent", "").startswith("python-httpx"):
        headers["User-Agent"] = DEFAULT_USER_AGENT
    try:
        response = await client.request(method, url, content=encoded, headers=headers)
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise _transport_error(target, (str(url), secret), exc) from None
    _check(target, response)
    return response


def _check(target: str, response: httpx.Response) -> None:
    """Nothing for 2xx; retryable for 408/429/5xx (429: the body's ``retry_after``)."""
    status = response.status_code
    if 200 <= status < 300:
        return
    answer = _json(response)
    detail = " ".join(response.text.split()) if not answer else _error_text(answer)
    message = f"{target} answered HTTP {status}" + (f": {truncate(detail, _DETAIL_MAX)}")
    code = f"delivery.discord_{status}"
    if status in _RETRYABLE or 500 <= status < 600:
        wait = answer.get("retry_after")
        retry_after = (
            float(wait)
            if isinstance(wait, int | float) and wait >= 0
            else parse_retry_after(response.headers.get("retry-after"))
        )
        raise RetryableDeliveryError(message, code=code, status=status, retry_after=retry_after)
    raise PermanentDeliveryError(message, code=code, status=status)


def _error_text(answer: dict[str, Any]) -> str:
    """``10015 Unknown Webhook`` or ``50035 Invalid Form Body {…errors…}``."""
    parts = [str(answer.get("code", "")), str(answer.get("message", ""))]
    if "errors" in answer:
        parts.append(json.dumps(answer["errors"], ensure_ascii=False, separators=(",", ":")))
    if answer.get("global"):
        parts.append("(global rate limit)")
    return " ".join(part for part in parts if part)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        value = response.json()
    except (ValueError, UnicodeDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


def _transport_error(
    target: str, secrets: tuple[str, ...], exc: httpx.HTTPError | httpx.InvalidURL
) -> RetryableDeliveryError | PermanentDeliveryError:
    reason = scrub(str(exc) or type(exc).__name__, secrets, target)
    if isinstance(exc, httpx.TimeoutException):
        return RetryableDeliveryError(f"{target} timed out", code="delivery.timeout")
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return PermanentDeliveryError(f"{target}: {reason}", code="delivery.invalid_url")
    if isinstance(exc, httpx.ConnectError):
        return RetryableDeliveryError(
            f"{target}: could not connect: {reason}", code="delivery.connect"
        )
    return RetryableDeliveryError(f"{target}: {reason}", code="delivery.transport")


def _own(config: DestinationBase) -> Config:
    if not isinstance(config, Config):
        raise TypeError(f"discord: expected discord.Config, got {type(config).__name__}")
    return config
