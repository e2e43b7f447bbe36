"""Kind ``telegram``: the Bot API, ``sendPhoto`` when the release has an image, else
``sendMessage``, both in HTML parse mode.

A photo with a caption rather than a text message whose link preview shows the picture:
a preview is whatever Telegram's crawler finds on the page (``og:image``, maybe nothing), and
fails silently; ``sendPhoto`` shows our image, and if Telegram cannot fetch it (too large,
hotlink-protected) it says so at once (``400``) and we send the text message instead. The
price is the caption limit, 1,024 characters instead of 4,096: the lead is cut shorter, the
title, date, read-more link and other languages always stay.

Layout: **title** · headline and date · lead · "Lue lisää" link · other languages. The
internal source name is never sent. Answers: ``{"ok": true, "result": {"message_id"…}}`` →
``Receipt(remote_id="<chat_id>:<message_id>", detail=<method>)`` (an edit needs the method:
``editMessageCaption`` for a photo); ``429`` with ``parameters.retry_after`` and 5xx are
retried; 400 (chat not found, bad markup), 401 (token), 403 (bot blocked or kicked), 404 are
permanent, codes ``delivery.telegram_<status>``. The token is part of the URL path: errors
and ``redacted()`` never show it.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any, Literal
from urllib.parse import quote

import httpx
from pydantic import ConfigDict, Field, SecretStr, field_validator

from syndicator.configbase import DestinationBase, Url
from syndicator.deliver.masking import mask_url, scrub
from syndicator.deliver.render import headline, truncate
from syndicator.deliver.response import post
from syndicator.errors import DeliveryError, PermanentDeliveryError, RetryableDeliveryError
from syndicator.httperrors import parse_retry_after
from syndicator.model import Link, Message, Receipt

__all__ = [
    "ALTERNATES_MAX",
    "CAPTION_MAX",
    "DEFAULT_API_BASE",
    "LABEL_MAX",
    "TEXT_MAX",
    "TITLE_MAX",
    "Config",
    "escape",
    "markup",
    "photo_payload",
    "redacted",
    "send",
    "text_payload",
    "visible_length",
]

# core.telegram.org/bots/api#sendmessage, #sendphoto: lengths "after entities parsing", i.e.
# of the visible text, not of the markup; counted here in UTF-16 code units as Telegram does.
TEXT_MAX = 4096
CAPTION_MAX = 1024
# Ours, so the lead always has room and one language list cannot crowd out the release.
TITLE_MAX = 256
LABEL_MAX = 64
ALTERNATES_MAX = 10
DEFAULT_API_BASE = "https://api.telegram.org"
_TOKEN = re.compile(r"^[0-9]{1,20}:[A-Za-z0-9_-]{20,}$")  # "123456:ABC-DEF…" from @BotFather
_CHANNEL = re.compile(r"^@[A-Za-z][A-Za-z0-9_]{3,31}$")
_RETRYABLE = frozenset({408, 425, 429})  # plus every 5xx
_PHOTO_REFUSALS = ("HTTP URL", "web page", "WEBPAGE_", "IMAGE_", "PHOTO_", "file identifier")
_DETAIL_MAX = 200


class Config(DestinationBase):
    model_config = ConfigDict(hide_input_in_errors=True)  # the token stays out of errors

    kind: Literal["telegram"]
    bot_token: SecretStr
    chat_id: int | str  # a numeric chat id (-100… for channels) or "@channelname"
    message_thread_id: int | None = Field(default=None, ge=1)  # a forum topic
    api_base: Url = DEFAULT_API_BASE

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        if not _TOKEN.match(value.get_secret_value()):
            raise ValueError("not a bot token like 123456:ABC… (value hidden)")
        return value

    @field_validator("chat_id")
    @classmethod
    def _chat(cls, value: int | str) -> int | str:
        if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip()):
            return int(value)
        if isinstance(value, str) and not _CHANNEL.match(value):
            raise ValueError("chat_id must be a number or @channelname")
        return value


class _PhotoRefused(PermanentDeliveryError):
    """Telegram could not fetch or use the image (message: its description); the text
    message goes instead."""


async def send(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    own = _own(config)
    method, body, note = "sendMessage", text_payload(own, message), ""
    if message.image:
        try:
            photo = photo_payload(own, message, message.image.url)
            result = await _call(own, "sendPhoto", photo, client)
        except _PhotoRefused as exc:
            note = f"; photo refused: {exc.message[:60]}"
        else:
            return _receipt(own, result, "sendPhoto")
    result = await _call(own, method, body, client)
    return _receipt(own, result, method + note)


def redacted(config: DestinationBase) -> str:
    """``telegram https://api.telegram.org/bot…/*** chat @channel``; never the token."""
    own = _own(config)
    target = f"telegram {mask_url(_endpoint(own, 'sendMessage'))} chat {own.chat_id}"
    return target + (f" topic {own.message_thread_id}" if own.message_thread_id else "")


def text_payload(config: Config, message: Message) -> dict[str, Any]:
    body: dict[str, Any] = {
        "chat_id": config.chat_id,
        "text": markup(message, TEXT_MAX),
        "parse_mode": "HTML",
        "link_preview_options": {"url": message.url},
    }
    return _topic(config, body)


def photo_payload(config: Config, message: Message, photo: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "chat_id": config.chat_id,
        "photo": photo,
        "caption": markup(message, CAPTION_MAX),
        "parse_mode": "HTML",
    }
    return _topic(config, body)


def markup(message: Message, limit: int) -> str:
    """The message in Telegram HTML whose visible text is at most ``limit`` long: the lead
    is cut at a word boundary first, then the other languages, then the title."""
    alternates = list(message.alternates[:ALTERNATES_MAX])
    title = truncate(message.title or message.url, TITLE_MAX)
    while True:
        head, tail = _head(message, title), _tail(message, alternates)
        room = limit - visible_length(head + tail) - 2  # "\n\n" before the lead
        if room >= min(200, len(message.lead)) or not (alternates or len(title) > 1):
            break
        if alternates:
            alternates.pop()
        else:
            title = truncate(title, len(title) // 2)
    lead = _fit(message.lead.strip(), max(room, 0))
    return head + (f"\n\n{escape(lead)}" if lead else "") + tail


def escape(text: str) -> str:
    """Telegram's HTML mode knows only &lt; &gt; &amp; &quot; by name."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def visible_length(markup_text: str) -> int:
    """What Telegram counts: the text without tags, entities decoded, in UTF-16 units."""
    return _utf16(html.unescape(re.sub(r"<[^>]*>", "", markup_text)))


def _head(message: Message, title: str) -> str:
    labels = message.labels
    if message.event == "updated":
        when = f"{labels.get('updated', '')} {labels.get('updated_at', '')}".strip()
    else:
        when = f"{labels.get('published', '')} {labels.get('published_at', '')}".strip()
    facts = " · ".join(part for part in (headline(message), when) if part)
    return f"<b>{escape(title)}</b>\n<i>{escape(facts)}</i>"


def _tail(message: Message, alternates: list[Link]) -> str:
    read_more = truncate(message.labels.get("read_more", "Read more"), LABEL_MAX)
    tail = f"\n\n{_link(message.url, read_more)}"
    if alternates:
        label = escape(message.labels.get("other_languages", ""))
        links = " · ".join(_link(link.url, truncate(link.label, LABEL_MAX)) for link in alternates)
        tail += f"\n{label}: {links}" if label else f"\n{links}"
    return tail


def _link(url: str, label: str) -> str:
    safe = quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")
    return f'<a href="{escape(safe)}">{escape(label or url)}</a>'


def _fit(text: str, room: int) -> str:
    """``truncate`` measured in UTF-16 units (an emoji counts two)."""
    allowance = room
    while allowance > 0:
        cut = truncate(text, allowance)
        if _utf16(cut) <= room:
            return cut
        allowance -= max(1, _utf16(cut) - room)
    return ""


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _topic(config: Config, body: dict[str, Any]) -> dict[str, Any]:
    if config.message_thread_id is not None:
        body["message_thread_id"] = config.message_thread_id
    return body


def _endpoint(config: Config, method: str) -> str:
    token = config.bot_token.get_secret_value()
    return f"{config.api_base.rstrip('/')}/bot{token}/{method}"


async def _call(
    config: Config, method: str, body: dict[str, Any], client: httpx.AsyncClient
) -> dict[str, Any]:
    target = f"{redacted(config)} {method}"
    encoded = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    try:
        response = await post(
            client, _endpoint(config, method), target=target, content=encoded,
            headers=headers, check=_check_photo if method == "sendPhoto" else _check,
        )  # fmt: skip
    except DeliveryError as exc:  # a transport error may quote the path: hide the token
        exc.args = (scrub(exc.message, (config.bot_token.get_secret_value(),)),)
        raise
    result = _answer(response).get("result")
    if not isinstance(result, dict) or not isinstance(result.get("message_id"), int):
        raise RetryableDeliveryError(
            f"{target}: answer without result.message_id", code="delivery.telegram_answer"
        )
    return result


def _check(target: str, response: httpx.Response) -> None:
    """The Bot API's answer: ``ok`` true, or ``error_code``, ``description`` and maybe
    ``parameters.retry_after`` (flood control)."""
    answer = _answer(response)
    status = response.status_code
    if 200 <= status < 300 and answer.get("ok") is True:
        return
    code = answer.get("error_code")
    status = code if isinstance(code, int) and not 200 <= status < 300 else status
    description = " ".join(str(answer.get("description") or response.text[:_DETAIL_MAX]).split())
    message = f"{target} answered {status}: {description[:_DETAIL_MAX]}"
    parameters = answer.get("parameters")
    retry_after = parameters.get("retry_after") if isinstance(parameters, dict) else None
    if not isinstance(retry_after, int | float):
        retry_after = parse_retry_after(response.headers.get("retry-after"))
    if status in _RETRYABLE or status >= 500 or 200 <= status < 300:
        raise RetryableDeliveryError(
            message, code=f"delivery.telegram_{status}", status=status, retry_after=retry_after
        )
    raise PermanentDeliveryError(message, code=f"delivery.telegram_{status}", status=status)


def _check_photo(target: str, response: httpx.Response) -> None:
    try:
        _check(target, response)
    except PermanentDeliveryError as exc:
        description = str(_answer(response).get("description", ""))
        if exc.status == 400 and any(word in description for word in _PHOTO_REFUSALS):
            raise _PhotoRefused(description, code=exc.code, status=exc.status) from None
        raise


def _answer(response: httpx.Response) -> dict[str, Any]:
    try:
        answer = response.json()
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _receipt(config: Config, result: dict[str, Any], detail: str) -> Receipt:
    return Receipt(
        remote_id=f"{config.chat_id}:{result['message_id']}", status=200, detail=detail[:100]
    )


def _own(config: DestinationBase) -> Config:
    if not isinstance(config, Config):
        raise TypeError(f"telegram: expected telegram.Config, got {type(config).__name__}")
    return config
