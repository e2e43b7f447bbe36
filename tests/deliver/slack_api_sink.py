"""A local stand-in for Slack's Web API: ``chat.postMessage`` and ``chat.update``.

Checks what api.slack.com/methods/chat.postMessage and /chat.update document: ``POST
/api/<method>``, ``Authorization: Bearer <token>``, a JSON body (``application/json``),
``channel`` (a name or an id for postMessage, the id for chat.update), ``text`` as the
notification fallback beside ``blocks`` (Block Kit checked like the webhook sink does),
``ts`` of an existing message for chat.update, ``thread_ts`` of an existing parent (not a
reply) for a thread reply. Answers like Slack: HTTP 200 with ``{"ok": true, "channel",
"ts", "message"}``, or HTTP 200 with ``{"ok": false, "error": "<code>"}`` (``not_authed``,
``invalid_auth``, ``channel_not_found``, ``not_in_channel``, ``message_not_found``,
``invalid_blocks``…); ``ratelimited`` comes as HTTP 429 with ``Retry-After``.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from tests.sinks import Answer, HttpSink, Recorded, SlackSink

__all__ = ["CHANNELS", "TOKEN", "SlackApiSink", "error", "rate_limited"]

TOKEN = "xoxb-1234567890-0987654321-SECRETbotTokenAbc"
CHANNELS = {"toimitus": "C0TOIMITUS", "uutiset": "C0UUTISET"}  # the bot is a member
_OUTSIDE = {"yksityinen": "C0PRIVATE"}  # exists, but the bot was never invited
_JSON = {"Content-Type": "application/json; charset=utf-8"}


def error(code: str, status: int = 200) -> Answer:
    return status, _JSON, json.dumps({"ok": False, "error": code}).encode()


def rate_limited(seconds: int) -> Answer:
    """Slack's Web API rate limit: HTTP 429, ``Retry-After``, ``error: ratelimited``."""
    body = json.dumps({"ok": False, "error": "ratelimited"}).encode()
    return 429, {**_JSON, "Retry-After": str(seconds)}, body


class SlackApiSink(HttpSink):
    """Records requests; keeps the channel's messages in ``messages[(channel, ts)]``."""

    def __init__(self) -> None:
        self._ts = itertools.count(1741766400_000100)
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        super().__init__()

    def inspect(self, request: Recorded) -> Answer | None:
        method = request.path.removeprefix("/api/")
        if request.method != "POST" or method not in ("chat.postMessage", "chat.update"):
            request.problems.append(f"{request.method} {request.path}: unknown method")
            return error("unknown_method", 404)
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            request.problems.append("wrong or missing bearer token")
            return error("invalid_auth" if "authorization" in request.headers else "not_authed")
        if not request.headers.get("content-type", "").startswith("application/json"):
            request.problems.append("Content-Type is not application/json")
            return error("invalid_form_data")
        return None

    def _answer(self, request: Recorded) -> tuple[int, dict[str, str], bytes]:
        status, headers, body = super()._answer(request)
        if status != 200 or body:
            return status, headers, body
        sent = request.json()
        problem = self._problem(request.path.removeprefix("/api/"), sent, request.body)
        if problem:
            request.problems.append(problem)
            return error(problem)
        return 200, _JSON, json.dumps(self._apply(request.path, sent)).encode()

    def _problem(self, method: str, sent: dict[str, Any], raw: bytes) -> str | None:
        channel = str(sent.get("channel", ""))
        if channel.lstrip("#") in _OUTSIDE or channel in _OUTSIDE.values():
            return "not_in_channel"
        if method == "chat.postMessage":
            channel = CHANNELS.get(channel.lstrip("#"), channel)
        if channel not in CHANNELS.values():
            return "channel_not_found"
        if not isinstance(sent.get("text"), str) or not sent["text"]:
            return "no_text"  # Slack accepts blocks alone, but then notifications are blank
        if SlackSink.problems(raw):
            return "invalid_blocks"
        if method == "chat.update":
            found = self.messages.get((channel, str(sent.get("ts"))))
            return "message_not_found" if found is None else None
        if "unfurl" in json.dumps(sent) and sent.get("unfurl_links") is not False:
            return "invalid_arguments"
        thread = sent.get("thread_ts")
        if thread is not None:
            parent = self.messages.get((channel, str(thread)))
            if parent is None or parent.get("thread_ts"):
                return "thread_not_found"  # a reply's ts is no parent
        return None

    def _apply(self, path: str, sent: dict[str, Any]) -> dict[str, Any]:
        channel = CHANNELS.get(str(sent["channel"]).lstrip("#"), str(sent["channel"]))
        content = {"text": sent["text"], "blocks": sent.get("blocks", [])}
        if path.endswith("chat.update"):
            ts = str(sent["ts"])
            message = self.messages[(channel, ts)]
            message.update(content, edited=message.get("edited", 0) + 1)
        else:
            number = next(self._ts)
            ts = f"{number // 1_000_000}.{number % 1_000_000:06d}"
            message = {**content, "ts": ts, "type": "message", "bot_id": "B0BOT"}
            if sent.get("thread_ts"):
                message["thread_ts"] = str(sent["thread_ts"])
            self.messages[(channel, ts)] = message
        return {"ok": True, "channel": channel, "ts": ts, "message": message}
