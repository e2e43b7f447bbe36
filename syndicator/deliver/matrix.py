"""Kind ``matrix``: one ``m.room.message`` event per delivery (client-server API v3).

``PUT {homeserver}/_matrix/client/v3/rooms/{roomId}/send/m.room.message/{txnId}`` with
``Authorization: Bearer <access_token>``. The txnId is the delivery's idempotency key, the
same on every retry and restart: the spec has the homeserver answer a repeated (access
token, txnId) with the event it already created, so a retry after a lost response adds
nothing to the room. A 200 without an ``event_id`` is therefore retried, safely.

Content: ``msgtype`` (``m.text`` by default: the spec's default push rule
``.m.rule.suppress_notices`` silences ``m.notice``, and a newsroom wants to be told),
``body`` (plain text) and ``formatted_body`` (``org.matrix.custom.html``, cleaned by nh3 to
a part of the spec's recommended HTML subset). No ``<img>``: the spec allows only ``mxc://``
sources, which needs a media upload (left for later). The content is kept to
``CONTENT_MAX_BYTES`` of JSON, well under the 65,536-byte event limit (signatures and the
envelope come on top), by cutting the lead at a word boundary; the link always stays.

Answers: 200 ``{"event_id"}``; 429 ``M_LIMIT_EXCEEDED`` with ``Retry-After`` or
``retry_after_ms``, 408 and 5xx are retried; 401 ``M_UNKNOWN_TOKEN``, 403 ``M_FORBIDDEN``
and other 4xx are permanent. Codes: ``delivery.matrix_<status>``, ``delivery.matrix_answer``.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal
from urllib.parse import quote

import httpx
import nh3
from pydantic import ConfigDict, Field, SecretStr

from syndicator.configbase import DestinationBase, Url
from syndicator.deliver.masking import mask_url, scrub
from syndicator.deliver.render import escape_html, headline, truncate
from syndicator.deliver.response import RETRYABLE_STATUSES, post
from syndicator.errors import PermanentDeliveryError, RetryableDeliveryError
from syndicator.httperrors import parse_retry_after
from syndicator.model import Link, Message, Receipt

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "CONTENT_MAX_BYTES",
    "EVENT_MAX_BYTES",
    "HTML_FORMAT",
    "LINKS_MAX",
    "TITLE_MAX",
    "URL_MAX",
    "Config",
    "content",
    "redacted",
    "sanitise",
    "send",
    "send_url",
    "txn_id",
]

EVENT_MAX_BYTES = 65_536  # spec: a whole event (PDU), signatures and hashes included
CONTENT_MAX_BYTES = 32_768  # our content's JSON: half the event, the rest is envelope
HTML_FORMAT = "org.matrix.custom.html"
TITLE_MAX = 300  # characters; no spec limit, a readable heading
LINK_LABEL_MAX = 200
URL_MAX = 2048  # links longer than this (other than the release's own) are left out
LINKS_MAX = 20  # the article's own "read more" links, and the other languages
# A subset of the spec's recommended HTML (client-server API, m.room.message msgtypes).
ALLOWED_TAGS = frozenset(
    {"h1", "h2", "h3", "h4", "h5", "h6", "p", "a", "b", "strong", "i", "em", "ul", "ol", "li"}
    | {"br", "blockquote", "code", "pre"}
)
ALLOWED_ATTRIBUTES = {"a": frozenset({"href"})}
_URL_SCHEMES = frozenset({"http", "https", "mailto"})
RoomId = Annotated[str, Field(pattern=r"^![^:\s]+:\S+$", max_length=255)]


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
    target = redacted(own)
    body = json.dumps(content(message, own.msgtype), ensure_ascii=False, separators=(",", ":"))
    token = own.access_token.get_secret_value()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    url = send_url(own, message)
    response = await post(
        client,
        url,
        target=target,
        content=body.encode(),
        headers=headers,
        method="PUT",
        check=_any_answer,
    )
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
    return Receipt(remote_id=event_id, status=response.status_code, detail=event_id)


def _any_answer(target: str, response: httpx.Response) -> None:
    """Every status is mapped by ``send`` from Matrix's JSON error body (``errcode``)."""


def redacted(config: DestinationBase) -> str:
    """``matrix https://matrix.example.org !abc:example.org``: the token never appears."""
    own = _own(config)
    return f"matrix {mask_url(own.homeserver.rstrip('/'), visible_segments=None)} {own.room_id}"


def txn_id(message: Message) -> str:
    """Stable per delivery (the outbox's idempotency key), namespaced as ours."""
    if not message.idempotency_key:
        raise PermanentDeliveryError(
            "matrix: a message without an idempotency key", code="delivery.matrix_txn"
        )
    return f"syndicator.{message.idempotency_key}"


def send_url(config: Config, message: Message) -> str:
    room = quote(config.room_id, safe="")
    txn = quote(txn_id(message), safe="")
    base = config.homeserver.rstrip("/")
    return f"{base}/_matrix/client/v3/rooms/{room}/send/m.room.message/{txn}"


def content(message: Message, msgtype: str = "m.text") -> dict[str, Any]:
    """The event content within ``CONTENT_MAX_BYTES``: the lead is cut first (at a word
    boundary), then the lists of links go, then the title shrinks; the link stays."""
    allowance = len(message.lead)
    links = True
    title_max = TITLE_MAX
    while True:
        built = _build(message, msgtype, allowance, links=links, title_max=title_max)
        size = len(json.dumps(built, ensure_ascii=False, separators=(",", ":")).encode())
        if size <= CONTENT_MAX_BYTES:
            return built
        if allowance > 0:
            allowance = max(0, min(allowance - 1, int(allowance * CONTENT_MAX_BYTES / size)))
        elif links:
            links = False
        elif title_max > 50:
            title_max = 50
        else:
            raise PermanentDeliveryError(
                f"matrix: the event would be {size} bytes even without its text",
                code="delivery.matrix_too_large",
            )


def _build(
    message: Message, msgtype: str, lead_max: int, *, links: bool, title_max: int
) -> dict[str, Any]:
    labels = message.labels
    title = truncate(message.title or message.url, title_max)
    when = _when(message)
    lead = truncate(message.lead.strip(), lead_max) if lead_max > 0 else ""
    read_more = labels.get("read_more", "Read more")
    own_links = _links(message.read_more) if links else []
    others = _links(message.alternates) if links else []
    other_label = labels.get("other_languages", "")
    text = [title, f"{headline(message)} · {when}", ""]
    html = [f"<h3>{escape_html(title)}</h3>", f"<p><b>{escape_html(headline(message))}</b> · "
            f"{escape_html(when)}</p>"]  # fmt: skip
    if lead:
        text += [lead, ""]
        html.append("<p>" + "<br>".join(escape_html(line) for line in lead.splitlines()) + "</p>")
    text.append(f"{read_more}: {message.url}")
    html.append(f"<p>{_anchor(message.url, read_more)}</p>")
    if own_links:
        text += [f"• {link.label}: {link.url}" for link in own_links]
        html.append(
            "<ul>"
            + "".join(f"<li>{_anchor(link.url, link.label)}</li>" for link in own_links)
            + "</ul>"
        )
    if others:
        text.append(f"{other_label}: " + " · ".join(f"{link.label}: {link.url}" for link in others))
        html.append(
            f"<p>{escape_html(other_label)}: "
            + " · ".join(_anchor(link.url, link.label) for link in others)
            + "</p>"
        )
    return {
        "msgtype": msgtype,
        "body": "\n".join(text),
        "format": HTML_FORMAT,
        "formatted_body": sanitise("".join(html)),
    }


def sanitise(html: str) -> str:
    """Only ``ALLOWED_TAGS`` and ``<a href>`` with http(s)/mailto: what clients render."""
    attributes = {tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes=attributes,
        url_schemes=set(_URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


def _when(message: Message) -> str:
    labels = message.labels
    if message.event == "updated":
        return f"{labels.get('updated', '')} {labels.get('updated_at', '')}".strip()
    return f"{labels.get('published', '')} {labels.get('published_at', '')}".strip()


def _links(links: tuple[Link, ...]) -> list[Link]:
    kept = [link for link in links if link.url and len(link.url) <= URL_MAX]
    return [
        Link(link.url, truncate(link.label or link.url, LINK_LABEL_MAX))
        for link in kept[:LINKS_MAX]
    ]


def _anchor(url: str, label: str) -> str:
    return f'<a href="{escape_html(url)}">{escape_html(label)}</a>'


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
