"""Local stand-ins for the destinations' servers: real sockets on 127.0.0.1, port 0.

``HttpSink`` records every request and answers from a script::

    sink.respond(500, 500, 200)                  # three answers, then the default (200)
    sink.respond((429, {"Retry-After": "2"}))    # status with headers
    sink.respond((400, {}, b"invalid_payload"))  # status, headers, body

``WebhookSink(secret)`` also verifies each request per the Standard Webhooks spec;
``SlackSink`` checks the Block Kit shape as Slack does and answers ``ok`` or
``400 invalid_payload``; ``SmtpSink`` is an aiosmtpd server keeping parsed messages.
All are context managers and have ``close()``; reused by the end-to-end tests.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

__all__ = [
    "Answer",
    "HttpSink",
    "Recorded",
    "SlackSink",
    "SmtpSink",
    "WebhookSink",
]

Answer = int | tuple[int, dict[str, str]] | tuple[int, dict[str, str], bytes]


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    at: float
    verified: bool | None = None  # WebhookSink: did the signature verify?
    problems: list[str] = field(default_factory=list)  # SlackSink: what Slack would reject

    def json(self) -> Any:
        return json.loads(self.body)


class HttpSink:
    """A threaded HTTP server that records requests and answers from a queue."""

    default_body = b""

    def __init__(self) -> None:
        self.delay = 0.0  # seconds to wait before answering (to provoke client timeouts)
        self.requests: list[Recorded] = []
        self._script: deque[Answer] = deque()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def respond(self, *answers: Answer) -> None:
        """Queue answers for the next requests; afterwards the sink answers 200 again."""
        with self._lock:
            self._script.extend(answers)

    def reset(self) -> None:
        """Forget recorded requests and queued answers (for a session-scoped sink)."""
        with self._lock:
            self.requests.clear()
            self._script.clear()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def inspect(self, request: Recorded) -> Answer | None:
        """Subclasses check the request; an answer here overrides the script."""
        return None

    def _answer(self, request: Recorded) -> tuple[int, dict[str, str], bytes]:
        own = self.inspect(request)
        with self._lock:
            self.requests.append(request)
            scripted = self._script.popleft() if self._script else None
        answer = own if own is not None else scripted if scripted is not None else 200
        if isinstance(answer, int):
            return answer, {}, self.default_body if answer == 200 else b""
        if len(answer) == 2:
            return answer[0], answer[1], b""
        return answer

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if len(body) < length:  # the client died mid-request (kill -9): like a real
                    self.close_connection = True  # server, never hand a torn request on
                    return
                headers = {key.lower(): value for key, value in self.headers.items()}
                seen = Recorded(self.command, self.path, headers, body, time.time())
                status, extra, reply = sink._answer(seen)
                time.sleep(sink.delay)
                self.send_response(status)
                for key, value in extra.items():
                    self.send_header(key, value)
                if "content-type" not in {key.lower() for key in extra}:  # one, as servers do
                    self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(reply)))
                try:
                    self.end_headers()
                    self.wfile.write(reply)
                except (BrokenPipeError, ConnectionResetError):  # the client was killed
                    self.close_connection = True

            do_POST = do_GET = do_PUT = do_PATCH = do_DELETE = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


class WebhookSink(HttpSink):
    """Verifies every request with ``standardwebhooks.Webhook(secret).verify``."""

    def __init__(self, secret: str) -> None:
        self._webhook = Webhook(secret)
        super().__init__()

    def inspect(self, request: Recorded) -> Answer | None:
        try:
            self._webhook.verify(request.body, request.headers)
        except WebhookVerificationError as exc:
            request.verified = False
            request.problems.append(str(exc))
        else:
            request.verified = True
        return None

    @property
    def verified(self) -> list[bool | None]:
        return [request.verified for request in self.requests]


class SlackSink(HttpSink):
    """Answers like a Slack incoming webhook: ``200 ok``, or ``400 invalid_payload`` when
    the Block Kit shape is wrong (the reasons go to ``request.problems``)."""

    default_body = b"ok"
    _BLOCK_TYPES = frozenset(
        {"header", "section", "context", "actions", "image", "divider", "rich_text", "input"}
    )

    def inspect(self, request: Recorded) -> Answer | None:
        request.problems.extend(self.problems(request.body))
        return (400, {}, b"invalid_payload") if request.problems else None

    @classmethod
    def problems(cls, body: bytes) -> list[str]:
        """What Slack would reject in a message body (the Web API sink uses it too)."""
        return _slack_problems(body, cls._BLOCK_TYPES)


def _slack_problems(body: bytes, types: frozenset[str]) -> list[str]:
    try:
        payload = json.loads(body)
    except ValueError:
        return ["body is not JSON"]
    if not isinstance(payload, dict):
        return ["payload is not an object"]
    blocks = payload.get("blocks")
    if blocks is None:
        return [] if payload.get("text") else ["neither text nor blocks"]
    if not isinstance(blocks, list) or not 0 < len(blocks) <= 50:
        return ["blocks must be a list of 1..50"]
    problems: list[str] = []
    for index, block in enumerate(blocks):
        where = f"blocks[{index}]"
        if not isinstance(block, dict) or block.get("type") not in types:
            problems.append(f"{where}: unknown block type")
            continue
        problems += [f"{where}: {problem}" for problem in _block_problems(block)]
    return problems


def _block_problems(block: dict[str, Any]) -> list[str]:
    kind = block["type"]
    text: Any = block.get("text")
    if kind == "header" and (not _is_text(text, "plain_text") or len(text["text"]) > 150):
        return ["header needs plain_text of at most 150 characters"]
    if kind == "section" and text is not None and not _is_section_text(text):
        return ["section text must be 1..3000 characters"]
    if kind == "context":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 0 < len(elements) <= 10:
            return ["context needs 1..10 elements"]
        if not all(_is_text(element) for element in elements):
            return ["context elements must be text objects"]
    if kind == "actions":
        for element in block.get("elements", []):
            label = element.get("text")
            if not _is_text(label, "plain_text") or len(label["text"]) > 75:
                return ["button text must be plain_text of at most 75 characters"]
    if kind == "image" and not (block.get("image_url") and block.get("alt_text")):
        return ["image needs image_url and alt_text"]
    return []


def _is_section_text(value: Any) -> bool:
    return _is_text(value) and 0 < len(value["text"]) <= 3000


def _is_text(value: Any, kind: str | None = None) -> bool:
    if not isinstance(value, dict) or not isinstance(value.get("text"), str):
        return False
    return value.get("type") == kind if kind else value.get("type") in ("plain_text", "mrkdwn")


class SmtpSink:
    """An aiosmtpd server on 127.0.0.1 (a free port). ``messages`` are parsed
    ``EmailMessage`` objects; ``envelopes`` keep (mail_from, rcpt_tos). Pass
    ``auth={"user": "password"}`` to offer AUTH LOGIN/PLAIN over plain text (tests only);
    ``logins`` lists who logged in. ``refuse`` maps an address to its RCPT reply
    (``"554 5.7.1 Relay access denied"``); ``rcpts`` lists every RCPT address."""

    def __init__(
        self, *, auth: dict[str, str] | None = None, refuse: Mapping[str, str] = {}, **smtp: Any
    ) -> None:
        self.refuse: dict[str, str] = dict(refuse)
        self.rcpts: list[str] = []
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.logins: list[str] = []
        self.raw: list[bytes] = []  # each accepted message as it came over the wire
        self._replies: deque[str] = deque()

        def check(_server: Any, _session: Any, _envelope: Any, mechanism: str, data: Any) -> Any:
            ok = (
                isinstance(data, LoginPassword)
                and auth is not None
                and auth.get(data.login.decode()) == data.password.decode()
            )
            if ok:
                self.logins.append(data.login.decode())
            return AuthResult(success=ok, handled=False)

        if auth is not None:
            smtp.setdefault("authenticator", check)
            smtp.setdefault("auth_require_tls", False)
        self._controller = _FreePortController(self, hostname="127.0.0.1", port=0, **smtp)
        self._controller.start()
        self.host = "127.0.0.1"
        self.port: int = self._controller.port

    def respond(self, *replies: str) -> None:
        """Queue SMTP replies to the next DATA commands (``"451 4.3.0 try later"``);
        a reply other than 2xx keeps the message out of ``messages``."""
        self._replies.extend(replies)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        self.rcpts.append(address)
        if address not in self.refuse:
            envelope.rcpt_tos.append(address)
        return self.refuse.get(address, "250 OK")

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        reply = self._replies.popleft() if self._replies else "250 OK"
        if reply.startswith("2"):
            parsed = message_from_bytes(envelope.content, policy=policy.default)
            assert isinstance(parsed, EmailMessage)
            self.messages.append(parsed)
            self.raw.append(envelope.original_content or envelope.content)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return reply

    def close(self) -> None:
        self._controller.stop()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _FreePortController(Controller):
    """aiosmtpd's Controller probes ``self.port`` after binding; with port 0 we first read
    the port the OS chose."""

    def _trigger_server(self) -> None:
        self.port = getattr(self.server, "sockets", [])[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call]
