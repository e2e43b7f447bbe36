"""Kind ``matrix``: one ``m.room.message`` event per delivery (client-server API v3); an
edit or a withdrawal is an ``m.replace`` event, an update notice a reply.

``PUT {homeserver}/_matrix/client/v3/rooms/{roomId}/send/m.room.message/{txnId}`` with
``Authorization: Bearer <access_token>``. The txnId is the delivery's idempotency key, the
same on every retry and restart: the spec has the homeserver answer a repeated (access
token, txnId) with the event it already created, so a retry after a lost response adds
nothing to the room. A 200 without an ``event_id`` is therefore retried, safely. Edits and
withdrawals get their own txnId suffix, so an edit never collides with a send of the
same delivery. The content (``matrixbody``) is the release, or what changed.

- ``send``: the Receipt's ``remote_id`` is the new ``event_id``. An update sent as a notice
  replies to the first event (``m.relates_to: {"m.in_reply_to": {"event_id"}}``; no reply
  fallback, which the spec dropped in v1.13).
- ``edit``: ``m.new_content`` (the release as it is now), ``m.relates_to: {"rel_type":
  "m.replace", "event_id": <the first event>}`` and a fallback ``body`` prefixed "* " for
  clients without edits (spec: Event replacements). Always against the first event, never a
  replacement, so the Receipt keeps its id.
- ``withdraw``: an ``m.replace`` edit saying "Tiedote peruttu" over the title struck
  through; not a redaction, so readers see what happened.

Answers: 200 ``{"event_id"}``; 429 ``M_LIMIT_EXCEEDED`` with ``Retry-After`` or
``retry_after_ms``, 408 and 5xx are retried; 401 ``M_UNKNOWN_TOKEN``, 403 ``M_FORBIDDEN``,
400 ``M_UNKNOWN`` "Can't send relation to unknown event" and other 4xx are permanent.
Codes: ``delivery.matrix_<status>``, ``delivery.matrix_answer``, ``delivery.matrix_remote_id``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Annotated, Any, Literal
from urllib.parse import quote

import httpx
from pydantic import ConfigDict, Field, SecretStr

from syndicator.configbase import DestinationBase, Url
from syndicator.deliver.masking import mask_url, scrub
from syndicator.deliver.matrixbody import CONTENT_MAX_BYTES, content, withdrawn_content
from syndicator.deliver.render import truncate
from syndicator.deliver.response import RETRYABLE_STATUSES, post
from syndicator.errors import PermanentDeliveryError, RetryableDeliveryError
from syndicator.httperrors import parse_retry_after
from syndicator.model import Message, Receipt

__all__ = ["Config", "edit", "redacted", "send", "send_url", "txn_id", "withdraw"]

RoomId = Annotated[str, Field(pattern=r"^![^:\s]+:\S+$", max_length=255)]
_EVENT_ID_MAX = 255  # spec: identifiers are at most 255 bytes
# An edit carries the content twice (fallback and m.new_content) plus the relation.
_EDIT_HALF_BYTES = (CONTENT_MAX_BYTES - 1024) // 2


class Config(DestinationBase):
    model_config = ConfigDict(hide_input_in_errors=True)  # the token stays out of errors

    kind: Literal["matrix"]
    homeserver: Url  # the client-server API's base URL, e.g. https://matrix.example.org
    access_token: SecretStr
    room_id: RoomId  # "!abc:example.org" (a room id, not an alias: joined beforehand)
    msgtype: Literal["m.text", "m.notice"] = "m.text"


async def send(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    """PUT the event; the Receipt's ``remote_id`` is its ``event_id`` (for a later edit)."""
    own = _own(config)
    body = content(message, own.msgtype)
    if message.event == "updated" and (message.remote_id or "").startswith("$"):
        body["m.relates_to"] = {"m.in_reply_to": {"event_id": _event_id(own, message)}}
    status, event_id = await _put(client, own, send_url(own, message), body, redacted(own))
    return Receipt(remote_id=event_id, status=status, detail=event_id)


async def edit(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    """Replace the event ``message.remote_id`` names with the release as it is now."""
    own = _own(config)
    new = content(replace(message, changes=()), own.msgtype, _EDIT_HALF_BYTES)
    return await _replace(client, own, message, new, "edit")


async def withdraw(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    """Replace the event with one saying the release was withdrawn (no redaction)."""
    own = _own(config)
    return await _replace(client, own, message, withdrawn_content(message, own.msgtype), "withdraw")


def redacted(config: DestinationBase) -> str:
    """``matrix https://matrix.example.org !abc:example.org``: the token never appears."""
    own = _own(config)
    return f"matrix {mask_url(own.homeserver.rstrip('/'), visible_segments=None)} {own.room_id}"


def txn_id(message: Message, purpose: str = "") -> str:
    """Stable per delivery (the outbox's idempotency key), namespaced as ours; ``purpose``
    ("edit", "withdraw") keeps an edit apart from a send of the same delivery."""
    if not message.idempotency_key:
        raise PermanentDeliveryError(
            "matrix: a message without an idempotency key", code="delivery.matrix_txn"
        )
    return f"syndicator.{message.idempotency_key}" + (f".{purpose}" if purpose else "")


def send_url(config: Config, message: Message, purpose: str = "") -> str:
    room = quote(config.room_id, safe="")
    txn = quote(txn_id(message, purpose), safe="")
    base = config.homeserver.rstrip("/")
    return f"{base}/_matrix/client/v3/rooms/{room}/send/m.room.message/{txn}"


async def _replace(
    client: httpx.AsyncClient, config: Config, message: Message, new: dict[str, Any], purpose: str
) -> Receipt:
    """An ``m.replace`` of the first event, with the "* " fallback the spec asks for."""
    original = _event_id(config, message)
    body = {
        **new,
        "body": f"* {new['body']}",
        "formatted_body": f"* {new['formatted_body']}",
        "m.new_content": new,
        "m.relates_to": {"rel_type": "m.replace", "event_id": original},
    }
    target = f"{redacted(config)} event {original}"
    url = send_url(config, message, purpose)
    status, event_id = await _put(client, config, url, body, target)
    return Receipt(remote_id=original, status=status, detail=f"{purpose} {event_id}")


async def _put(
    client: httpx.AsyncClient, config: Config, url: str, body: dict[str, Any], target: str
) -> tuple[int, str]:
    """PUT one event; its status and ``event_id``, or a delivery error naming ``target``."""
    encoded = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    token = config.access_token.get_secret_value()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    response = await post(
        client, url, target=target, content=encoded, headers=headers, method="PUT",
        check=_any_answer,
    )  # fmt: skip
    answer = _json(response)
    if not 200 <= response.status_code < 300:
        raise _refusal(target, response, answer, token)
    event_id = answer.get("event_id")
    if not isinstance(event_id, str) or not event_id.startswith("$"):
        raise RetryableDeliveryError(  # the txnId makes the retry harmless
            f"{target} answered {response.status_code} without an event_id",
            code="delivery.matrix_answer",
            status=response.status_code,
        )
    return response.status_code, event_id


def _event_id(config: Config, message: Message) -> str:
    """``message.remote_id``: the event a send created, which edits and replies target."""
    event_id = message.remote_id or ""
    if not event_id.startswith("$") or len(event_id.encode()) > _EVENT_ID_MAX:
        raise PermanentDeliveryError(
            f"{redacted(config)}: no Matrix event id to refer to ({event_id[:40]!r})",
            code="delivery.matrix_remote_id",
        )
    return event_id


def _any_answer(target: str, response: httpx.Response) -> None:
    """Every status is mapped by ``_put`` from Matrix's JSON error body (``errcode``)."""


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        parsed = response.json()
    except (ValueError, UnicodeDecodeError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _refusal(
    target: str, response: httpx.Response, answer: dict[str, Any], token: str
) -> RetryableDeliveryError | PermanentDeliveryError:
    """The spec's error body (``errcode``, ``error``) named in the message; retryable
    for 408/425/429/5xx with the wait from ``Retry-After`` or ``retry_after_ms``."""
    status = response.status_code
    said = " ".join(str(answer.get(key, "")) for key in ("errcode", "error")).strip()
    said = truncate(" ".join(scrub(said, (token,)).split()), 200)
    message = f"{target} answered HTTP {status}" + (f": {said}" if said else "")
    code = f"delivery.matrix_{status}"
    if status in RETRYABLE_STATUSES or 500 <= status < 600:
        return RetryableDeliveryError(
            message, code=code, status=status, retry_after=_retry_after(response, answer)
        )
    return PermanentDeliveryError(message, code=code, status=status)


def _retry_after(response: httpx.Response, answer: dict[str, Any]) -> float | None:
    header = parse_retry_after(response.headers.get("retry-after"))
    if header is not None:
        return header  # the spec prefers the header (v1.10); retry_after_ms is older
    millis = answer.get("retry_after_ms")
    if isinstance(millis, int | float) and not isinstance(millis, bool) and millis >= 0:
        return millis / 1000
    return None


def _own(config: DestinationBase) -> Config:
    if not isinstance(config, Config):
        raise TypeError(f"matrix: expected matrix.Config, got {type(config).__name__}")
    return config
