"""Kind ``teams``: Microsoft Teams through a Workflows (Power Automate) webhook.

The Office 365 connectors and their MessageCard are retired; a Workflows "When a Teams
webhook request is received" flow takes ``{"type": "message", "attachments": [...]}`` with
one Adaptive Card (schema 1.4): title, time, "Lähde: <organisation>" (never our source
name), lead, image, other-language links and an ``Action.OpenUrl`` "read more" button.
TextBlock text is a Markdown subset, so release text is backslash-escaped. Teams refuses
messages over 28 KB: the lead is cut to fit. Workflows answers ``202 Accepted`` with no id
(so no ``remote_id``); 429 (Retry-After) and 5xx are retried, other 4xx (400/401/403/404)
are permanent as ``delivery.teams_<status>``.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal
from urllib.parse import quote, urlsplit

import httpx
from pydantic import ConfigDict, SecretStr, field_validator

from syndicator.configbase import DestinationBase
from syndicator.deliver.masking import mask_url
from syndicator.deliver.render import headline, truncate
from syndicator.deliver.response import post
from syndicator.errors import DeliveryError, PermanentDeliveryError, RetryableDeliveryError
from syndicator.model import Message, Receipt

__all__ = [
    "ALT_TEXT_MAX",
    "CARD_VERSION",
    "CHANGE_MAX",
    "ORGANISATION_MAX",
    "PAYLOAD_MAX",
    "TITLE_MAX",
    "Config",
    "card",
    "escape_markdown",
    "markdown_link",
    "payload",
    "redacted",
    "send",
]

# learn.microsoft.com "Format cards in Teams" / "Send messages using incoming webhooks":
# a message (card included) may be at most 28 KB; Teams renders Adaptive Cards up to 1.5,
# Workflows documents 1.4 in its sample.
PAYLOAD_MAX = 28 * 1024  # bytes of the UTF-8 JSON body
CARD_VERSION = "1.4"
TITLE_MAX = 500  # ours: a title is a line, not a document
ALT_TEXT_MAX = 1000  # ours
CHANGE_MAX = 300  # characters of one "what changed" line
ORGANISATION_MAX = 200  # ours: a publisher's name is a few words
_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
_MARKDOWN = re.compile(r"([\\`*_\[\]()~])")  # what Teams' Markdown subset acts on
_LINE_START = re.compile(r"^(\s*)(-|\d+\.)(?=\s)", re.MULTILINE)  # would start a list


class Config(DestinationBase):
    model_config = ConfigDict(hide_input_in_errors=True)  # the secret stays out of errors

    kind: Literal["teams"]
    webhook_url: SecretStr  # the Workflows trigger URL carries its signature (sig=…)

    @field_validator("webhook_url")
    @classmethod
    def _http_url(cls, value: SecretStr) -> SecretStr:
        parts = urlsplit(value.get_secret_value())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("not an http(s) URL (value hidden)")
        return value


async def send(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    own = _own(config)
    try:
        response = await post(
            client,
            own.webhook_url.get_secret_value(),
            target=redacted(own),
            content=_encode(payload(message)),
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
    except DeliveryError as exc:
        raise _renamed(exc) from None
    return Receipt(status=response.status_code, detail=response.text.strip()[:100])


def redacted(config: DestinationBase) -> str:
    """``teams https://prod-00.westeurope.logic.azure.com/workflows/abc…/***``: the path and
    the query (``sig=``) are the credential."""
    url = _own(config).webhook_url.get_secret_value()
    return f"teams {mask_url(url, visible_segments=1)}"


def escape_markdown(text: str) -> str:
    """Release text as literal text in a TextBlock (Markdown subset): control characters
    backslash-escaped, a line that would start a list made plain, whitespace kept."""
    escaped = _MARKDOWN.sub(r"\\\1", text)
    return _LINE_START.sub(_plain_line, escaped)


def _plain_line(match: re.Match[str]) -> str:
    marker = match.group(2)
    return match.group(1) + ("\\-" if marker == "-" else marker[:-1] + "\\.")


def markdown_link(url: str, label: str) -> str:
    """``[label](url)`` with brackets, parentheses and spaces in the URL percent-encoded."""
    safe_url = quote(url, safe=":/?#@!$&'*+,;=%~-._")
    return f"[{escape_markdown(label)}]({safe_url})"


def payload(message: Message) -> dict[str, Any]:
    """The Workflows message; the lead shortened (word boundary, "…") until it fits."""
    full = _wrap(card(message, message.lead.strip()))
    if len(_encode(full)) <= PAYLOAD_MAX:
        return full
    without = len(_encode(_wrap(card(message, ""))))
    allowance = PAYLOAD_MAX - without  # bytes: a character may take up to 6 once escaped
    lead = message.lead.strip()
    chars = min(len(lead), max(allowance, 0))
    while chars > 0:
        candidate = _wrap(card(message, truncate(lead, chars)))
        excess = len(_encode(candidate)) - PAYLOAD_MAX
        if excess <= 0:
            return candidate
        chars -= max(1, excess // 6 if excess > 6 else excess)
    return _wrap(card(message, ""))


def card(message: Message, lead: str) -> dict[str, Any]:
    labels = message.labels
    body: list[dict[str, Any]] = [
        _text(escape_markdown(truncate(message.title or message.url, TITLE_MAX)),
              weight="Bolder", size="Medium"),
        _text(escape_markdown(_when(message)), isSubtle=True, spacing="None"),
    ]  # fmt: skip
    if source := _source(message):
        body.append(_text(escape_markdown(source), isSubtle=True, spacing="None"))
    for change in message.changes:  # an update notice: what changed (a card cannot be edited)
        body.append(_text(escape_markdown(f"• {truncate(change, CHANGE_MAX)}"), spacing="Small"))
    if lead:
        body.append(_text(escape_markdown(lead)))
    if message.image:
        alt = message.image.alt.strip() or message.title or "image"
        image = {"type": "Image", "url": message.image.url, "size": "Stretch"}
        body.append({**image, "altText": truncate(alt, ALT_TEXT_MAX)})
    if message.alternates:
        links = " · ".join(markdown_link(link.url, link.label) for link in message.alternates)
        label = escape_markdown(labels.get("other_languages", ""))
        body.append(_text(f"{label}: {links}" if label else links, isSubtle=True))
    read_more = labels.get("read_more", "Read more")
    return {
        "$schema": _SCHEMA,
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "body": body,
        "actions": [{"type": "Action.OpenUrl", "title": read_more, "url": message.url}],
        "msteams": {"width": "Full"},
    }


def _wrap(content: dict[str, Any]) -> dict[str, Any]:
    attachment = {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None}
    return {"type": "message", "attachments": [{**attachment, "content": content}]}


def _when(message: Message) -> str:
    labels = message.labels
    key = "updated" if message.event == "updated" else "published"
    return f"{headline(message)} · {labels.get(key, '')} {labels.get(key + '_at', '')}".strip()


def _source(message: Message) -> str:
    """ "Lähde: Vaasan kaupunki" in the destination's words; "" if no organisation is known."""
    organisation = truncate(" ".join(message.organisation.split()), ORGANISATION_MAX)
    label = message.labels.get("source", "")
    return f"{label}: {organisation}" if label and organisation else organisation


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _encode(value: dict[str, Any]) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _renamed(exc: DeliveryError) -> DeliveryError:
    """``delivery.http_429`` → ``delivery.teams_429``; transport codes stay as they are."""
    if exc.status is None:
        return exc
    code = f"delivery.teams_{exc.status}"
    if isinstance(exc, RetryableDeliveryError):
        return RetryableDeliveryError(
            exc.message, code=code, status=exc.status, retry_after=exc.retry_after
        )
    return PermanentDeliveryError(exc.message, code=code, status=exc.status)


def _own(config: DestinationBase) -> Config:
    if not isinstance(config, Config):
        raise TypeError(f"teams: expected teams.Config, got {type(config).__name__}")
    return config
