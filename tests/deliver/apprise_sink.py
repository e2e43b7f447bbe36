"""A local server answering like the services Apprise's http plugins talk to.

Routes, as each service documents them and Apprise's plugins call them:

- ``POST /hook`` — Apprise's ``json://`` (a generic JSON receiver): ``application/json``
  ``{"version": "1.0", "title", "message", "attachments": [], "type"}``;
- ``POST /form`` — ``form://``: ``application/x-www-form-urlencoded`` with the same fields;
- ``POST /`` — ntfy (docs.ntfy.sh/publish/#publish-as-json): JSON ``{"topic", "title",
  "message"}``, answered with the message object (``id``, ``time``, ``event``);
- ``POST /message`` — Gotify (gotify.net/api-docs): ``X-Gotify-Key`` must be the app
  token (else ``401`` with Gotify's error JSON), JSON ``{"title", "message", "priority"}``,
  answered with the message object (``id``, ``appid``, ``date``).

``received`` keeps (route, title, message) of every accepted request.
"""

from __future__ import annotations

import itertools
import json
from typing import Any
from urllib.parse import parse_qs

from tests.sinks import Answer, HttpSink, Recorded

__all__ = ["GOTIFY_TOKEN", "AppriseSink"]

GOTIFY_TOKEN = "ASECRETgotifyApp"  # Gotify app tokens: 15 characters, starting with A
_JSON = {"Content-Type": "application/json"}
_TYPES = {"info", "success", "warning", "failure"}


class AppriseSink(HttpSink):
    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self.received: list[tuple[str, str, str]] = []
        super().__init__()

    def inspect(self, request: Recorded) -> Answer | None:
        if request.method != "POST" or request.path not in ("/hook", "/form", "/", "/message"):
            request.problems.append(f"{request.method} {request.path}: no such route")
            return 404, _JSON, b'{"error":"Not Found"}'
        if request.path == "/message" and request.headers.get("x-gotify-key") != GOTIFY_TOKEN:
            request.problems.append("no valid X-Gotify-Key")
            body = {"error": "Unauthorized", "errorCode": 401,
                    "errorDescription": "you need to provide a valid access token"}  # fmt: skip
            return 401, _JSON, json.dumps(body).encode()
        fields = self._fields(request)
        if fields is None:
            return 400, _JSON, b'{"error":"Bad Request","errorCode":400}'
        return None

    def _answer(self, request: Recorded) -> tuple[int, dict[str, str], bytes]:
        status, headers, body = super()._answer(request)
        if status != 200 or body:
            return status, headers, body
        fields = self._fields(request) or {}
        title, message = str(fields.get("title", "")), str(fields.get("message", ""))
        self.received.append((request.path, title, message))
        number = next(self._ids)
        if request.path == "/":
            answer: dict[str, Any] = {"id": f"ntfy{number:08d}", "time": 1741766400,
                                      "event": "message", "topic": fields["topic"],
                                      "title": title, "message": message}  # fmt: skip
        elif request.path == "/message":
            answer = {"id": number, "appid": 1, "title": title, "message": message,
                      "priority": fields.get("priority", 0),
                      "date": "2025-03-12T10:00:00+02:00"}  # fmt: skip
        else:
            answer = {}
        return 200, _JSON, json.dumps(answer).encode()

    def _fields(self, request: Recorded) -> dict[str, Any] | None:
        """The request's fields, or None with the reasons in ``request.problems``."""
        content_type = request.headers.get("content-type", "")
        if request.path == "/form":
            if not content_type.startswith("application/x-www-form-urlencoded"):
                request.problems.append("form:// must be form-encoded")
                return None
            fields: Any = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        else:
            try:
                fields = json.loads(request.body) if content_type == "application/json" else None
            except ValueError:
                fields = None
        if not isinstance(fields, dict):
            request.problems.append("not a JSON object")
            return None
        request.problems.extend(_problems(request.path, fields))
        return None if request.problems else fields


def _problems(path: str, fields: dict[str, Any]) -> list[str]:
    found = [] if isinstance(fields.get("message"), str) and fields["message"] else ["no message"]
    if path in ("/hook", "/form") and (
        fields.get("version") != "1.0" or fields.get("type") not in _TYPES
    ):
        found.append("version must be 1.0 and type one of info/success/warning/failure")
    if path == "/" and not fields.get("topic"):
        found.append("ntfy needs a topic")
    if path == "/message" and not isinstance(fields.get("priority", 0), int):
        found.append("gotify priority must be an integer")
    return found
