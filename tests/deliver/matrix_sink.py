"""A local stand-in for a Matrix homeserver's ``PUT .../send/m.room.message/{txnId}``.

It checks what the client-server API documents (method, path with a URL-encoded room id,
``Authorization: Bearer``, the ``m.room.message`` content, the spec's HTML subset in
``formatted_body``, the 65,536-byte event limit, relations: an ``m.replace`` carries a valid
``m.new_content`` without relations of its own and a "* " fallback body and targets an
original event of the room, a reply names an ``$event``) and answers like a homeserver: 200
``{"event_id": "$…"}``, the spec's error bodies (``M_UNKNOWN_TOKEN``, ``M_FORBIDDEN``,
``M_NOT_JSON``/``M_BAD_JSON``, ``M_LIMIT_EXCEEDED`` with ``retry_after_ms``). Transaction ids
are remembered per access token: a repeated txnId gets the event already created, and the
room timeline (``events``) gets nothing new, as the spec requires. A relation to an event
the room does not have is refused as Synapse does: ``400 M_UNKNOWN "Can't send relation to
unknown event"``. ``shown(event_id)`` is what a client displays: the latest replacement.
"""

from __future__ import annotations

import json
import re
import threading
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote

from syndicator.deliver import matrix
from syndicator.deliver.matrixbody import ALLOWED_ATTRIBUTES, EVENT_MAX_BYTES
from tests.sinks import Answer, HttpSink, Recorded

__all__ = [
    "ENVELOPE_BYTES",
    "ROOM",
    "SPEC_TAGS",
    "TOKEN",
    "MatrixSink",
    "config_for",
    "matrix_error",
]

_PATH = re.compile(r"^/_matrix/client/v3/rooms/([^/]+)/send/m\.room\.message/([^/?]+)$")
ROOM = "!RoomAbc123:example.org"
TOKEN = "syt_bmV3c3Jvb20_SECRETtoken42_0a1b2c"
ENVELOPE_BYTES = 1024  # what a homeserver adds around content: ids, hashes, signatures
# The spec's recommended HTML subset (client-server API, m.room.message msgtypes, v1.10).
SPEC_TAGS = frozenset(
    {"font", "del", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "p", "a", "ul", "ol"}
    | {"sup", "sub", "li", "b", "i", "u", "strong", "em", "s", "code", "hr", "br", "div"}
    | {"table", "thead", "tbody", "tr", "th", "td", "caption", "pre", "span", "img"}
    | {"details", "summary"}
)


def config_for(url: str, **changes: object) -> matrix.Config:
    """A matrix destination for ``ROOM`` on the sink at ``url``."""
    return matrix.Config.model_validate(
        {"kind": "matrix", "name": "newsroom-room", "homeserver": url, "access_token": TOKEN,
         "room_id": ROOM, **changes}
    )  # fmt: skip


def matrix_error(status: int, errcode: str, error: str, **extra: Any) -> Answer:
    body = json.dumps({"errcode": errcode, "error": error, **extra}).encode()
    return (status, {"Content-Type": "application/json"}, body)


class MatrixSink(HttpSink):
    """``events`` is the room timeline: (event_id, content) in order."""

    def __init__(self, room_id: str, token: str) -> None:
        self.room_id = room_id
        self.token = token
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.transactions: dict[tuple[str, str], str] = {}
        self.lose_answers = 0  # store the event, then answer too late for the client
        self.late = 1.0
        self._room_lock = threading.Lock()
        super().__init__()

    def _answer(self, request: Recorded) -> tuple[int, dict[str, str], bytes]:
        refusal = self._check(request)
        with self._lock:
            self.requests.append(request)
            scripted = self._script.popleft() if self._script else None
        if refusal is None and scripted is not None:
            refusal = scripted
        if refusal is not None:
            if isinstance(refusal, int):
                return refusal, {}, b""
            return refusal if len(refusal) == 3 else (refusal[0], refusal[1], b"")
        event_id = self._commit(request)
        with self._lock:
            losing = self.lose_answers > 0
            self.lose_answers -= losing
        self.delay = self.late if losing else 0.0  # read by the handler after this returns
        body = json.dumps({"event_id": event_id}).encode()
        return 200, {"Content-Type": "application/json"}, body

    def _commit(self, request: Recorded) -> str:
        match = _PATH.match(request.path)
        assert match is not None
        key = (self.token, unquote(match.group(2)))
        with self._room_lock:
            if key not in self.transactions:
                event_id = f"$event{len(self.events) + 1}:example.org"
                self.transactions[key] = event_id
                self.events.append((event_id, request.json()))
            return self.transactions[key]

    def _check(self, request: Recorded) -> Answer | None:
        match = _PATH.match(request.path)
        if request.method != "PUT" or match is None:
            request.problems.append(f"{request.method} {request.path}")
            return matrix_error(404, "M_UNRECOGNIZED", "Unrecognized request")
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer "):
            return matrix_error(401, "M_MISSING_TOKEN", "Missing access token")
        if auth.removeprefix("Bearer ") != self.token:
            return matrix_error(401, "M_UNKNOWN_TOKEN", "Invalid access token passed.")
        if "%21" not in match.group(1) or unquote(match.group(1)) != self.room_id:
            request.problems.append(f"room {match.group(1)!r} is not {self.room_id!r} encoded")
            return matrix_error(403, "M_FORBIDDEN", "User not in room")
        if len(request.body) + ENVELOPE_BYTES > EVENT_MAX_BYTES:
            request.problems.append(f"event of {len(request.body)} bytes")
            return matrix_error(413, "M_TOO_LARGE", "event too large")
        try:
            content = json.loads(request.body)
        except ValueError:
            return matrix_error(400, "M_NOT_JSON", "Content not JSON.")
        request.problems += _content_problems(content)
        if request.problems:
            return matrix_error(400, "M_BAD_JSON", "bad content")
        return self._relation(request, content)

    def _relation(self, request: Recorded, content: dict[str, Any]) -> Answer | None:
        relates = content.get("m.relates_to")
        if relates is None:
            return None
        if not isinstance(relates, dict):
            request.problems.append("m.relates_to is not an object")
        elif "rel_type" not in relates:
            reply = relates.get("m.in_reply_to")
            if not (isinstance(reply, dict) and str(reply.get("event_id", "")).startswith("$")):
                request.problems.append("m.relates_to without rel_type is not a reply")
        else:
            with self._room_lock:
                room = dict(self.events)
            target = room.get(str(relates.get("event_id")))
            if target is None:
                return matrix_error(400, "M_UNKNOWN", "Can't send relation to unknown event")
            request.problems += _replace_problems(relates, content, target)
        return matrix_error(400, "M_BAD_JSON", "bad relation") if request.problems else None

    def shown(self, event_id: str) -> dict[str, Any]:
        """The event's content as a client shows it: its latest replacement's new content."""
        with self._room_lock:
            shown = dict(self.events)[event_id]
            for _, content in self.events:
                relates = content.get("m.relates_to") or {}
                if relates.get("rel_type") == "m.replace" and relates["event_id"] == event_id:
                    shown = content["m.new_content"]
        return shown


def _replace_problems(
    relates: dict[str, Any], content: dict[str, Any], target: dict[str, Any]
) -> list[str]:
    """Spec, Event replacements: what a server or client would reject or ignore."""
    problems = []
    if relates.get("rel_type") != "m.replace":
        problems.append(f"rel_type {relates.get('rel_type')!r}")
    if (target.get("m.relates_to") or {}).get("rel_type") == "m.replace":
        problems.append("replaces a replacement, not the original event")
    new = content.get("m.new_content")
    problems += [f"m.new_content: {problem}" for problem in _content_problems(new)]
    if isinstance(new, dict) and "m.relates_to" in new:
        problems.append("m.new_content carries m.relates_to")
    if not str(content.get("body", "")).startswith("* "):
        problems.append("the fallback body does not start with '* '")
    return problems


def _content_problems(content: Any) -> list[str]:
    if not isinstance(content, dict):
        return ["content is not an object"]
    problems = []
    if content.get("msgtype") not in ("m.text", "m.notice"):
        problems.append(f"msgtype {content.get('msgtype')!r}")
    if not isinstance(content.get("body"), str) or not content["body"]:
        problems.append("body must be a non-empty string")
    if "formatted_body" in content:
        if content.get("format") != "org.matrix.custom.html":
            problems.append("formatted_body without format org.matrix.custom.html")
        checker = _HtmlChecker()
        checker.feed(str(content["formatted_body"]))
        checker.close()
        problems += checker.problems
    return problems


class _HtmlChecker(HTMLParser):
    """Flags tags and attributes outside the subset, and hrefs other than http(s)/mailto."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in SPEC_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES.get(tag, frozenset()):
                self.problems.append(f"attribute {name} on <{tag}>")
            elif not re.match(r"^(https?:|mailto:)", value or ""):
                self.problems.append(f"href {value!r}")
