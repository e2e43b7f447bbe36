"""Kind ``slack``: a Block Kit message through an incoming webhook, or as a bot.

**Incoming webhook** (``webhook_url``): ``POST`` the blocks; Slack answers ``200 ok``;
``400 invalid_payload``, ``403``, ``404 no_service``, ``410`` are permanent, ``429`` (with
Retry-After) and 5xx are retried (codes ``delivery.http_<status>``). A webhook cannot
change what it posted: an update is a new message headed "Päivitetty tiedote" with what
changed.

**Bot** (``token`` + ``channel``): ``chat.postMessage`` (``unfurl_links`` false); the
Receipt's ``remote_id`` is ``"<channel id>:<ts>"`` from Slack's answer (an id even when
``channel`` is a ``#name``). ``edit`` is ``chat.update`` of that message and, with
``thread_edits``, a reply in its thread saying what changed; a notice (on_update "notify")
is that reply alone (``thread_ts``, ``reply_broadcast`` false) and keeps the original's id,
since Slack threads hang off the parent. ``withdraw`` updates the message to the withdrawn
label and the struck-out title. Errors: see ``slack_api``. The blocks: ``slack_blocks``.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any, Literal, Self
from urllib.parse import urlsplit

import httpx
from pydantic import ConfigDict, Field, SecretStr, field_validator, model_validator

from syndicator.configbase import DestinationBase, Url
from syndicator.deliver.masking import mask_url
from syndicator.deliver.response import post
from syndicator.deliver.slack_api import DEFAULT_API_URL, call, split_remote_id
from syndicator.deliver.slack_blocks import (
    ALT_TEXT_MAX,
    BLOCKS_MAX,
    BUTTON_TEXT_MAX,
    CONTEXT_ELEMENTS_MAX,
    FALLBACK_MAX,
    HEADER_MAX,
    TEXT_MAX,
    TITLE_MAX,
    URL_MAX,
    blocks,
    notice_payload,
    payload,
    withdrawn_payload,
)
from syndicator.errors import PermanentDeliveryError, RetryableDeliveryError
from syndicator.model import Message, Receipt

__all__ = [
    "ALT_TEXT_MAX",
    "BLOCKS_MAX",
    "BUTTON_TEXT_MAX",
    "CONTEXT_ELEMENTS_MAX",
    "FALLBACK_MAX",
    "HEADER_MAX",
    "TEXT_MAX",
    "TITLE_MAX",
    "URL_MAX",
    "Config",
    "blocks",
    "edit",
    "editable",
    "notice_payload",
    "payload",
    "redacted",
    "send",
    "withdraw",
    "withdrawn_payload",
]

_TOKEN = re.compile(r"^xox[bpa]-[A-Za-z0-9-]{10,}$")


class Config(DestinationBase):
    model_config = ConfigDict(hide_input_in_errors=True)  # the secrets stay out of errors

    kind: Literal["slack"]
    webhook_url: SecretStr | None = None  # incoming webhook: the URL itself is the credential
    token: SecretStr | None = None  # bot mode: a bot token (xoxb-…) with chat:write
    channel: str | None = Field(default=None, pattern=r"^[#@]?[\w.-]{1,80}$")  # #name, C0…
    api_url: Url = DEFAULT_API_URL  # Slack's Web API; tests point it at a local server
    thread_edits: bool = True  # bot mode: after an edit, say in its thread what changed

    @field_validator("webhook_url")
    @classmethod
    def _http_url(cls, value: SecretStr | None) -> SecretStr | None:
        parts = urlsplit(value.get_secret_value()) if value is not None else None
        if parts is not None and (parts.scheme not in ("http", "https") or not parts.hostname):
            raise ValueError("not an http(s) URL (value hidden)")
        return value

    @field_validator("token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TOKEN.match(value.get_secret_value()):
            raise ValueError("not a Slack token like xoxb-… (value hidden)")
        return value

    @model_validator(mode="after")
    def _one_mode(self) -> Self:
        bot = self.token is not None or self.channel is not None
        if (self.webhook_url is None) == (not bot):
            raise ValueError("set either webhook_url, or token and channel (bot mode)")
        if bot and (self.token is None or self.channel is None):
            raise ValueError("bot mode needs both token and channel")
        return self


def editable(config: DestinationBase) -> bool:
    """Only a bot (token) can change a message; an incoming webhook cannot."""
    return _own(config).token is not None


async def send(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    """A new message; an update with a known ``remote_id`` in bot mode is a notice in the
    original's thread, and keeps the original's id (Slack threads hang off the parent)."""
    own = _own(config)
    if own.token is None:
        return await _send_webhook(own, message, client)
    if message.event == "updated" and message.remote_id:
        return await _reply(own, message, client)
    answer = await _call(own, "chat.postMessage", {"channel": own.channel, **payload(message)},
                         client)  # fmt: skip
    return _receipt(own, answer, "chat.postMessage")


async def edit(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    """``chat.update`` of the message ``remote_id`` names; then, with ``thread_edits`` and
    something in ``message.changes``, a reply in its thread saying what changed (else the
    edited message lists the changes itself)."""
    own = _bot(config)
    channel, ts = split_remote_id(message.remote_id, redacted(own))
    reply = own.thread_edits and bool(message.changes)
    shown = replace(message, changes=()) if reply else message  # the changes: in the thread
    body = {"channel": channel, "ts": ts, **_content(payload(shown))}
    await _call(own, "chat.update", body, client)
    if reply:
        await _reply(own, message, client)
    return Receipt(remote_id=message.remote_id, status=200, detail="chat.update")


async def withdraw(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    """``chat.update`` of the message to the withdrawn label and the struck-out title."""
    own = _bot(config)
    channel, ts = split_remote_id(message.remote_id, redacted(own))
    body = {"channel": channel, "ts": ts, **withdrawn_payload(message)}
    await _call(own, "chat.update", body, client)
    return Receipt(remote_id=message.remote_id, status=200, detail="chat.update withdrawn")


def redacted(config: DestinationBase) -> str:
    """``slack https://hooks.slack.com/services/T01…/***`` or, in bot mode,
    ``slack https://slack.com/api channel C0123ABCD``; never the token."""
    own = _own(config)
    if own.webhook_url is None:
        return f"slack {own.api_url.rstrip('/')} channel {own.channel}"
    return f"slack {mask_url(own.webhook_url.get_secret_value(), visible_segments=1)}"


async def _send_webhook(config: Config, message: Message, client: httpx.AsyncClient) -> Receipt:
    assert config.webhook_url is not None  # the Config's one mode
    body = json.dumps(payload(message), ensure_ascii=False, separators=(",", ":"))
    response = await post(
        client,
        config.webhook_url.get_secret_value(),
        target=redacted(config),
        content=body.encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    return Receipt(status=response.status_code, detail=response.text.strip()[:100])


async def _reply(config: Config, message: Message, client: httpx.AsyncClient) -> Receipt:
    """The notice in the original's thread, not broadcast to the channel."""
    channel, ts = split_remote_id(message.remote_id, redacted(config))
    body = {"channel": channel, "thread_ts": ts, "reply_broadcast": False,
            **notice_payload(message)}  # fmt: skip
    answer = await _call(config, "chat.postMessage", body, client)
    return Receipt(remote_id=message.remote_id, status=200, detail=f"reply {answer.get('ts')}")


async def _call(
    config: Config, method: str, body: dict[str, Any], client: httpx.AsyncClient
) -> dict[str, Any]:
    assert config.token is not None  # bot mode
    return await call(config.api_url, config.token, method, body, client, target=redacted(config))


def _receipt(config: Config, answer: dict[str, Any], method: str) -> Receipt:
    channel, ts = answer.get("channel"), answer.get("ts")
    if not isinstance(channel, str) or not isinstance(ts, str):
        raise RetryableDeliveryError(
            f"{redacted(config)} {method}: answer without channel and ts",
            code="delivery.slack_answer",
        )
    return Receipt(remote_id=f"{channel}:{ts}", status=200, detail=f"{method} {ts}")


def _content(body: dict[str, Any]) -> dict[str, Any]:
    """``text`` and ``blocks`` only: chat.update takes no unfurl settings."""
    return {"text": body["text"], "blocks": body["blocks"]}


def _bot(config: DestinationBase) -> Config:
    own = _own(config)
    if own.token is None:
        raise PermanentDeliveryError(
            f"{redacted(own)}: an incoming webhook cannot edit; set token and channel",
            code="delivery.slack_not_editable",
        )
    return own


def _own(config: DestinationBase) -> Config:
    if not isinstance(config, Config):
        raise TypeError(f"slack: expected slack.Config, got {type(config).__name__}")
    return config
