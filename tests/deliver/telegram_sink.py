"""A local Telegram Bot API server: checks ``sendMessage`` / ``sendPhoto`` as the API
documents them (core.telegram.org/bots/api) and answers like Telegram.

Checked: ``POST /bot<token>/<method>`` (another token: ``401 Unauthorized``, another method:
``404 Not Found``), a JSON body, the documented fields only, ``chat_id`` an integer or
``@channelname``, ``parse_mode`` ``HTML``, the markup as Telegram's HTML mode parses it
(only b/strong/i/em/u/ins/s/strike/del/a href/code/pre/blockquote/span tg-spoiler, only the
entities &lt; &gt; &amp; &quot; and numeric ones, every bare ``<``, ``>``, ``&`` refused,
tags balanced) and the length of the visible text in UTF-16 units: 1..4096 for ``text``,
0..1024 for ``caption``. A problem answers ``400 Bad Request: can't parse entities…``;
``answer(...)`` queues Telegram-shaped errors for the next requests.
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from typing import Any

from tests.sinks import Answer, HttpSink, Recorded

__all__ = ["TOKEN", "TelegramSink", "error", "visible_text"]

TOKEN = "123456789:AAH3xSECRETtokenPart_0123456789abc"
_FIELDS = {
    "sendMessage": {"chat_id", "message_thread_id", "text", "parse_mode", "link_preview_options"},
    "sendPhoto": {"chat_id", "message_thread_id", "photo", "caption", "parse_mode"},
}
_PREVIEW = {"is_disabled", "url", "prefer_small_media", "prefer_large_media", "show_above_text"}
_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
         "blockquote", "span", "tg-spoiler"}  # fmt: skip
_TAG = re.compile(r"<(/?)([a-z-]+)((?:\s+[a-z-]+=\"[^\"<>]*\")*)\s*>")
_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def error(status: int, description: str, retry_after: int | None = None) -> Answer:
    """A Telegram error answer: ``{"ok": false, "error_code", "description", "parameters"}``."""
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return status, {}, json.dumps(body).encode()


class TelegramSink(HttpSink):
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.visible: list[str] = []  # the text or caption each accepted request showed
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
        with self._guard:
            if self._queued:
                return self._queued.popleft()
            message_id = next(self._ids)
        body = json.loads(request.body)
        self.visible.append(visible_text(body.get("text", body.get("caption", "")))[0])
        result = {"message_id": message_id, "date": 1741766400, "chat": {"id": body["chat_id"]}}
        return 200, {}, json.dumps({"ok": True, "result": result}).encode()

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
        if method == "sendPhoto":
            problems += _photo_problems(body)
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


def _photo_problems(body: dict[str, Any]) -> list[str]:
    photo = body.get("photo")
    problems = [] if isinstance(photo, str) and re.match(r"https?://", photo) else ["bad photo"]
    caption = body.get("caption", "")
    if not isinstance(caption, str):
        return [*problems, "caption is not a string"]
    shown, found = visible_text(caption)
    if _utf16(shown) > 1024:
        found.append(f"caption is {_utf16(shown)} characters after entities parsing (0-1024)")
    return problems + found


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
