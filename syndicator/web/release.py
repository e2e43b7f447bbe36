"""``/releases/{item_id}``: one release as partners receive it, with its other languages
and what changed between its versions (``describe_changes``, as update notices say it).

The body is the sanitised ``body_html`` the store keeps (nh3 at extraction); links and
images are shown only for http(s) URLs. Pages are rendered per request (items are many;
keeping each would grow without bound) and answered with an ETag, so a reader's repeat
visit is a 304.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from syndicator.config import Config
from syndicator.deliver.changes import describe_changes
from syndicator.i18n import translate
from syndicator.model import Article, Entry, EventKind
from syndicator.offload import offload
from syndicator.web.cache import Rendered, encode
from syndicator.web.conditional import conditional_response
from syndicator.web.index import choose_language
from syndicator.web.pages import page_headers, render_page

__all__ = ["VERSIONS_SHOWN", "ReleaseStore", "release_routes", "version_history"]

VERSIONS_SHOWN = 20  # newest versions listed with their changes
_LABELS = ("published", "updated", "read_more", "other_languages")
_WORDS = ("versions", "version", "first", "contacts", "attachments", "original")


class ReleaseStore(Protocol):
    """What the release page reads (``syndicator.store.Store`` has it all); blocking."""

    def latest_event_of(self, item_id: int) -> int | None: ...

    def entry_for_event(self, event_id: int) -> tuple[EventKind, Entry] | None: ...

    def release_entries(self, release_id: int) -> list[Entry]: ...

    def previous_article(self, item_id: int, version: int) -> Article | None: ...


@dataclass(frozen=True, slots=True)
class Version:
    number: int
    changes: tuple[str, ...]  # empty for the first version


def version_history(articles: Sequence[tuple[int, Article]], lang: str) -> list[Version]:
    """PURE. Versions newest first, each with what changed since the one before it;
    ``articles`` are (number, article) oldest first; the oldest listed has no changes
    unless its predecessor is listed too."""
    history = [Version(articles[0][0], ())] if articles else []
    for (_, before), (number, after) in itertools.pairwise(articles):
        history.append(Version(number, describe_changes(before, after, lang)))
    return history[::-1]


def release_routes(config: Config, store: ReleaseStore) -> list[Route]:
    """``GET /releases/{item_id}``: 404 for an item we do not have."""

    def render(item_id: int, lang: str) -> Rendered | None:
        event = store.latest_event_of(item_id)
        found = store.entry_for_event(event) if event is not None else None
        if found is None:
            return None
        entry = found[1]
        first = max(1, entry.version - VERSIONS_SHOWN)
        articles = [
            (n, store.previous_article(item_id, n + 1)) for n in range(first, entry.version)
        ]
        kept = [(n, article) for n, article in articles if article is not None]
        others = [e for e in store.release_entries(entry.release_id) if e.item_id != item_id]
        page = render_page(
            "release.html", lang, config, entry.article.title,
            w=_words(lang), entry=entry, article=entry.article,
            body=Markup(entry.article.body_html),  # sanitised when extracted
            others=others, versions=version_history([*kept, (entry.version, entry.article)], lang),
        )  # fmt: skip
        return encode(page.encode(), "text/html", entry.updated)

    async def release(request: Request) -> Response:
        lang = choose_language(
            request.query_params.get("lang"), request.headers.get("accept-language")
        )
        rendered = await offload(functools.partial(render, request.path_params["item_id"], lang))
        if rendered is None:
            return PlainTextResponse("Not Found", status_code=404)
        headers = {**page_headers(lang), "Vary": "Accept-Language"}
        return conditional_response(request, rendered, headers)

    return [Route("/releases/{item_id:int}", release, methods=["GET"])]


def _words(lang: str) -> dict[str, str]:
    words = {key: translate(f"label.{key}", lang) for key in _LABELS}
    return words | {key: translate(f"release.{key}", lang) for key in _WORDS}
