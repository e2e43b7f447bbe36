"""Kind ``telegram``: the Bot API, ``sendPhoto`` when the release has an image, else
``sendMessage``, both in HTML parse mode (``telegrambody``); edits in place.

A photo with a caption rather than a text message whose link preview shows the picture:
a preview is whatever Telegram's crawler finds on the page (maybe nothing); ``sendPhoto``
shows our image, and if Telegram cannot fetch it, it says so at once (``400``) and we send
the text message instead. The price: the caption limit is 1,024 characters, not 4,096.

``{"ok": true, "result": {"message_id"…}}`` → ``Receipt(remote_id="<chat_id>:<message_id>")``
with ``:photo`` for a photo, which an edit needs: ``editMessageCaption`` for a photo,
``editMessageText`` for text; "message is not modified" counts as done. A withdrawal edits
the message to "Tiedote peruttu" over the title struck through. An update sent as a notice
is a short text message (what changed) replying to the first message (``reply_parameters``,
in the destination's topic ``message_thread_id``).

``429`` with ``parameters.retry_after`` and 5xx are retried; 400 (chat not found, bad
markup, message to edit not found), 401 (token), 403 (bot blocked), 404 are permanent:
codes ``delivery.telegram_<status>``, ``delivery.telegram_remote_id``. The token is part of
the URL path: errors and ``redacted()`` never show it.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any, Literal

import httpx
from pydantic import ConfigDict, Field, SecretStr, field_validator

from syndicator.configbase import DestinationBase, Url
from syndicator.deliver.masking import mask_url, scrub
from syndicator.deliver.response import post
from syndicator.deliver.telegrambody import (
    CAPTION_MAX,
    TEXT_MAX,
    markup,
    notice_markup,
    withdrawn_markup,
)
from syndicator.errors import DeliveryError, PermanentDeliveryError, RetryableDeliveryError
from syndicator.httperrors import parse_retry_after
from syndicator.model import Message, Receipt

__all__ = [
    "DEFAULT_API_BASE",
    "Config",
    "edit",
    "photo_payload",
    "redacted",
    "send",
    "text_payload",
    "withdraw",
]

DEFAULT_API_BASE = "https://api.telegram.org"
_TOKEN = re.compile(r"^[0-9]{1,20}:[A-Za-z0-9_-]{20,}$")  # "123456:ABC-DEF…" from @BotFather
_CHANNEL = re.compile(r"^@[A-Za-z][A-Za-z0-9_]{3,31}$")
_RETRYABLE = frozenset({408, 425, 429})  # plus every 5xx
_PHOTO_REFUSALS = ("HTTP URL", "web page", "WEBPAGE_", "IMAGE_", "PHOTO_", "file identifier")
_DETAIL_MAX = 200
_SENT = re.compile(r"(-?[0-9]+|@[A-Za-z0-9_]+):([0-9]+)(:photo)?")  # a send's remote_id
_EVEN_IF_GONE = {"allow_sending_without_reply": True}
_NOT_MODIFIED = "message is not modified"  # an edit that changes nothing: done
_NO_TEXT = "no text in the message to edit"  # a photo whose remote_id does not say so


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
    if message.image and not message.changes:  # a notice is text under the first message
        try:
            photo = photo_payload(own, message, message.image.url)
            result = await _call(own, "sendPhoto", photo, client)
        except _PhotoRefused as exc:
            note = f"; photo refused: {exc.message[:60]}"
        else:
            return _receipt(own, result, "sendPhoto")
    result = await _call(own, method, body, client)
    return _receipt(own, result, method + note)


async def edit(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    """The caption or text of ``message.remote_id`` changed in place (the photo stays)."""
    own = _own(config)
    plain = replace(message, changes=())
    text, caption = markup(plain, TEXT_MAX), markup(plain, CAPTION_MAX)
    return await _edit(own, message, client, text, caption, {"url": message.url})


async def withdraw(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    """Edit the message to say the release was withdrawn (not deleted: readers see why)."""
    own = _own(config)
    gone = withdrawn_markup(message)
    return await _edit(own, message, client, gone, gone, {"is_disabled": True})


def redacted(config: DestinationBase) -> str:
    """``telegram https://api.telegram.org/bot…/*** chat @channel``; never the token."""
    own = _own(config)
    target = f"telegram {mask_url(_endpoint(own, 'sendMessage'))} chat {own.chat_id}"
    return target + (f" topic {own.message_thread_id}" if own.message_thread_id else "")


def text_payload(config: Config, message: Message) -> dict[str, Any]:
    """``sendMessage``: the release, or for a notice (``message.changes``) what changed."""
    text = notice_markup(message) if message.changes else markup(message, TEXT_MAX)
    body: dict[str, Any] = {
        "chat_id": config.chat_id,
        "text": text,
        "parse_mode": "HTML",
        "link_preview_options": {"url": message.url},
    }
    return _place(config, message, body)


def photo_payload(config: Config, message: Message, photo: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "chat_id": config.chat_id,
        "photo": photo,
        "caption": markup(message, CAPTION_MAX),
        "parse_mode": "HTML",
    }
    return _place(config, message, body)


def _place(config: Config, message: Message, body: dict[str, Any]) -> dict[str, Any]:
    """The topic; for an update, a reply to the first message (even if it was deleted)."""
    if config.message_thread_id is not None:
        body["message_thread_id"] = config.message_thread_id
    sent = _SENT.fullmatch(message.remote_id or "") if message.event == "updated" else None
    if sent and sent.group(1) == str(config.chat_id):
        body["reply_parameters"] = {"message_id": int(sent.group(2))} | _EVEN_IF_GONE
    return body


async def _edit(
    config: Config,
    message: Message,
    client: httpx.AsyncClient,
    text: str,
    caption: str,
    preview: dict[str, Any],
) -> Receipt:
    """``editMessageCaption`` for a photo, else ``editMessageText`` (then the caption, if
    Telegram says the message has no text: a photo sent before remote ids said so)."""
    chat, message_id, photo = _sent(config, message)
    base: dict[str, Any] = {"chat_id": chat, "message_id": message_id, "parse_mode": "HTML"}
    if not photo:
        body = {**base, "text": text, "link_preview_options": preview}
        try:
            return await _edited(config, "editMessageText", body, client, f"{chat}:{message_id}")
        except PermanentDeliveryError as exc:
            if exc.status != 400 or _NO_TEXT not in exc.message:
                raise
    body = {**base, "caption": caption}
    return await _edited(config, "editMessageCaption", body, client, f"{chat}:{message_id}:photo")


async def _edited(
    config: Config, method: str, body: dict[str, Any], client: httpx.AsyncClient, remote_id: str
) -> Receipt:
    message_id = body["message_id"]
    try:
        await _call(config, method, body, client, subject=f"message {message_id}")
    except PermanentDeliveryError as exc:
        if exc.status == 400 and _NOT_MODIFIED in exc.message:
            return Receipt(remote_id=remote_id, status=200, detail=f"{method}: not modified")
        raise
    return Receipt(remote_id=remote_id, status=200, detail=f"{method} message {message_id}")


def _sent(config: Config, message: Message) -> tuple[int | str, int, bool]:
    """Chat, message id and whether it is a photo, from what ``send`` returned."""
    sent = _SENT.fullmatch(message.remote_id or "")
    if sent is None:
        shown = (message.remote_id or "")[:40]
        raise PermanentDeliveryError(
            f"{redacted(config)}: no Telegram message id to edit ({shown!r})",
            code="delivery.telegram_remote_id",
        )
    chat = sent.group(1)
    return (chat if chat.startswith("@") else int(chat)), int(sent.group(2)), bool(sent.group(3))


def _endpoint(config: Config, method: str) -> str:
    token = config.bot_token.get_secret_value()
    return f"{config.api_base.rstrip('/')}/bot{token}/{method}"


async def _call(
    config: Config,
    method: str,
    body: dict[str, Any],
    client: httpx.AsyncClient,
    subject: str = "",
) -> dict[str, Any]:
    """``method``'s ``result``, or an error naming destination, method and ``subject``."""
    target = f"{redacted(config)} {method} {subject}".rstrip()
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


def _receipt(config: Config, result: dict[str, Any], method: str) -> Receipt:
    """``chat:message``, ``:photo`` for a photo (an edit changes its caption)."""
    photo = ":photo" if method == "sendPhoto" else ""
    return Receipt(f"{config.chat_id}:{result['message_id']}{photo}", 200, method[:100])


def _own(config: DestinationBase) -> Config:
    if not isinstance(config, Config):
        raise TypeError(f"telegram: expected telegram.Config, got {type(config).__name__}")
    return config
