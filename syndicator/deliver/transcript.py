"""What one delivery attempt sent, request by request, secrets masked — for the history.

The attempt calls ``begin`` before it sends and ``finish`` when it records the outcome;
``finish`` returns the :class:`~syndicator.store.AttemptRecord` the store keeps. In
between, httpx event hooks on the delivery client (installed once by ``begin``) copy each
request's method, URL and exact body, and each response's status, into the transcript of
the task that is sending (a context variable: lanes run side by side on one client, each in
its own task, and a hook outside any attempt does nothing). A kind that does not speak
HTTP (e-mail) records what it sent with ``note``.

Never stored: headers (``Authorization``, signatures), the kind's secret settings wherever
they appear in a URL or body (a Telegram token in the path, a Slack webhook URL), and query
values named like credentials (``sig``, ``token``, ``key`` …).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
from pydantic import BaseModel, SecretStr

from syndicator.configbase import DestinationBase
from syndicator.deliver.masking import MASK, mask_url, scrub

if TYPE_CHECKING:  # kind modules import this one: keep the store out of their imports
    from syndicator.store import AttemptRecord

__all__ = [
    "BODY_MAX",
    "Transcript",
    "begin",
    "finish",
    "mask",
    "note",
    "redact_url",
    "secrets_of",
]

BODY_MAX = 512 * 1024  # characters of one body kept; a longer one is cut and says so
_SECRET_QUERY = ("sig", "signature", "token", "key", "secret", "password", "code", "auth")
_MIN_SEGMENT = 12  # a path segment of a secret URL this long is a credential of its own

_current: ContextVar[Transcript | None] = ContextVar("syndicator_transcript", default=None)


@dataclass(slots=True)
class Transcript:
    """The requests of one attempt, masked as they are recorded."""

    secrets: tuple[str, ...]
    started_at: datetime
    requests: list[dict[str, Any]] = field(default_factory=list)
    _by_request: dict[int, dict[str, Any]] = field(default_factory=dict)

    def request(self, request: httpx.Request) -> None:
        sent: dict[str, Any] = {
            "method": request.method,
            "url": redact_url(str(request.url), self.secrets),
            "content_type": request.headers.get("content-type", ""),
            "body": mask(_body(request), self.secrets),
        }
        self.requests.append(sent)
        self._by_request[id(request)] = sent

    def other(self, method: str, target: str, body: str, content_type: str) -> None:
        self.requests.append({
            "method": method,
            "url": mask(target, self.secrets),
            "content_type": content_type,
            "body": mask(body[:BODY_MAX], self.secrets),
        })  # fmt: skip

    def response(self, response: httpx.Response) -> None:
        sent = self._by_request.get(id(response.request))
        if sent is not None:
            sent["status"] = response.status_code

    def payload(self) -> str | None:
        """The requests as JSON text; None when nothing went over HTTP."""
        if not self.requests:
            return None
        return json.dumps(self.requests, ensure_ascii=False, indent=2)


def begin(config: DestinationBase, client: httpx.AsyncClient, now: datetime) -> Transcript:
    """Start recording this task's requests on ``client`` for ``config``'s attempt."""
    _watch(client)
    transcript = Transcript(secrets_of(config), now)
    _current.set(transcript)
    return transcript


def note(method: str, target: str, body: str, content_type: str = "") -> None:
    """Record a send that does not go through the HTTP client, e.g. ``note("SMTP",
    redacted(config), message.as_string(), "message/rfc822")`` in a kind's ``send``."""
    transcript = _current.get()
    if transcript is not None:
        transcript.other(method, target, body, content_type)


def finish(
    outcome: str,
    now: datetime,
    *,
    status: int | None = None,
    code: str | None = None,
    error: str | None = None,
) -> AttemptRecord:
    """The attempt as the history keeps it; recording stops. Without a ``begin`` (the
    event vanished before anything was sent) the attempt started and ended ``now``."""
    from syndicator.store import AttemptRecord

    transcript = _current.get()
    _current.set(None)
    started = transcript.started_at if transcript is not None else now
    payload = transcript.payload() if transcript is not None else None
    secrets = transcript.secrets if transcript is not None else ()
    masked = mask(error, secrets) if error is not None else None
    return AttemptRecord(started, now, outcome, status, code, masked, payload)


def secrets_of(config: BaseModel) -> tuple[str, ...]:
    """Every ``SecretStr`` value of ``config`` (nested models too), and the long path
    segments and query values of the secrets that are URLs, so that a URL the kind
    built from them (an edit's ``…/messages/123``) is masked as well."""
    found: list[str] = []
    for name in type(config).model_fields:
        value = getattr(config, name)
        if isinstance(value, SecretStr) and value.get_secret_value():
            found += _parts(value.get_secret_value())
        elif isinstance(value, BaseModel):
            found += secrets_of(value)
    return tuple(dict.fromkeys(found))


def mask(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with each secret masked; a secret URL keeps its scheme, host and a hint
    (``https://hooks.slack.com/ser…/***``) so a reader still sees where it went."""
    urls = tuple(s for s in secrets if s.startswith(("http://", "https://")))
    for secret in sorted(urls, key=len, reverse=True):
        text = text.replace(secret, mask_url(secret))
    return scrub(text, tuple(s for s in secrets if s not in urls))


def redact_url(url: str, secrets: tuple[str, ...] = ()) -> str:
    """``url`` with secrets masked and credential-like query values hidden."""
    masked = mask(url, secrets)
    if not masked.startswith(("http://", "https://")):  # unparsable after masking
        return mask_url(url)
    parts = urlsplit(masked)
    if parts.username or parts.password:
        parts = parts._replace(netloc=f"{MASK}@{parts.hostname or ''}")
    query = [(key, _query_value(key, value)) for key, value in parse_qsl(parts.query, True)]
    return urlunsplit(parts._replace(query=urlencode(query, safe="*")))


def _query_value(key: str, value: str) -> str:
    lowered = key.lower()
    return MASK if any(word in lowered for word in _SECRET_QUERY) else value


def _parts(secret: str) -> list[str]:
    parts = [secret]
    if secret.startswith(("http://", "https://")):
        split = urlsplit(secret)
        parts += [s for s in split.path.split("/") if len(s) >= _MIN_SEGMENT]
        parts += [v for _k, v in parse_qsl(split.query) if len(v) >= _MIN_SEGMENT // 2]
    return parts


def _body(request: httpx.Request) -> str:
    try:
        content = request.content
    except httpx.RequestNotRead:
        return "<streamed body, not recorded>"
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return f"<{len(content)} bytes of {request.headers.get('content-type', 'binary data')}>"
    if len(text) > BODY_MAX:
        return text[:BODY_MAX] + f"\n<cut: {len(text)} characters in all>"
    return text


async def _on_request(request: httpx.Request) -> None:
    transcript = _current.get()
    if transcript is not None:
        transcript.request(request)


async def _on_response(response: httpx.Response) -> None:
    transcript = _current.get()
    if transcript is not None:
        transcript.response(response)


def _watch(client: httpx.AsyncClient) -> None:
    """Install the hooks on ``client`` once (idempotent)."""
    hooks: dict[str, list[Callable[..., Any]]] = {
        name: list(found) for name, found in client.event_hooks.items()
    }
    if _on_request not in hooks.get("request", []):
        hooks.setdefault("request", []).append(_on_request)
        hooks.setdefault("response", []).append(_on_response)
        client.event_hooks = hooks
