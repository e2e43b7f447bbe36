"""A local stand-in for a WordPress site's REST API (``/wp-json/wp/v2``), kept in memory.

Checks what WordPress documents (developer.wordpress.org/rest-api/reference/posts/, …/media/,
…/categories/, …/tags/; Application Passwords): HTTP Basic auth with the user's application
password (spaces ignored, as WordPress does); ``GET /posts`` shows only published posts unless
``status=any`` (which, like ``context=edit``, needs the login); a draft keeps the slug it was
given; JSON fields of the right types, term and media ids that exist; a media upload needs a
``Content-Disposition`` filename with an image extension and a non-empty body. Answers like
WordPress: ``201`` with the object for a create, ``200`` for an update, and errors as
``{"code", "message", "data": {"status"}}`` (``rest_post_invalid_id``, ``term_exists`` with
``term_id``, ``rest_no_route``…). Term names come back HTML-escaped, as WordPress stores them.

``lose_created = n``: the next ``n`` created posts are stored, then answered ``500`` (a lost
answer); ``created_meanwhile = (taxonomy, name)``: that term appears just after our search.
``IMAGE_PATH`` serves a JPEG (``image_downloads`` counts the fetches), ``MOVED_PATH`` redirects
to it.
"""

from __future__ import annotations

import base64
import html
import itertools
import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.sinks import Answer, HttpSink, Recorded

__all__ = ["IMAGE_PATH", "JPEG", "MOVED_PATH", "PASSWORD", "USERNAME", "WordPressSink", "wp_error"]

USERNAME = "syndikointi"
PASSWORD = "abcd EFGH 1234 ijkl MNOP 5678"  # an application password, as WordPress shows it
IMAGE_PATH = "/kuvat/uimahalli.jpg"
MOVED_PATH = "/kuvat/vanha-osoite"  # 301 to IMAGE_PATH
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4 + b"\xff\xd9"
_API = "/wp-json/wp/v2"
_JSON = {"Content-Type": "application/json; charset=UTF-8"}
_STATUSES = ("publish", "future", "draft", "pending", "private")
_POST_FIELDS = {"title": str, "content": str, "excerpt": str, "status": str, "slug": str,
                "categories": list, "tags": list, "featured_media": int}  # fmt: skip
_ITEM = re.compile(rf"^{_API}/(posts|media|categories|tags)(?:/(\d+))?$")


def wp_error(status: int, code: str, message: str, **headers: str) -> Answer:
    body = {"code": code, "message": message, "data": {"status": status}}
    return status, {**_JSON, **headers}, json.dumps(body).encode()


class WordPressSink(HttpSink):
    """Posts, media and terms in memory; what WordPress would refuse in ``request.problems``."""

    def __init__(self, language_field: str | None = None) -> None:
        self.language_field = language_field  # a Polylang-style field the site accepts
        self.posts: dict[int, dict[str, Any]] = {}
        self.media: dict[int, dict[str, Any]] = {}
        self.terms: dict[str, dict[int, str]] = {"categories": {}, "tags": {}}
        self.uploads: list[Recorded] = []
        self.image_downloads = 0
        self.lose_created = 0
        self.created_meanwhile: tuple[str, str] | None = None  # (taxonomy, name): a race
        self._ids = itertools.count(101)  # posts and attachments share one table, as in WP
        self._term_ids = itertools.count(11)
        super().__init__()

    def add_term(self, taxonomy: str, name: str) -> int:
        term_id = next(self._term_ids)
        self.terms[taxonomy][term_id] = html.escape(name, quote=False)
        return term_id

    def inspect(self, request: Recorded) -> Answer | None:
        if request.path.split("?")[0] in (IMAGE_PATH, MOVED_PATH):
            return None
        login = request.headers.get("authorization", "")
        expected = base64.b64encode(f"{USERNAME}:{PASSWORD.replace(' ', '')}".encode()).decode()
        given = login.removeprefix("Basic ")
        try:
            user, _, password = base64.b64decode(given).decode().partition(":")
        except ValueError:
            user, password = "", ""
        if not login.startswith("Basic ") or user != USERNAME:
            request.problems.append("no Basic auth of the user")
            return wp_error(401, "invalid_username", "Unknown username.")
        if base64.b64encode(f"{user}:{password.replace(' ', '')}".encode()).decode() != expected:
            request.problems.append("wrong application password")
            return wp_error(401, "incorrect_password", "The provided password is an invalid "
                            "application password.")  # fmt: skip
        return None

    def _answer(self, request: Recorded) -> tuple[int, dict[str, str], bytes]:
        status, headers, body = super()._answer(request)
        if status != 200 or body:
            return status, headers, body
        parts = urlsplit(request.path)
        if parts.path == IMAGE_PATH and request.method == "GET":
            self.image_downloads += 1
            return 200, {"Content-Type": "image/jpeg"}, JPEG
        if parts.path == MOVED_PATH:
            return 301, {"Location": IMAGE_PATH}, b""
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        match = _ITEM.match(parts.path)
        if match is None:
            request.problems.append(f"{request.method} {parts.path}: no such route")
            return wp_error(404, "rest_no_route", "No route was found matching the URL and "
                            "request method.")  # fmt: skip
        collection, item = match.group(1), match.group(2)
        route = getattr(self, f"_{request.method.lower()}_{collection}", None)
        if route is None:
            return wp_error(404, "rest_no_route", "No route was found matching the URL.")
        return route(request, query, int(item) if item else None)  # type: ignore[no-any-return]

    # posts

    def _get_posts(self, request: Recorded, query: dict[str, str], item: int | None) -> Answer:
        statuses = query.get("status", "publish").split(",")
        wanted = _STATUSES if "any" in statuses else statuses
        if query.get("context") != "edit":
            request.problems.append("a lookup without context=edit")
        found = [post for post in self.posts.values() if post["status"] in wanted
                 and ("slug" not in query or post["slug"] == query["slug"])]  # fmt: skip
        return 200, _JSON, json.dumps(found).encode()

    def _post_posts(self, request: Recorded, query: dict[str, str], item: int | None) -> Answer:
        fields = self._fields(request, partial=item is not None)
        if isinstance(fields, tuple):
            return fields
        if item is not None:
            if item not in self.posts:
                return wp_error(404, "rest_post_invalid_id", "Invalid post ID.")
            self.posts[item].update(fields)
            return 200, _JSON, json.dumps(self.posts[item]).encode()
        post_id = next(self._ids)
        post = {"id": post_id, "type": "post", "status": "draft", "slug": "", **fields}
        post["link"] = f"{self.url}/?p={post_id}"
        self.posts[post_id] = post
        if self.lose_created > 0:
            self.lose_created -= 1
            return wp_error(500, "internal_server_error", "There has been a critical error.")
        return 201, _JSON, json.dumps(post).encode()

    def _fields(self, request: Recorded, *, partial: bool) -> dict[str, Any] | Answer:
        problems: list[str] = []
        try:
            body = request.json()
        except ValueError:
            body = None
        if not request.headers.get("content-type", "").startswith("application/json"):
            problems.append("Content-Type is not application/json")
        if not isinstance(body, dict):
            problems.append("body is not a JSON object")
            body = {}
        for key, value in body.items():
            kind = str if key == self.language_field else _POST_FIELDS.get(key)
            if kind is None or not isinstance(value, kind):
                problems.append(f"{key}: unknown field or wrong type")
        problems += self._references(body)
        if not partial and not body.get("title"):
            problems.append("a new post without a title")
        if body.get("status", "draft") not in _STATUSES:
            problems.append("status is not one of " + ", ".join(_STATUSES))
        request.problems.extend(problems)
        if problems:
            return wp_error(
                400, "rest_invalid_param", "Invalid parameter(s): " + "; ".join(problems)
            )
        return {key: value for key, value in body.items()}

    def _references(self, body: dict[str, Any]) -> list[str]:
        problems = []
        for taxonomy in ("categories", "tags"):
            ids = body.get(taxonomy, [])
            if isinstance(ids, list) and any(i not in self.terms[taxonomy] for i in ids):
                problems.append(f"{taxonomy}: unknown term id in {ids}")
        media = body.get("featured_media", 0)
        if media and media not in self.media:
            problems.append("featured_media: Invalid featured media ID.")
        return problems

    # media

    def _get_media(self, request: Recorded, query: dict[str, str], item: int | None) -> Answer:
        found = [m for m in self.media.values() if query.get("slug") in (None, m["slug"])]
        return 200, _JSON, json.dumps(found).encode()

    def _post_media(self, request: Recorded, query: dict[str, str], item: int | None) -> Answer:
        if item is not None:
            if item not in self.media:
                return wp_error(404, "rest_post_invalid_id", "Invalid post ID.")
            details = request.json()
            if set(details) - {"alt_text", "caption", "title", "description"}:
                request.problems.append(f"media fields {sorted(details)}")
            self.media[item].update(details)
            return 200, _JSON, json.dumps(self.media[item]).encode()
        disposition = request.headers.get("content-disposition", "")
        filename = re.search(r'filename="?([^";]+)"?', disposition)
        if not request.body:
            return wp_error(400, "rest_upload_no_data", "No data supplied.")
        if filename is None:
            return wp_error(400, "rest_upload_no_content_disposition",
                            "No Content-Disposition supplied.")  # fmt: skip
        if not re.search(r"\.(jpe?g|png|gif|webp)$", filename.group(1)):
            return wp_error(500, "rest_upload_sideload_error", "Sorry, you are not allowed to "
                            "upload this file type.")  # fmt: skip
        self.uploads.append(request)
        media_id = next(self._ids)
        self.media[media_id] = {
            "id": media_id, "slug": query.get("slug") or filename.group(1), "media_type": "image",
            "mime_type": request.headers.get("content-type", ""), "alt_text": "", "caption": "",
            "source_url": f"{self.url}/wp-content/uploads/{filename.group(1)}",
        }  # fmt: skip
        return 201, _JSON, json.dumps(self.media[media_id]).encode()

    # terms

    def _get_categories(self, request: Recorded, query: dict[str, str], item: int | None) -> Answer:
        return self._get_terms(request.path, query)

    _get_tags = _get_categories

    def _get_terms(self, path: str, query: dict[str, str]) -> Answer:
        taxonomy = "tags" if "/tags" in path else "categories"
        search = query.get("search", "").casefold()  # against the stored, escaped name
        if self.created_meanwhile == (taxonomy, query.get("search")):
            self.created_meanwhile = None  # someone adds it just after our search
            self.add_term(taxonomy, query.get("search", ""))
            return 200, _JSON, b"[]"
        found = [{"id": term_id, "name": name, "taxonomy": taxonomy}
                 for term_id, name in self.terms[taxonomy].items()
                 if search in name.casefold()]  # fmt: skip
        return 200, _JSON, json.dumps(found).encode()

    def _post_categories(
        self, request: Recorded, query: dict[str, str], item: int | None
    ) -> Answer:
        taxonomy = "tags" if "/tags" in request.path else "categories"
        name = request.json().get("name")
        if not isinstance(name, str) or not name.strip():
            request.problems.append("a term without a name")
            return wp_error(400, "rest_missing_callback_param", "Missing parameter(s): name")
        stored = html.escape(name.strip(), quote=False)
        for term_id, known in self.terms[taxonomy].items():
            if known.casefold() == stored.casefold():
                body = {"code": "term_exists", "message": "A term with the name provided "
                        "already exists.", "data": {"status": 400, "term_id": term_id}}  # fmt: skip
                return 400, _JSON, json.dumps(body).encode()
        term_id = self.add_term(taxonomy, name.strip())
        answer = {"id": term_id, "name": stored, "taxonomy": taxonomy}
        return 201, _JSON, json.dumps(answer).encode()

    _post_tags = _post_categories
