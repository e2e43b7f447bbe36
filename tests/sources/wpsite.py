"""A WordPress-shaped REST API on 127.0.0.1, answering as the public API answers an
anonymous client — the parts a source depends on:

- ``/wp-json/wp/v2/posts``: published posts only, ``orderby=date|modified`` (newest first),
  ``per_page``, ``page`` (``X-WP-Total``/``X-WP-TotalPages`` on the answer, unless
  ``paging_headers`` is off; past the last page 400 ``rest_post_invalid_page_number``),
  ``_fields`` (top-level keys; ``_embedded`` only when listed, as WordPress ≥ 5.4 does) and
  an ETag/``If-None-Match`` on the answer;
- ``/wp-json/wp/v2/posts/{id}``: a published post; a trashed, draft, private or pending one
  answers 401 ``rest_forbidden`` (anonymous clients may not read it); a deleted one 404
  ``rest_post_invalid_id``; ``gone`` (a plugin's hard removal) 410.

``queries`` records the query string of every list request, ``asked`` the ids asked for.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from syndicator.locales import HELSINKI

__all__ = ["Post", "WordPressSite"]

_LIST = "/wp-json/wp/v2/posts"
_ONE = re.compile(r"^/wp-json/wp/v2/posts/(\d+)/?$")
_PAST_THE_END = {
    "code": "rest_post_invalid_page_number",
    "message": "The page number requested is larger than the number of pages available.",
    "data": {"status": 400},
}
_FORBIDDEN = {"code": "rest_forbidden", "message": "Sorry, you are not allowed to do that.",
              "data": {"status": 401}}  # fmt: skip


@dataclass(slots=True)
class Post:
    id: int
    title: str
    content: str
    date: datetime  # aware
    modified: datetime
    status: str = "publish"  # publish, trash, draft, private, pending; "deleted", "gone"

    def json(self, base: str) -> dict[str, Any]:
        slug = f"tiedote-{self.id}"
        return {
            "id": self.id,
            "date": _wp(self.date.astimezone(HELSINKI)),
            "date_gmt": _wp(self.date),
            "modified": _wp(self.modified.astimezone(HELSINKI)),
            "modified_gmt": _wp(self.modified),
            "slug": slug,
            "status": self.status,
            "type": "post",
            "link": f"{base}{self.date:%Y/%m}/{slug}/",
            "title": {"rendered": self.title},
            "content": {"rendered": self.content, "protected": False},
            "excerpt": {"rendered": f"<p>{self.title}.</p>\n", "protected": False},
            "_links": {"wp:featuredmedia": [{"href": f"{base}wp-json/wp/v2/media/{self.id}"}]},
            "_embedded": {"wp:featuredmedia": [{"source_url": f"{base}kuva-{self.id}.jpg"}]},
        }


def _wp(moment: datetime) -> str:
    """WordPress's naive ``YYYY-MM-DDTHH:MM:SS``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


class WordPressSite:
    def __init__(self) -> None:
        self.posts: dict[int, Post] = {}
        self.queries: list[dict[str, list[str]]] = []
        self.asked: list[int] = []  # the post ids asked for one by one
        self.paging_headers = True  # some proxies and caches drop X-WP-TotalPages
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, body, etag = site.answer(self.path)
                if etag and self.headers.get("if-none-match") == etag:
                    status, body = 304, b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                for name, value in site.paging(self.path).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"

    def __enter__(self) -> Self:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def add(self, post_id: int, title: str, content: str, date: datetime) -> Post:
        with self._lock:
            post = Post(post_id, title, content, date, date)
            self.posts[post_id] = post
            return post

    def edit(self, post_id: int, content: str) -> None:
        with self._lock:
            post = self.posts[post_id]
            post.content = content
            post.modified = max(datetime.now(UTC), post.modified + timedelta(seconds=1))

    def set_status(self, post_id: int, status: str) -> None:
        with self._lock:
            self.posts[post_id].status = status

    def answer(self, target: str) -> tuple[int, bytes, str | None]:
        parts = urlsplit(target)
        with self._lock:
            if parts.path.rstrip("/") == _LIST:
                query = parse_qs(parts.query)
                self.queries.append(query)
                if self._page(query) > self._pages(query):
                    return 400, json.dumps(_PAST_THE_END).encode(), None
                body = json.dumps(self._list(query)).encode()
                return 200, body, f'"{hashlib.sha256(body).hexdigest()[:16]}"'
            match = _ONE.match(parts.path)
            if match:
                self.asked.append(int(match.group(1)))
            post = self.posts.get(int(match.group(1))) if match else None
        if post is None or post.status == "deleted":
            gone = {"code": "rest_post_invalid_id", "message": "Invalid post ID.",
                    "data": {"status": 404}}  # fmt: skip
            return 404, json.dumps(gone).encode(), None
        if post.status == "gone":
            return 410, b'{"code": "gone", "data": {"status": 410}}', None
        if post.status != "publish":
            return 401, json.dumps(_FORBIDDEN).encode(), None
        return 200, json.dumps(post.json(self.url)).encode(), None

    def _list(self, query: dict[str, list[str]]) -> list[dict[str, Any]]:
        order = query.get("orderby", ["date"])[0]
        published = [post for post in self.posts.values() if post.status == "publish"]
        published.sort(key=lambda post: post.modified if order == "modified" else post.date,
                       reverse=True)  # fmt: skip
        per_page, page = self._per_page(query), self._page(query)
        fields = query.get("_fields", [""])[0].split(",") if "_fields" in query else None
        answer = []
        for post in published[(page - 1) * per_page : page * per_page]:
            data = post.json(self.url)
            if fields is not None:
                data = {key: value for key, value in data.items() if key in fields}
            answer.append(data)
        return answer

    def paging(self, target: str) -> dict[str, str]:
        """The ``X-WP-Total``/``X-WP-TotalPages`` headers of a list answer."""
        parts = urlsplit(target)
        if not self.paging_headers or parts.path.rstrip("/") != _LIST:
            return {}
        query = parse_qs(parts.query)
        with self._lock:
            total = sum(post.status == "publish" for post in self.posts.values())
            return {"X-WP-Total": str(total), "X-WP-TotalPages": str(self._pages(query))}

    def _pages(self, query: dict[str, list[str]]) -> int:
        total = sum(post.status == "publish" for post in self.posts.values())
        return max(1, -(-total // self._per_page(query)))

    @staticmethod
    def _per_page(query: dict[str, list[str]]) -> int:
        return int(query.get("per_page", ["10"])[0])

    @staticmethod
    def _page(query: dict[str, list[str]]) -> int:
        return int(query.get("page", ["1"])[0])
