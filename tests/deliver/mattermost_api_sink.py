"""A local stand-in for Mattermost's REST API v4 posts, and the attachment checks both
Mattermost sinks share.

Checks what api.mattermost.com documents for ``POST /api/v4/posts`` (``channel_id``,
``message``, ``root_id`` of an existing root post in the same channel, ``props``) and ``PUT
/api/v4/posts/{post_id}`` (the body's ``id`` equals the path's; an existing post), with
``Authorization: Bearer <token>``. Answers like Mattermost: ``201`` / ``200`` with the post
object (a 26-character ``id``), errors as JSON ``{"id": "…app_error", "message",
"detailed_error", "request_id", "status_code"}``: 401 for a bad token, 403 for a channel the
bot may not post in, 400 for a bad body, 404 for an unknown post.
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from syndicator.deliver import mattermost
from tests.sinks import Answer, HttpSink, Recorded

__all__ = ["CHANNEL_ID", "TOKEN", "MattermostApiSink", "attachment_problems", "error"]

TOKEN = "SECRETbottoken9x8c7v6b5n4m3"
CHANNEL_ID = "4xp9fdt7pbgium38k5k6w95oow"
_OUTSIDE = "9ujcbd3rtbd5pewr1bdqn41mhy"  # exists; the bot is not a member
_POSTS = "/api/v4/posts"
_JSON = {"Content-Type": "application/json"}
_FIELD_KEYS = {"short", "title", "value"}
_ATTACHMENT_KEYS = {
    "fallback", "color", "pretext", "text", "author_name", "author_link", "author_icon",
    "title", "title_link", "fields", "image_url", "thumb_url", "footer", "footer_icon", "ts",
}  # fmt: skip
_BODY_KEYS = {"id", "channel_id", "message", "root_id", "props", "file_ids", "is_pinned"}


def error(status: int, error_id: str, message: str) -> Answer:
    body = {"id": error_id, "message": message, "detailed_error": "",
            "request_id": "t9yb6wgfx7gqzxruzzcbe5qzxr", "status_code": status}  # fmt: skip
    return status, _JSON, json.dumps(body).encode()


def attachment_problems(text: str, attachments: Any) -> list[str]:
    """What Mattermost refuses in a post's ``attachments`` (shape, 16,383 characters)."""
    if not isinstance(attachments, list):
        return ["attachments must be a list"]
    problems: list[str] = []
    size = len(text)
    for attachment in attachments:
        if set(attachment) - _ATTACHMENT_KEYS:
            problems.append(f"unknown attachment keys {set(attachment) - _ATTACHMENT_KEYS}")
        for field in attachment.get("fields", []):
            if set(field) != _FIELD_KEYS or not isinstance(field["short"], bool):
                problems.append("a field needs short (bool), title, value")
            size += len(str(field.get("title", ""))) + len(str(field.get("value", "")))
        keys = ("fallback", "title", "text", "pretext")
        size += sum(len(str(attachment.get(key, ""))) for key in keys)
        if "ts" in attachment and not isinstance(attachment["ts"], int | str):
            problems.append("ts must be a number or string")
    if size > mattermost.MESSAGE_MAX:
        problems.append(f"{size} characters > {mattermost.MESSAGE_MAX}")
    return problems


class MattermostApiSink(HttpSink):
    """Records requests; the channel's posts are in ``posts[id]``."""

    def __init__(self) -> None:
        self._ids = (f"p{n:025d}" for n in itertools.count(1))
        self.posts: dict[str, dict[str, Any]] = {}
        super().__init__()

    def inspect(self, request: Recorded) -> Answer | None:
        if request.method not in ("POST", "PUT") or not request.path.startswith(_POSTS):
            request.problems.append(f"{request.method} {request.path}: no such route")
            return error(404, "api.context.404.app_error", "Sorry, we could not find the page.")
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            request.problems.append("wrong or missing bearer token")
            return error(401, "api.context.session_expired.app_error",
                         "Invalid or expired session, please login again.")  # fmt: skip
        return None

    def _answer(self, request: Recorded) -> tuple[int, dict[str, str], bytes]:
        status, headers, body = super()._answer(request)
        if status != 200 or body:
            return status, headers, body
        try:
            sent = request.json()
        except ValueError:
            sent = None
        if not isinstance(sent, dict) or set(sent) - _BODY_KEYS:
            request.problems.append("not a post body")
            return error(400, "api.context.invalid_body_param.app_error", "Invalid post.")
        if request.method == "PUT":
            return self._update(request, sent)
        return self._create(request, sent)

    def _create(self, request: Recorded, sent: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        channel = sent.get("channel_id")
        if channel != CHANNEL_ID or request.path != _POSTS:
            request.problems.append(f"cannot post in {channel}")
            return error(403, "api.context.permissions.app_error",
                         "You do not have the appropriate permissions.")  # fmt: skip
        root = self.posts.get(str(sent.get("root_id") or "")) if sent.get("root_id") else None
        if sent.get("root_id") and (root is None or root["root_id"]):
            request.problems.append("root_id is not a root post")
            return error(400, "api.post.create_post.root_id.app_error", "Invalid RootId parameter.")
        problem = self._content_problem(request, sent)
        if problem:
            return problem
        now = int(time.time() * 1000)
        post = {"id": next(self._ids), "create_at": now, "update_at": now, "edit_at": 0,
                "user_id": "bot0000000000000000000000u", "channel_id": channel,
                "root_id": sent.get("root_id", ""), "message": sent.get("message", ""),
                "type": "", "props": sent.get("props", {}), "hashtags": ""}  # fmt: skip
        self.posts[post["id"]] = post
        return 201, _JSON, json.dumps(post).encode()

    def _update(self, request: Recorded, sent: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        post_id = request.path.removeprefix(_POSTS + "/")
        if sent.get("id") != post_id:
            request.problems.append("body id differs from the path")
            return error(400, "api.context.invalid_body_param.app_error",
                         "Invalid or missing id in request body.")  # fmt: skip
        post = self.posts.get(post_id)
        if post is None:
            request.problems.append(f"no post {post_id}")
            return error(404, "app.post.get.app_error", "Unable to get the post.")
        problem = self._content_problem(request, sent)
        if problem:
            return problem
        now = int(time.time() * 1000)  # omitted fields are blanked, as Mattermost does
        post.update(message=sent.get("message", ""), props=sent.get("props", {}), edit_at=now)
        post["update_at"] = now
        return 200, _JSON, json.dumps(post).encode()

    def _content_problem(
        self, request: Recorded, sent: dict[str, Any]
    ) -> tuple[int, dict[str, str], bytes] | None:
        message = sent.get("message", "")
        attachments = (sent.get("props") or {}).get("attachments", [])
        problems = attachment_problems(message, attachments)
        if not message and not attachments:
            problems.append("neither message nor attachments")
        if not problems:
            return None
        request.problems.extend(problems)
        return error(400, "api.post.is_valid.msg.app_error", "; ".join(problems))
