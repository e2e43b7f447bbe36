"""Kind ``mattermost``: a Mattermost incoming webhook, one Slack-compatible attachment.

The attachment: ``fallback`` (plain), ``title`` + ``title_link`` (the release), ``text``
(the lead in Markdown, then the "read more" link), ``fields`` (time; other languages),
``image_url``, ``ts``. Release text is backslash-escaped Markdown. A post may hold at most
16,383 characters: the lead is cut at a word boundary, the link is always kept. The hook
answers ``200 ok`` with no id (so no ``remote_id``); 429 (``Retry-After`` or
``X-Ratelimit-Reset``) and 5xx are retried, 400/403/404 are permanent as
``delivery.mattermost_<status>``. Edits need a bot token and ``/api/v4/posts``: later.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any, Literal
from urllib.parse import quote, urlsplit

import httpx
from pydantic import ConfigDict, Field, SecretStr, field_validator

from syndicator.configbase import DestinationBase
from syndicator.deliver.masking import mask_url, scrub
from syndicator.deliver.render import headline, truncate
from syndicator.deliver.response import DEFAULT_USER_AGENT, check_status
from syndicator.errors import DeliveryError, PermanentDeliveryError, RetryableDeliveryError
from syndicator.httperrors import parse_retry_after
from syndicator.model import Message, Receipt

__all__ = [
    "FALLBACK_MAX",
    "MESSAGE_MAX",
    "TITLE_MAX",
    "Config",
    "attachment",
    "escape_markdown",
    "markdown_link",
    "payload",
    "redacted",
    "send",
]

# developers.mattermost.com/integrate/webhooks/incoming and docs.mattermost.com
# "Message attachments": a post message holds at most 16,383 characters (MaxMessageLength);
# we keep everything we send (text, fallback, title, attachment text, fields) within it.
MESSAGE_MAX = 16_383
TITLE_MAX = 500  # ours: a title is a line
FALLBACK_MAX = 1000  # ours: the plain-text notification line
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|~<>])")
_LINE_START = re.compile(r"^(\s*)(-|\d+\.)(?=\s)", re.MULTILINE)  # would start a list
_EPOCH = 1_000_000_000  # an X-Ratelimit-Reset this large is a Unix time, not seconds


class Config(DestinationBase):
    model_config = ConfigDict(hide_input_in_errors=True)  # the secret stays out of errors

    kind: Literal["mattermost"]
    webhook_url: SecretStr  # https://chat.example.org/hooks/<key>: the key is the credential
    username: str | None = Field(default=None, max_length=64)  # needs the server's override

    @field_validator("webhook_url")
    @classmethod
    def _http_url(cls, value: SecretStr) -> SecretStr:
        parts = urlsplit(value.get_secret_value())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("not an http(s) URL (value hidden)")
        return value


async def send(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    own = _own(config)
    body = json.dumps(payload(message, own.username), ensure_ascii=False, separators=(",", ":"))
    response = await _post(client, own.webhook_url.get_secret_value(), redacted(own), body)
    return Receipt(status=response.status_code, detail=response.text.strip()[:100])


def redacted(config: DestinationBase) -> str:
    """``mattermost https://chat.example.org/hooks/xyz…/***``."""
    return f"mattermost {mask_url(_own(config).webhook_url.get_secret_value(), visible_segments=1)}"


def escape_markdown(text: str) -> str:
    """Release text as literal Markdown: control characters backslash-escaped, a line that
    would start a list made plain."""
    escaped = _MARKDOWN.sub(r"\\\1", text)
    return _LINE_START.sub(_plain_line, escaped)


def markdown_link(url: str, label: str) -> str:
    """``[label](url)`` with brackets, parentheses and spaces in the URL percent-encoded."""
    safe_url = quote(url, safe=":/?#@!$&'*+,;=%~-._")
    return f"[{escape_markdown(label)}]({safe_url})"


def payload(message: Message, username: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {"attachments": [attachment(message)]}
    if username:
        result["username"] = username
    return result


def attachment(message: Message) -> dict[str, Any]:
    labels = message.labels
    title = truncate(message.title or message.url, TITLE_MAX)
    fallback = truncate(f"{headline(message)}: {title} {message.url}", FALLBACK_MAX)
    fields: list[dict[str, Any]] = [
        {"short": True, "title": headline(message), "value": escape_markdown(_when(message))}
    ]
    if message.alternates:
        links = " · ".join(markdown_link(link.url, link.label) for link in message.alternates)
        fields.append({"short": False, "title": labels.get("other_languages", ""), "value": links})
    link = markdown_link(message.url, labels.get("read_more", "Read more"))
    used = (
        len(fallback)
        + len(title)
        + sum(len(str(f["title"])) + len(str(f["value"])) for f in fields)
    )
    text = _text(message.lead.strip(), link, MESSAGE_MAX - used)
    result: dict[str, Any] = {
        "fallback": fallback,
        "title": title,
        "title_link": message.url,
        "text": text,
        "fields": fields,
        "ts": int(message.published.timestamp()),
    }
    if message.image:
        result["image_url"] = message.image.url
    return result


def _text(lead: str, link: str, limit: int) -> str:
    """The escaped lead cut at a word boundary so that lead + link fit ``limit``."""
    room = limit - len(link) - 2
    allowance = min(len(lead), room)
    while allowance > 0:
        escaped = escape_markdown(truncate(lead, allowance))
        if len(escaped) <= room:
            return f"{escaped}\n\n{link}"
        allowance -= max(1, len(escaped) - room)
    return link


def _when(message: Message) -> str:
    labels = message.labels
    key = "updated" if message.event == "updated" else "published"
    return f"{labels.get(key, '')} {labels.get(key + '_at', '')}".strip()


def _plain_line(match: re.Match[str]) -> str:
    marker = match.group(2)
    return match.group(1) + ("\\-" if marker == "-" else marker[:-1] + "\\.")


async def _post(client: httpx.AsyncClient, url: str, target: str, body: str) -> httpx.Response:
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if client.headers.get("user-agent", "").startswith("python-httpx"):
        headers["User-Agent"] = DEFAULT_USER_AGENT
    try:
        response = await client.post(url, content=body.encode("utf-8"), headers=headers)
    except httpx.TimeoutException as exc:
        raise RetryableDeliveryError(
            f"{target} timed out ({type(exc).__name__})", code="delivery.timeout"
        ) from None
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        reason = scrub(str(exc) or type(exc).__name__, (url,), target)
        raise PermanentDeliveryError(f"{target}: {reason}", code="delivery.invalid_url") from None
    except httpx.HTTPError as exc:
        reason = scrub(str(exc) or type(exc).__name__, (url,), target)
        code = "delivery.connect" if isinstance(exc, httpx.ConnectError) else "delivery.transport"
        raise RetryableDeliveryError(f"{target}: {reason}", code=code) from None
    try:
        check_status(target, response)
    except DeliveryError as exc:
        raise _renamed(exc, response) from None
    return response


def _renamed(exc: DeliveryError, response: httpx.Response) -> DeliveryError:
    """``delivery.http_429`` → ``delivery.mattermost_429``, with X-Ratelimit-Reset as the
    wait when there is no Retry-After (seconds; a Unix time on some proxies)."""
    code = f"delivery.mattermost_{exc.status}"
    if not isinstance(exc, RetryableDeliveryError):
        return PermanentDeliveryError(exc.message, code=code, status=exc.status)
    wait = exc.retry_after
    reset = parse_retry_after(response.headers.get("x-ratelimit-reset"))
    if wait is None and reset is not None:
        wait = max(0.0, reset - time.time()) if reset > _EPOCH else reset
    return RetryableDeliveryError(exc.message, code=code, status=exc.status, retry_after=wait)


def _own(config: DestinationBase) -> Config:
    if not isinstance(config, Config):
        raise TypeError(f"mattermost: expected mattermost.Config, got {type(config).__name__}")
    return config
