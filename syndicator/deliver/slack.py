"""Kind ``slack``: a Slack incoming webhook, Block Kit message.

Blocks: header (title) · section (lead) · context (event, date, organisation) · section with
the article's own "read more" links · context with the other languages · actions (a
"Lue lisää" / "Läs mer" / "Read more" button to the release) · image. Slack answers
``200 ok``; ``400 invalid_payload``, ``403``, ``404 no_service``, ``410`` are permanent,
``429`` (with Retry-After) and 5xx are retried.
"""

from __future__ import annotations

import json
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
from pydantic import ConfigDict, SecretStr, field_validator

from syndicator.configbase import DestinationBase
from syndicator.deliver.masking import mask_url
from syndicator.deliver.render import (
    escape_mrkdwn,
    fit,
    headline,
    mrkdwn_link,
    truncate,
)
from syndicator.deliver.response import post
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
    "payload",
    "redacted",
    "send",
]

# Slack's limits (api.slack.com/reference/block-kit/blocks), applied by render.truncate/fit.
HEADER_MAX = 150  # header block plain_text
TITLE_MAX = HEADER_MAX
TEXT_MAX = 3000  # section text
BLOCKS_MAX = 50
CONTEXT_ELEMENTS_MAX = 10
BUTTON_TEXT_MAX = 75
ALT_TEXT_MAX = 2000
URL_MAX = 3000  # button url, image_url
FALLBACK_MAX = 4000  # top-level "text", shown in notifications


class Config(DestinationBase):
    model_config = ConfigDict(hide_input_in_errors=True)  # the secret stays out of errors

    kind: Literal["slack"]
    webhook_url: SecretStr  # the URL itself is the credential

    @field_validator("webhook_url")
    @classmethod
    def _http_url(cls, value: SecretStr) -> SecretStr:
        parts = urlsplit(value.get_secret_value())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("not an http(s) URL (value hidden)")
        return value


async def send(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    own = _own(config)
    body = json.dumps(payload(message), ensure_ascii=False, separators=(",", ":"))
    response = await post(
        client,
        own.webhook_url.get_secret_value(),
        target=redacted(own),
        content=body.encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    return Receipt(status=response.status_code, detail=response.text.strip()[:100])


def redacted(config: DestinationBase) -> str:
    """``slack https://hooks.slack.com/services/T01…/***``."""
    return f"slack {mask_url(_own(config).webhook_url.get_secret_value(), visible_segments=1)}"


def payload(message: Message) -> dict[str, Any]:
    fallback = f"{headline(message)}: {message.title} {message.url}"
    return {
        "text": fit(fallback, FALLBACK_MAX, escape_mrkdwn),
        "blocks": blocks(message),
        "unfurl_links": False,
    }


def blocks(message: Message) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = [
        {"type": "header", "text": _plain(message.title or message.url, HEADER_MAX)}
    ]
    if message.lead.strip():
        result.append(_section(fit(message.lead, TEXT_MAX, escape_mrkdwn)))
    result.append({"type": "context", "elements": [_mrkdwn(_facts(message))]})
    if links := _link_list(message):
        result.append(_section(links))
    if others := [mrkdwn_link(link.url, link.label) for link in message.alternates]:
        others = others[: CONTEXT_ELEMENTS_MAX - 1]
        label = escape_mrkdwn(message.labels.get("other_languages", ""))
        result.append({"type": "context", "elements": [_mrkdwn(f"{label}: " + " · ".join(others))]})
    if len(message.url) <= URL_MAX:
        read_more = message.labels.get("read_more", "Read more")
        button = {"type": "button", "text": _plain(read_more, BUTTON_TEXT_MAX), "url": message.url}
        result.append({"type": "actions", "elements": [{**button, "action_id": "read_more"}]})
    if message.image and len(message.image.url) <= URL_MAX:
        alt = message.image.alt.strip() or message.title or "image"
        image_block = {"type": "image", "image_url": message.image.url}
        result.append({**image_block, "alt_text": truncate(alt, ALT_TEXT_MAX)})
    return result[:BLOCKS_MAX]


def _facts(message: Message) -> str:
    labels = message.labels
    if message.event == "updated":
        when = f"{labels.get('updated', '')} {labels.get('updated_at', '')}"
    else:
        when = f"{labels.get('published', '')} {labels.get('published_at', '')}"
    parts = [f"*{escape_mrkdwn(headline(message))}*", escape_mrkdwn(when.strip())]
    if message.organisation:
        source = f"{labels.get('source', 'Source')}: {message.organisation}"
        parts.append(escape_mrkdwn(source))
    return " · ".join(part for part in parts if part)  # short: name ≤ 64, a date, two labels


def _link_list(message: Message) -> str:
    """The article's own "read more" links as one mrkdwn list that fits a section."""
    lines: list[str] = []
    used = 0
    for link in message.read_more:
        line = f"• {mrkdwn_link(link.url, truncate(link.label or link.url, 200))}"
        if used + len(line) + 1 > TEXT_MAX:
            break
        lines.append(line)
        used += len(line) + 1
    return "\n".join(lines)


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": truncate(text, limit), "emoji": True}


def _mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": _mrkdwn(text)}


def _own(config: DestinationBase) -> Config:
    if not isinstance(config, Config):
        raise TypeError(f"slack: expected slack.Config, got {type(config).__name__}")
    return config
