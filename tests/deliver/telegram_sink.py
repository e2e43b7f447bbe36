"""A local Telegram Bot API server: checks ``sendMessage`` / ``sendPhoto`` and
``editMessageText`` / ``editMessageCaption`` as the API documents them
(core.telegram.org/bots/api) and answers like Telegram.

Checked: ``POST /bot<token>/<method>`` (another token: ``401 Unauthorized``, another method:
``404 Not Found``), a JSON body, the documented fields only, ``chat_id`` an integer or
``@channelname``, ``parse_mode`` ``HTML``, the markup as Telegram's HTML mode parses it
(only b/strong/i/em/u/ins/s/strike/del/a href/code/pre/blockquote/span tg-spoiler, only the
entities &lt; &gt; &amp; &quot; and numeric ones, every bare ``<``, ``>``, ``&`` refused,
tags balanced) and the length of the visible text in UTF-16 units: 1..4096 for ``text``,
0..1024 for ``caption``. A problem answers ``400 Bad Request: can't parse entities…``;
``answer(...)`` queues Telegram-shaped errors for the next requests.

The chat is kept (``messages``: (chat id, message id) → what it shows), so edits answer as
Telegram does: ``message to edit not found`` for an id it never sent, ``there is no text in
the message to edit`` for ``editMessageText`` on a photo (and no caption for the reverse),
``message is not modified`` when nothing changes; a reply (``reply_parameters``) to a
missing message is refused unless ``allow_sending_without_reply``.
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from typing import Any

from syndicator.deliver import telegram
from tests.sinks import Answer, HttpSink, Recorded

__all__ = ["CHAT", "TOKEN", "TelegramSink", "config_for", "error", "visible_text"]

TOKEN = "123456789:AAH3xSECRETtokenPart_0123456789abc"
CHAT = -1001234567890
_SEND = {"chat_id", "message_thread_id", "parse_mode", "reply_parameters", "reply_to_message_id"}
_EDIT = {"chat_id", "message_id", "parse_mode", "inline_message_id", "reply_markup"}
_FIELDS = {
    "sendMessage": _SEND | {"text", "link_preview_options"},
    "sendPhoto": _SEND | {"photo", "caption"},
    "editMessageText": _EDIT | {"text", "link_preview_options"},
    "editMessageCaption": _EDIT | {"caption", "show_caption_above_media"},
}
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_PREVIEW = {"is_disabled", "url", "prefer_small_media", "prefer_large_media", "show_above_text"}
_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
         "blockquote", "span", "tg-spoiler"}  # fmt: skip
_TAG = re.compile(r"<(/?)([a-z-]+)((?:\s+[a-z-]+=\"[^\"<>]*\")*)\s*>")
_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def config_for(url: str | None = None, **changes: object) -> telegram.Config:
    """A telegram destination for ``CHAT`` on the sink at ``url`` (else the real API)."""
    return telegram.Config.model_validate(
        {"kind": "telegram", "name": "newsroom-tg", "bot_token": TOKEN, "chat_id": CHAT,
         "api_base": url or "https://api.telegram.org", **changes}
    )  # fmt: skip


def error(status: int, description: str, retry_after: int | None = None) -> Answer:
    """A Telegram error answer: ``{"ok": false, "error_code", "description", "parameters"}``."""
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return status, {}, json.dumps(body).encode()


class TelegramSink(HttpSink):
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.visible: list[str] = []  # the text or caption each accepted send showed
        self.messages: dict[tuple[str, int], dict[str, Any]] = {}  # the chats, as edited
        self._queued: deque[Answer] = deque()
        self._ids = iter(range(1, 1_000_000))
        self._guard = threading.Lock()
        super().__init__()

    def answer(self, *answers: Answer) -> None:
        """Queue answers for the next well-formed requests; then success again."""
        with self._guard:
            self._queued.extend(answers)

    def inspect(self, request: Recorded) -> Answer | None:
        match = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)", request.path)
        if request.method != "POST" or match is None:
            return error(404, "Not Found")
        if match.group(1) != self.token:
            return error(401, "Unauthorized")
        method = match.group(2)
        if method not in _FIELDS:
            return error(404, "Not Found")
        request.problems.extend(self._problems(method, request))
        if request.problems:
            return error(400, "Bad Request: can't parse entities: " + request.problems[0])
        body = json.loads(request.body)
        with self._guard:
            if self._queued:
                return self._queued.popleft()
            return self._edit(method, body) if method.startswith("edit") else self._send(body)

    def _send(self, body: dict[str, Any]) -> Answer:
        chat = str(body["chat_id"])
        reply = body.get("reply_parameters") or {}
        replied = reply.get("message_id")
        missing = replied and (chat, replied) not in self.messages
        if missing and not reply.get("allow_sending_without_reply"):
            return error(400, "Bad Request: message to be replied not found")
        message_id = next(self._ids)
        markup = body.get("text", body.get("caption", ""))
        self.visible.append(visible_text(markup)[0])
        self.messages[(chat, message_id)] = {
            "photo": "photo" in body, "markup": markup, "reply_to": replied,
            "thread": body.get("message_thread_id"), "edits": 0,
        }  # fmt: skip
        return _ok({"message_id": message_id, "date": 1741766400, "chat": {"id": body["chat_id"]}})

    def _edit(self, method: str, body: dict[str, Any]) -> Answer:
        sent = self.messages.get((str(body["chat_id"]), body["message_id"]))
        if sent is None:
            return error(400, "Bad Request: message to edit not found")
        field = "text" if method == "editMessageText" else "caption"
        if sent["photo"] != (field == "caption"):
            return error(400, f"Bad Request: there is no {field} in the message to edit")
        if body[field] == sent["markup"]:
            return error(400, _NOT_MODIFIED)
        sent["markup"], sent["edits"] = body[field], sent["edits"] + 1
        result = {"message_id": body["message_id"], "date": 1741766400, "edit_date": 1741852800}
        return _ok({**result, "chat": {"id": body["chat_id"]}})

    def _problems(self, method: str, request: Recorded) -> list[str]:
        if not request.headers.get("content-type", "").startswith("application/json"):
            return ["Content-Type is not application/json"]
        try:
            body = json.loads(request.body)
        except ValueError:
            return ["body is not JSON"]
        if not isinstance(body, dict):
            return ["body is not an object"]
        problems = [f"unknown field {name}" for name in sorted(set(body) - _FIELDS[method])]
        chat = body.get("chat_id")
        if not (type(chat) is int or (isinstance(chat, str) and re.fullmatch(r"@\w{4,32}", chat))):
            problems.append("chat_id must be an integer or @channelname")
        if "message_thread_id" in body and type(body["message_thread_id"]) is not int:
            problems.append("message_thread_id must be an integer")
        if body.get("parse_mode") != "HTML":
            problems.append("parse_mode is not HTML")
        if method.startswith("edit") and type(body.get("message_id")) is not int:
            problems.append("message_id must be an integer")
        reply = body.get("reply_parameters", {})
        if not isinstance(reply, dict) or type(reply.get("message_id", 0)) is not int:
            problems.append("reply_parameters is not a ReplyParameters object")
        if method == "sendPhoto":
            problems += _photo_problems(body)
        elif method == "editMessageCaption":
            problems += _caption_problems(body)
        else:
            problems += _text_problems(body)
        return problems


def _text_problems(body: dict[str, Any]) -> list[str]:
    text = body.get("text")
    if not isinstance(text, str):
        return ["text is required"]
    shown, problems = visible_text(text)
    if not 1 <= _utf16(shown.strip()) <= 4096:
        problems.append(f"text is {_utf16(shown)} characters after entities parsing (1-4096)")
    preview = body.get("link_preview_options", {})
    if not isinstance(preview, dict) or set(preview) - _PREVIEW:
        problems.append("link_preview_options is not a LinkPreviewOptions object")
    return problems


def _ok(result: dict[str, Any]) -> Answer:
    return 200, {}, json.dumps({"ok": True, "result": result}).encode()


def _photo_problems(body: dict[str, Any]) -> list[str]:
    photo = body.get("photo")
    problems = [] if isinstance(photo, str) and re.match(r"https?://", photo) else ["bad photo"]
    return problems + _caption_problems(body)


def _caption_problems(body: dict[str, Any]) -> list[str]:
    caption = body.get("caption", "")
    if not isinstance(caption, str):
        return ["caption is not a string"]
    shown, found = visible_text(caption)
    if _utf16(shown) > 1024:
        found.append(f"caption is {_utf16(shown)} characters after entities parsing (0-1024)")
    return found


def visible_text(markup: str) -> tuple[str, list[str]]:
    """Parse Telegram HTML: the text a reader sees and what Telegram would refuse."""
    shown: list[str] = []
    problems: list[str] = []
    open_tags: list[str] = []
    position = 0
    while position < len(markup):
        char = markup[position]
        if char == "<":
            tag = _TAG.match(markup, position)
            if tag is None:
                problems.append(f"unsupported start tag at byte offset {position}")
                break
            problems += _tag_problems(tag, open_tags)
            position = tag.end()
        elif char == "&":
            entity = _ENTITY.match(markup, position)
            if entity is None:
                problems.append(f"unsupported entity at byte offset {position}")
                break
            named, decimal, hexadecimal = entity.groups()
            number = int(decimal) if decimal else int(hexadecimal or "0", 16)
            shown.append(_NAMED[named] if named else chr(number))
            position = entity.end()
        elif char == ">":
            problems.append(f"bare > at byte offset {position}")
            break
        else:
            shown.append(char)
            position += 1
    if open_tags:
        problems.append(f"unclosed tags {open_tags}")
    return "".join(shown), problems


def _tag_problems(tag: re.Match[str], open_tags: list[str]) -> list[str]:
    closing, name, attributes = tag.group(1), tag.group(2), tag.group(3)
    if name not in _TAGS:
        return [f"unsupported tag {name}"]
    if closing:
        if not open_tags or open_tags.pop() != name:
            return [f"unexpected end tag {name}"]
        return []
    if name == "a" and not re.fullmatch(r'\s+href="[^"]+"', attributes):
        return ["a needs exactly an href"]
    open_tags.append(name)
    return []


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
