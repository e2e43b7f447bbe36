"""A local stand-in for Discord's execute-webhook and edit-webhook-message endpoints.

Checks what Discord documents (discord.com/developers/docs/resources/webhook#execute-webhook,
…/message#embed-object-embed-limits): ``POST /api/webhooks/{id}/{token}``, a JSON body,
``content`` ≤ 2000, ≤ 10 embeds, title ≤ 256, description ≤ 4096, ≤ 25 fields (name ≤ 256,
value ≤ 1024, both non-empty), footer ≤ 2048, author name 1..256, the sum ≤ 6000, an ISO 8601
timestamp, http(s) URLs. Answers like Discord: ``200`` with the message object under
``?wait=true`` (``204`` without), ``400 {"code": 50035, "message": "Invalid Form Body"}``
for a bad body, ``404 {"code": 10015, "message": "Unknown Webhook"}`` for another path.

``PATCH /api/webhooks/{id}/{token}/messages/{message_id}`` (…#edit-webhook-message) takes
the same body checks, must name a message this webhook sent (else ``404 {"code": 10008,
"message": "Unknown Message"}``), replaces that message's content and embeds and answers
``200`` with the message object, ``edited_timestamp`` set; ``edits`` records each one.
"""

from __future__ import annotations

import itertools
import json
import re
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from syndicator.deliver import discord
from tests.sinks import Answer, HttpSink, Recorded

__all__ = [
    "WEBHOOK_ID",
    "WEBHOOK_PATH",
    "WEBHOOK_TOKEN",
    "DiscordSink",
    "config_for",
    "error",
    "rate_limited",
]

WEBHOOK_ID = "1180000000000000042"
WEBHOOK_TOKEN = "SECRETtokenAbCdEf-0123456789_xyz"
WEBHOOK_PATH = f"/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}"
_JSON = {"Content-Type": "application/json"}
_EDIT = re.compile(re.escape(WEBHOOK_PATH) + r"/messages/([0-9]+)")


def config_for(url: str, **changes: object) -> discord.Config:
    """A discord destination whose webhook URL is ``url``."""
    return discord.Config.model_validate(
        {"kind": "discord", "name": "newsroom", "webhook_url": url, **changes}
    )


def rate_limited(retry_after: float, header: str = "1") -> Answer:
    """Discord's 429: JSON ``retry_after`` (float seconds) and a ``Retry-After`` header."""
    body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": False}
    return 429, {**_JSON, "Retry-After": header}, json.dumps(body).encode()


def error(status: int, code: int, message: str) -> Answer:
    return status, _JSON, json.dumps({"message": message, "code": code}).encode()


class DiscordSink(HttpSink):
    """Records requests, puts what Discord would reject in ``request.problems``."""

    def __init__(self) -> None:
        self._ids = itertools.count(1180000000000000100)
        self.messages: list[dict[str, Any]] = []  # the channel: message objects, as edited
        self.edits: list[tuple[str, dict[str, Any]]] = []  # (message id, body) per edit
        super().__init__()

    def inspect(self, request: Recorded) -> Answer | None:
        parts = urlsplit(request.path)
        editing = _EDIT.fullmatch(parts.path)
        if editing and request.method == "PATCH":
            if self._message(editing.group(1)) is None:
                return error(404, 10008, "Unknown Message")
        elif request.method != "POST" or parts.path != WEBHOOK_PATH:
            request.problems.append(f"{request.method} {parts.path}: not the webhook")
            return error(404, 10015, "Unknown Webhook")
        if not request.headers.get("content-type", "").startswith("application/json"):
            request.problems.append("Content-Type is not application/json")
        try:
            body = json.loads(request.body)
        except ValueError:
            body = None
            request.problems.append("body is not JSON")
        if isinstance(body, dict):
            request.problems.extend(problems(body))
        elif body is not None:
            request.problems.append("body is not an object")
        if request.problems:
            answer = {"code": 50035, "message": "Invalid Form Body", "errors": request.problems}
            return 400, _JSON, json.dumps(answer).encode()
        return None

    def _answer(self, request: Recorded) -> tuple[int, dict[str, str], bytes]:
        status, headers, body = super()._answer(request)
        if status != 200 or body:
            return status, headers, body
        if request.method == "PATCH":
            return 200, _JSON, json.dumps(self._edit(request)).encode()
        if parse_qs(urlsplit(request.path).query).get("wait") != ["true"]:
            return 204, {}, b""
        sent = request.json()
        message = {
            "id": str(next(self._ids)),
            "type": 0,
            "channel_id": "1180000000000000007",
            "webhook_id": WEBHOOK_ID,
            "content": sent.get("content", ""),
            "embeds": [{"type": "rich", **embed} for embed in sent.get("embeds", [])],
            "timestamp": datetime.now().astimezone().isoformat(),
            "edited_timestamp": None,
        }
        self.messages.append(message)
        return 200, _JSON, json.dumps(message).encode()

    def _message(self, message_id: str) -> dict[str, Any] | None:
        return next((m for m in self.messages if m["id"] == message_id), None)

    def _edit(self, request: Recorded) -> dict[str, Any]:
        """Edit-message semantics: the fields sent replace the message's; others stay."""
        editing = _EDIT.fullmatch(urlsplit(request.path).path)
        message = self._message(editing.group(1)) if editing else None
        assert message is not None  # inspect() answered 404 otherwise
        sent = request.json()
        if "content" in sent:
            message["content"] = sent["content"] or ""
        if "embeds" in sent:
            message["embeds"] = [{"type": "rich", **embed} for embed in sent["embeds"] or []]
        message["edited_timestamp"] = datetime.now().astimezone().isoformat()
        self.edits.append((message["id"], sent))
        return message


def problems(body: dict[str, Any]) -> list[str]:
    """What Discord's form validation would refuse in an execute-webhook body."""
    found: list[str] = []
    content = body.get("content")
    embeds = body.get("embeds", [])
    if content is not None and (not isinstance(content, str) or len(content) > 2000):
        found.append("content must be a string of at most 2000 characters")
    if not isinstance(embeds, list) or len(embeds) > 10:
        return [*found, "embeds must be a list of at most 10"]
    if not content and not embeds:
        found.append("Cannot send an empty message")
    mentions = body.get("allowed_mentions")
    if mentions is not None and not isinstance(mentions.get("parse"), list):
        found.append("allowed_mentions.parse must be a list")
    for index, embed in enumerate(embeds):
        found += [f"embeds[{index}]: {problem}" for problem in _embed_problems(embed)]
    return found


def _embed_problems(embed: dict[str, Any]) -> list[str]:
    found: list[str] = []
    limits = {"title": 256, "description": 4096}
    for key, limit in limits.items():
        value = embed.get(key)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            found.append(f"{key} longer than {limit}")
    fields = embed.get("fields", [])
    if len(fields) > 25:
        found.append("more than 25 fields")
    for field in fields:
        name, value = field.get("name"), field.get("value")
        if not (isinstance(name, str) and 0 < len(name) <= 256):
            found.append("field name must be 1..256 characters")
        if not (isinstance(value, str) and 0 < len(value) <= 1024):
            found.append("field value must be 1..1024 characters")
    footer = embed.get("footer", {}).get("text", "")
    author = embed.get("author", {}).get("name", "")
    if len(footer) > 2048 or len(author) > 256:
        found.append("footer or author too long")
    if "author" in embed and not (isinstance(author, str) and author.strip()):
        found.append("author.name is required")  # an author object without a name
    total = sum(len(embed.get(key) or "") for key in limits) + len(footer) + len(author)
    total += sum(len(f.get("name") or "") + len(f.get("value") or "") for f in fields)
    if total > 6000:
        found.append(f"embed size {total} exceeds 6000")
    if "timestamp" in embed:
        try:
            datetime.fromisoformat(embed["timestamp"])
        except (TypeError, ValueError):
            found.append("timestamp is not ISO8601")
    urls = [embed.get("url"), embed.get("image", {}).get("url"), embed.get("author", {}).get("url")]
    if any(url is not None and urlsplit(url).scheme not in ("http", "https") for url in urls):
        found.append("Not a well formed URL")
    return found
