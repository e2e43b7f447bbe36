"""Kind ``discord``: a Discord webhook message with one embed.

``POST {webhook_url}?wait=true`` with ``{"content", "embeds": [embed], "allowed_mentions":
{"parse": []}}`` (discord.com/developers/docs/resources/webhook#execute-webhook). The embed:
title (linked to the release), description (lead, the Helsinki time in the destination's
words, a "Lue lisää" link), timestamp, image, one inline field per other language. With
``wait=true`` Discord answers ``200`` with the message object; its ``id`` is the Receipt's
``remote_id``, which a later edit targets (``PATCH …/messages/{id}``). ``429`` bodies carry
``retry_after`` (float seconds), honoured before the header; ``5xx`` and ``408`` are retried;
other ``4xx`` (``400`` invalid form body, ``401``/``403``, ``404`` webhook deleted) are
permanent. Codes: ``delivery.discord_<status>``.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal
from urllib.parse import quote, urlsplit

import httpx
from pydantic import ConfigDict, Field, SecretStr, field_validator

from syndicator.configbase import DestinationBase
from syndicator.deliver.masking import mask_url, scrub
from syndicator.deliver.render import fit, headline, truncate
from syndicator.deliver.response import DEFAULT_USER_AGENT
from syndicator.errors import PermanentDeliveryError, RetryableDeliveryError
from syndicator.httperrors import parse_retry_after
from syndicator.i18n import LANGUAGES, translate
from syndicator.model import Message, Receipt

__all__ = [
    "CONTENT_MAX",
    "DESCRIPTION_MAX",
    "EMBED_TOTAL_MAX",
    "FIELDS_MAX",
    "FIELD_NAME_MAX",
    "FIELD_VALUE_MAX",
    "TITLE_MAX",
    "Config",
    "embed",
    "escape_markdown",
    "markdown_link",
    "payload",
    "redacted",
    "send",
]

# Discord's limits (discord.com/developers/docs/resources/message#embed-object-embed-limits).
CONTENT_MAX = 2000
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
EMBED_TOTAL_MAX = 6000  # title + description + field names and values + footer + author
_DETAIL_MAX = 200  # characters of Discord's error answer quoted in our message
_DESCRIPTION_RESERVE = 1000  # of the 6000: kept for the lead, the time and the link
_RETRYABLE = frozenset({408, 429})  # plus every 5xx

_INLINE = re.compile(r"([\\*_~|`>\[\]<])")  # emphasis, spoilers, code, quotes, links, mentions
_LINE_START = re.compile(r"^([ \t]*)([#-])", re.MULTILINE)  # headings and list items


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
    """Execute the webhook and wait for the message; its id is the Receipt's remote_id."""
    own = _own(config)
    secret = own.webhook_url.get_secret_value()
    url = httpx.URL(secret).copy_merge_params({"wait": "true"})
    body = json.dumps(payload(message, own.color), ensure_ascii=False, separators=(",", ":"))
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if client.headers.get("user-agent", "").startswith("python-httpx"):
        headers["User-Agent"] = DEFAULT_USER_AGENT
    target = redacted(own)
    try:
        response = await client.post(url, content=body.encode("utf-8"), headers=headers)
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise _transport_error(target, (str(url), secret), exc) from None
    _check(target, response)
    remote_id = _json(response).get("id")
    remote_id = str(remote_id) if remote_id is not None else None
    return Receipt(remote_id=remote_id, status=response.status_code, detail=f"message {remote_id}")


def redacted(config: DestinationBase) -> str:
    """``discord https://discord.com/api/webhooks/123…/***``: the token never shows."""
    return f"discord {mask_url(_own(config).webhook_url.get_secret_value(), visible_segments=2)}"


def payload(message: Message, color: int | None = None) -> dict[str, Any]:
    """The execute-webhook body; mentions never ping (``parse: []``)."""
    return {
        "content": fit(headline(message), CONTENT_MAX, escape_markdown),
        "embeds": [embed(message, color)],
        "allowed_mentions": {"parse": []},
    }


def embed(message: Message, color: int | None = None) -> dict[str, Any]:
    """One embed within Discord's per-field limits and its 6000-character total."""
    title = fit(message.title or message.url, TITLE_MAX, escape_markdown)
    fields = _fields(message, EMBED_TOTAL_MAX - len(title) - _DESCRIPTION_RESERVE)
    used = len(title) + sum(len(f["name"]) + len(f["value"]) for f in fields)
    result: dict[str, Any] = {
        "title": title,
        "description": _description(message, min(DESCRIPTION_MAX, EMBED_TOTAL_MAX - used)),
        "timestamp": _when(message).isoformat(),
    }
    if _is_web(message.url):
        result["url"] = message.url
    if color is not None:
        result["color"] = color
    if message.image and _is_web(message.image.url):
        result["image"] = {"url": message.image.url}
    if fields:
        result["fields"] = fields
    return result


def escape_markdown(text: str) -> str:
    """Text shown literally by Discord: a backslash before each Markdown character."""
    return _LINE_START.sub(r"\1\\\2", _INLINE.sub(r"\\\1", text))


def markdown_link(url: str, label: str) -> str:
    """``[label](url)`` with the label escaped and ``( ) < >`` and spaces in the URL encoded."""
    safe_url = quote(url, safe=":/?#[]@!$&'*+,;=%~-._")
    return f"[{escape_markdown(label)}]({safe_url})"


def _description(message: Message, limit: int) -> str:
    """Lead, time and the read-more link; the lead is cut first so the link always stays."""
    labels = message.labels
    if message.event == "updated":
        when = f"{labels.get('updated', '')} {labels.get('updated_at', '')}".strip()
    else:
        when = f"{labels.get('published', '')} {labels.get('published_at', '')}".strip()
    read_more = markdown_link(message.url, labels.get("read_more", "Read more"))
    tail = f"{escape_markdown(when)}\n{read_more}"
    room = limit - len(tail) - 2
    lead = fit(message.lead.strip(), room, escape_markdown) if room > 0 else ""
    return f"{lead}\n\n{tail}" if lead else tail[:limit]


def _fields(message: Message, budget: int) -> list[dict[str, Any]]:
    """One inline field per other language: "På svenska" → "[Läs mer](url)", while the
    fields' characters stay within ``budget``."""
    fields: list[dict[str, Any]] = []
    for link in message.alternates[:FIELDS_MAX]:
        lang = link.lang or ""
        words = translate("label.read_more", lang) if lang in LANGUAGES else None
        value = markdown_link(link.url, words or message.labels.get("read_more", "Read more"))
        if len(value) > FIELD_VALUE_MAX or not _is_web(link.url):
            continue
        name = fit(link.label or lang or link.url, FIELD_NAME_MAX, escape_markdown)
        budget -= len(name or "-") + len(value)
        if budget < 0:
            break
        fields.append({"name": name or "-", "value": value, "inline": True})
    return fields


def _when(message: Message) -> Any:
    return message.updated if message.event == "updated" else message.published


def _is_web(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https") and len(url) <= 2048


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
