"""Kind ``wordpress``: the WordPress REST API (``/wp-json/wp/v2/<type>?_embed``).

One conditional GET of ``{url}wp-json/wp/v2/{post_type}?_embed=…&per_page=N&orderby=modified
&_fields=…[&lang=xx]``: the most recently *changed* posts first, so an edit of an old post is
on the first page, and only the fields read here. Each post becomes a candidate whose
``html`` is a synthesised article document (title, canonical, dates, featured image,
hreflang alternates, ``content.rendered``), so no page is fetched, and whose ``modified``
(``modified_gmt``) makes the pipeline read an edit on the next poll (``recheck``). A body
that is not a JSON list of posts raises ``FetchError("fetch.invalid_json")``. Decoding and
building the documents run in a parse worker (``read_posts``).

``gone`` asks ``…/wp/v2/{post_type}/{id}`` about a known post the list no longer shows. The
public API lists published posts only; asked for one by id it answers 404 for a deleted post
(410 where a plugin says so), 401 ``rest_forbidden`` for one that is trashed, a draft,
private or pending (an anonymous client may not read it), and with credentials a ``status``
other than ``publish``. Each means withdrawn (``withdrawals``).
"""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlencode

from pydantic import Field

from syndicator.configbase import SourceBase, Url
from syndicator.errors import FetchError
from syndicator.http import Fetcher
from syndicator.locales import HELSINKI, normalise_lang
from syndicator.model import Candidate, Link, StoredItem
from syndicator.parsing import Parser
from syndicator.sources.document import fragment_text, synthesize_document
from syndicator.sources.listing import Listing, advertised_hub, validators_of
from syndicator.urls import absolute_url, canonical_url

__all__ = ["Config", "api_url", "candidates", "gone", "post_url", "read_posts"]

TRASHED = 410  # what ``gone`` answers for a post in the trash: gone, as a 410 says
UNPUBLISHED = 401  # the public API's answer for a post it may not show (trash, draft, ...)
_FIELDS = (  # what _candidate reads; _links and _embedded must be named (WordPress >= 5.4)
    "id,link,status,date,date_gmt,modified,modified_gmt,title,content,excerpt,lang,"
    "translations,wpml_translations,_links,_embedded"
)

_TAXONOMIES = ("category", "post_tag")


class Config(SourceBase):
    kind: Literal["wordpress"]
    url: Url  # the site root, e.g. https://www.vaasa.fi/
    post_type: str = Field(default="posts", pattern=r"^[a-z0-9_-]+$")
    lang: str | None = None  # sent as ?lang= where the site has a multilingual plugin
    per_page: int = Field(default=20, ge=1, le=100)


def api_url(source: Config, *, page: int | None = None) -> str:
    """The list a poll reads (newest change first); with ``page``, that page of the archive
    by publication date, newest first (``backfill``)."""
    base = source.url if source.url.endswith("/") else source.url + "/"
    query: dict[str, str | int] = {
        "_embed": "wp:featuredmedia,wp:term",  # what we read; older WordPress embeds all
        "per_page": source.per_page,
        "orderby": "modified" if page is None else "date",
        "order": "desc",
        "_fields": _FIELDS,
    }
    if page is not None:
        query["page"] = page
    if source.lang:
        query["lang"] = source.lang
    return f"{base}wp-json/wp/v2/{source.post_type}?{urlencode(query)}"


async def candidates(source: Config, fetcher: Fetcher, parser: Parser) -> Listing:
    url = api_url(source)
    page = await fetcher.get(url, conditional=True, source=source.name)
    if page is None:
        return Listing(None)
    found = await parser.run(read_posts, page.content, url, page.url, source)
    return Listing(
        found, validators_of(url, page), advertised_hub(page), _shown_since(found, source)
    )


def _shown_since(found: tuple[Candidate, ...], source: Config) -> datetime | None:
    """The list is ordered by modification time: it shows every post changed since its
    last one's stamp; a list shorter than a page shows every post there is."""
    stamps = [candidate.modified for candidate in found]
    if not stamps or None in stamps:
        return None
    if len(found) < min(source.per_page, source.max_items):
        return datetime(1970, 1, 1, tzinfo=UTC)
    return min(stamp for stamp in stamps if stamp is not None)


def post_url(source: Config, post_id: str) -> str:
    """The REST address of one post."""
    base = source.url if source.url.endswith("/") else source.url + "/"
    return f"{base}wp-json/wp/v2/{source.post_type}/{post_id}"


async def gone(source: Config, fetcher: Fetcher, item: StoredItem) -> int | None:
    """404/410 when the API no longer has the post, ``UNPUBLISHED`` when it may not show it,
    ``TRASHED`` for one whose ``status`` is not ``publish``; None when it is there. Other
    failures raise ``FetchError``. Without a post id: its page."""
    if not item.post_id or not item.post_id.isdigit():
        await fetcher.get(item.url, source=source.name)
        return None
    try:
        page = await fetcher.get(post_url(source, item.post_id), source=source.name)
    except FetchError as exc:
        # Only after the list answered this poll: not the whole API behind a login.
        if exc.status == UNPUBLISHED:
            return UNPUBLISHED
        raise
    try:
        post = json.loads(page.content) if page is not None else None
    except ValueError:
        return None  # an answer, not JSON: the post is not known to be gone
    return TRASHED if isinstance(post, dict) and not _published(post) else None


def read_posts(content: bytes, url: str, base: str, source: Config) -> tuple[Candidate, ...]:
    """The posts of an API answer as candidates (in a parse worker)."""
    try:
        posts = json.loads(content)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise FetchError(
            f"GET {url}: not JSON: {exc}", code="fetch.invalid_json", url=url
        ) from None
    if not isinstance(posts, list):
        raise FetchError(
            f"GET {url}: expected a JSON list of posts, got {type(posts).__name__}",
            code="fetch.invalid_json",
            url=url,
        )
    found: dict[str, Candidate] = {}
    for post in posts:
        listed = isinstance(post, dict) and _published(post)
        candidate = _candidate(post, base, source) if listed else None
        if candidate is not None:
            found.setdefault(candidate.url, candidate)
    return tuple(found.values())[: source.max_items]


def _published(post: dict[str, Any]) -> bool:
    """Public, as far as the answer says (``_fields`` may leave ``status`` out)."""
    return bool(post.get("status", "publish") == "publish")


def _candidate(post: dict[str, Any], base: str, source: Config) -> Candidate | None:
    link = post.get("link")
    absolute = absolute_url(link, base) if isinstance(link, str) and link else None
    if absolute is None:
        return None
    url = canonical_url(absolute)
    title = fragment_text(_rendered(post, "title"))
    published = _moment(post, "date")
    modified = _moment(post, "modified")
    lang = normalise_lang(post.get("lang")) or source.lang or source.language
    html = synthesize_document(
        url=url,
        title=title,
        body_html=_rendered(post, "content"),
        lang=lang,
        published=published,
        modified=modified,
        image=_featured_image(post),
        alternates=_alternates(post, base),
        post_id=post["id"] if isinstance(post.get("id"), int) else None,
        categories=_terms(post),
    )
    return Candidate(
        url=url,
        title=title or None,
        published=published,
        teaser=fragment_text(_rendered(post, "excerpt")),
        lang=lang,
        html=html,
        modified=modified,
    )


def _rendered(post: dict[str, Any], name: str) -> str:
    value = post.get(name)
    rendered = value.get("rendered") if isinstance(value, dict) else value
    return rendered if isinstance(rendered, str) else ""


def _moment(post: dict[str, Any], name: str) -> datetime | None:
    """``{name}_gmt`` (naive, UTC), else ``{name}`` (naive, the site's time: Helsinki for the
    sites we read) → an aware Europe/Helsinki datetime."""
    for key, zone in ((f"{name}_gmt", UTC), (name, HELSINKI)):
        value = post.get(key)
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) and value else None
        except ValueError:
            moment = None
        if moment is not None:
            return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(HELSINKI)
    return None


def _featured_image(post: dict[str, Any]) -> str | None:
    embedded = post.get("_embedded")
    media = embedded.get("wp:featuredmedia") if isinstance(embedded, dict) else None
    first = media[0] if isinstance(media, list) and media else None
    source_url = first.get("source_url") if isinstance(first, dict) else None
    return source_url if isinstance(source_url, str) and source_url else None


def _terms(post: dict[str, Any]) -> tuple[str, ...]:
    """The names of the post's categories and tags (``_embedded["wp:term"]``: one list per
    taxonomy); the bare ``categories``/``tags`` ids name nothing a reader would route by."""
    embedded = post.get("_embedded")
    groups = embedded.get("wp:term") if isinstance(embedded, dict) else None
    names: list[str] = []
    for group in groups if isinstance(groups, list) else []:
        for term in group if isinstance(group, list) else []:
            name = term.get("name") if isinstance(term, dict) else None
            if isinstance(name, str) and name.strip() and term.get("taxonomy") in _TAXONOMIES:
                names.append(html.unescape(name))  # WordPress sends "Kulttuuri &amp; liikunta"
    return tuple(names)


def _alternates(post: dict[str, Any], base: str) -> tuple[Link, ...]:
    """Polylang-style ``translations: {lang: URL}`` or WPML ``wpml_translations``; ids skipped."""
    pairs: list[tuple[Any, Any]] = []
    translations = post.get("translations")
    if isinstance(translations, dict):
        pairs.extend(translations.items())
    wpml = post.get("wpml_translations")
    if isinstance(wpml, list):
        pairs.extend((t.get("locale"), t.get("href")) for t in wpml if isinstance(t, dict))
    links = []
    for lang, href in pairs:
        absolute = absolute_url(href, base) if isinstance(href, str) and href else None
        if absolute and (code := normalise_lang(lang)):
            links.append(Link(url=canonical_url(absolute), lang=code))
    return tuple(links)
