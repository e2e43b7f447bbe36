"""What a destination would receive for a release, without sending anything.

The kind's own ``send`` runs against an ``httpx.MockTransport`` that keeps each request (as
the delivery history records it: method, masked URL, exact body) and answers like a
plausible success, so a kind that makes several requests (look up, then create) goes on as
it would; an image download gets a 1×1 PNG (a kind's own address check may still resolve
the image's host name, which sends nothing). Kinds that do not speak HTTP show their output
instead: e-mail the MIME message, console its block. Nothing leaves the process; no
delivery row is touched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from syndicator.configbase import DestinationBase
from syndicator.deliver import (
    DestinationKind,
    apprise,
    can_edit,
    can_withdraw,
    console,
    email,
    kind_of,
    transcript,
)
from syndicator.deliver.dispatch import plan
from syndicator.errors import DeliveryError
from syndicator.model import Message

__all__ = ["Preview", "preview"]

# One body that every kind reads as success: Discord's and WordPress' "id", Matrix's
# "event_id", Slack's "ok"/"ts"/"channel", Telegram's "ok"/"result.message_id".
_SUCCESS: dict[str, Any] = {
    "ok": True,
    "id": 1,
    "event_id": "$preview",
    "ts": "1700000000.000100",
    "channel": "C0PREVIEW",
    "result": {"message_id": 1, "chat": {"id": 1}},
}


# A 1×1 PNG: what an image download (WordPress' featured image) gets, so the upload
# request shows in the preview without fetching the real picture.
_PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@dataclass(frozen=True, slots=True)
class Preview:
    requests: tuple[dict[str, Any], ...] = ()  # method, url (masked), content_type, body
    text: str = ""  # a kind without HTTP: what it would write
    problem: str | None = None  # the kind did not take the simulated answer as success


async def preview(config: DestinationBase, message: Message) -> Preview:
    """What ``config``'s kind would send for ``message``."""
    kind = kind_of(config)
    action = _action(kind, config, message)
    if action is None:
        return Preview(problem=f"nothing: {config.name} gets no {message.event} message")
    offline = _OFFLINE.get(str(getattr(config, "kind", "")))
    if offline is not None and action == "send":
        return Preview(text=offline(config, message))
    async with httpx.AsyncClient(transport=httpx.MockTransport(_answer)) as client:
        sent = transcript.begin(config, client, datetime.now(UTC))
        problem = None
        try:
            await getattr(kind, action)(config, message, client)
        except DeliveryError as exc:
            problem = f"{exc.code}: {exc.message}"
        finally:
            transcript.finish("preview", datetime.now(UTC))
    simulated = ("status",)  # the answers were ours: no status to show
    requests = tuple({k: v for k, v in r.items() if k not in simulated} for r in sent.requests)
    return Preview(requests, problem=problem)


def _action(kind: DestinationKind, config: DestinationBase, message: Message) -> str | None:
    """What the outbox would call (``dispatch.plan``, the same decision); None when the
    destination gets nothing (an ignored update, a withdrawal it cannot show)."""
    chosen = plan(message.event, config.on_update, remote_id=message.remote_id,
                  editable=can_edit(kind, config),
                  withdrawable=can_withdraw(kind, config))  # fmt: skip
    if chosen.path == "skip":
        return None
    return "send" if chosen.path == "notice" else chosen.path


def _answer(request: httpx.Request) -> httpx.Response:
    if request.method == "GET" and request.headers.get("accept", "").startswith("image/"):
        return httpx.Response(200, headers={"content-type": "image/png"}, stream=_pixel())
    if request.method == "GET":  # a lookup before creating: nothing there yet
        return httpx.Response(200, json=[])
    return httpx.Response(200, json=_SUCCESS)


def _pixel() -> httpx.ByteStream:
    """A stream not yet read (a kind may read an image as a stream, with a size cap)."""
    return httpx.ByteStream(_PIXEL)


def _email(config: DestinationBase, message: Message) -> str:
    if not isinstance(config, email.Config):
        raise TypeError(f"email: expected email.Config, got {type(config).__name__}")
    built = email.build_email(config, message)
    return f"SMTP {config.host}:{config.port}\n\n{built.as_string()}"


def _console(_config: DestinationBase, message: Message) -> str:
    return console.format_block(message)


_OFFLINE: dict[str, Callable[[DestinationBase, Message], str]] = {
    "apprise": apprise.outline,  # Apprise sends with its own HTTP stack, not our client
    "email": _email,
    "console": _console,
}
