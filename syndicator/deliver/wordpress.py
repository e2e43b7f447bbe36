"""Kind ``wordpress``: a post on a partner's site through ``{url}/wp-json/wp/v2``, with HTTP
Basic auth (user name + Application Password).

- ``send``: the slug is a marker we own, ``syndicator-<hash of the release URL>``. Before
  creating, ``GET /posts?slug=…&status=any&context=edit`` looks for it, so a lost answer, a
  restart or a retry updates that post instead of making a second. Else ``POST /posts`` with
  title, content (body; "Lähde: <organisation>" and "Lue lisää", a link to the original, in
  the post's language; the other languages), excerpt (the lead), status, slug, categories,
  tags, featured image (``wordpress_media``). The post id is the Receipt's ``remote_id``.
- ``edit``: ``POST /posts/{id}``, the same fields but status and slug (the partner's choice
  stays); ``withdraw``: ``POST /posts/{id}`` ``{"status": withdraw_status}``, off the site.
- Category and tag names map to term ids (``GET /tags?search=``); a missing one is created
  if ``create_terms`` (the account must then manage terms), else left out with a WARNING.

Errors ``{"code", "message", "data": {"status"}}``: 408/425/429/5xx retried (``Retry-After``),
others permanent (401, 403, 404 ``rest_post_invalid_id``: post deleted): codes
``delivery.wordpress_<status>``/``_answer``; messages never show the password.
"""

from __future__ import annotations

import base64
import hashlib
import html
import logging
from dataclasses import dataclass
from json import dumps
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import httpx
from pydantic import ConfigDict, Field, SecretStr, field_validator

from syndicator.configbase import DestinationBase, Url
from syndicator.deliver.masking import mask_url, scrub
from syndicator.deliver.render import escape_html, truncate
from syndicator.deliver.response import RETRYABLE_STATUSES, post
from syndicator.deliver.wordpress_media import featured_media
from syndicator.errors import PermanentDeliveryError, RetryableDeliveryError
from syndicator.httperrors import parse_retry_after
from syndicator.i18n import LANGUAGES, translate
from syndicator.logs import log_event
from syndicator.model import Message, Receipt

__all__ = ["API_PATH", "Config", "content", "edit", "post_slug", "redacted", "send", "withdraw"]

log = logging.getLogger("syndicator.deliver.wordpress")

API_PATH = "/wp-json/wp/v2"
_DETAIL_MAX = 200  # characters of WordPress's error message quoted in ours
_TermName = Annotated[str, Field(min_length=1, max_length=200)]
_CORE_FIELDS = frozenset(
    {"id", "title", "content", "excerpt", "status", "slug", "categories", "tags", "date"}
    | {"featured_media", "author", "meta", "password", "type", "format", "template"}
)


class Config(DestinationBase):
    model_config = ConfigDict(hide_input_in_errors=True)  # the password stays out of errors

    kind: Literal["wordpress"]
    url: Url  # the site's base, e.g. https://partner.example (the API is under /wp-json/)
    username: str = Field(pattern=r"^[^:]{1,60}$")  # WordPress user names have no ":"
    application_password: SecretStr  # Users → Profile → Application Passwords
    status: Literal["draft", "publish"] = "draft"
    categories: tuple[_TermName, ...] = ()  # names; mapped to term ids on the site
    tags: tuple[_TermName, ...] = ()
    create_terms: bool = False  # create a missing category or tag (else it is left out)
    language_field: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]{0,31}$")
    withdraw_status: Literal["draft", "private"] = "draft"
    featured_image: bool = True
    allow_private_networks: bool = False  # fetch the image from a private address (tests)

    @field_validator("language_field")
    @classmethod
    def _not_core(cls, value: str | None) -> str | None:
        if value in _CORE_FIELDS:
            raise ValueError(f"{value!r} is a core post field, not a language field")
        return value


async def send(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    """Update the post our slug marker (or ``message.remote_id``) names, else create it."""
    own = _own(config)
    site = _site(own, client)
    fields = await _fields(own, site, message, client)
    slug = post_slug(message)
    found = message.remote_id or await _find_post(site, slug)
    if found is not None:
        return await _update(site, found, fields)
    created = await site.call("POST", "/posts", json={**fields, "status": own.status, "slug": slug})
    return _receipt(site, created, "created")


async def edit(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    """``POST /posts/{remote_id}`` with the release's new title, content, excerpt and terms."""
    if message.remote_id is None:
        return await send(config, message, client)
    own = _own(config)
    site = _site(own, client)
    return await _update(site, message.remote_id, await _fields(own, site, message, client))


async def withdraw(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    """Set the post to ``withdraw_status`` (draft or private): off the site, not deleted."""
    own = _own(config)
    site = _site(own, client)
    return await _update(site, message.remote_id or "", {"status": own.withdraw_status})


def redacted(config: DestinationBase) -> str:
    """``wordpress https://partner.example as editor``: the password never shows."""
    own = _own(config)
    return f"wordpress {mask_url(own.url.rstrip('/'), visible_segments=None)} as {own.username}"


def post_slug(message: Message) -> str:
    """Our marker for one release item on every site: stable across retries and restarts."""
    return "syndicator-" + hashlib.sha256(message.url.encode("utf-8")).hexdigest()[:16]


def content(message: Message) -> str:
    """The post's HTML: body, "Lähde: …" and link back (as reposts end), other languages."""
    body = message.html.strip() or "".join(
        f"<p>{escape_html(part.strip())}</p>" for part in message.lead.split("\n\n") if part.strip()
    )
    lang = message.lang if message.lang in LANGUAGES else None
    source, words = (translate(f"label.{key}", lang) if lang else message.labels.get(key, "")
                     for key in ("source", "read_more"))  # fmt: skip
    name = " ".join(message.organisation.split())  # who published it, never our source name
    source = f"{source}: {name}" if source and name else name
    parts = [body, f'<p class="syndicator-source">{escape_html(source)}</p>' if source else "",
             f'<p class="syndicator-read-more">{_anchor(message.url, words)}</p>']  # fmt: skip
    others = [link for link in message.alternates if urlsplit(link.url).scheme in ("http", "https")]
    if others:
        links = " · ".join(_anchor(link.url, link.label or link.url, link.lang) for link in others)
        parts.append(f'<p class="syndicator-languages">{links}</p>')
    return "\n".join(part for part in parts if part)


def _anchor(url: str, label: str, lang: str | None = None) -> str:
    hreflang = f' hreflang="{escape_html(lang)}" lang="{escape_html(lang)}"' if lang else ""
    return f'<a href="{escape_html(url)}"{hreflang}>{escape_html(label)}</a>'


async def _fields(
    own: Config, site: _Site, message: Message, client: httpx.AsyncClient
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": html.escape(message.title or message.url, quote=False),
        "content": content(message),
        "excerpt": html.escape(message.lead.strip(), quote=False),
    }
    for taxonomy, names in (("categories", own.categories), ("tags", own.tags)):
        if names:
            fields[taxonomy] = [i for n in names if (i := await _term(site, taxonomy, n, own))]
    if own.language_field:
        fields[own.language_field] = message.lang
    if own.featured_image and message.image is not None:
        media = await featured_media(
            site.call, client, message.image, credit=message.organisation,
            allow_private=own.allow_private_networks,
            log_fields={"destination": own.name, "url": message.url},
        )  # fmt: skip
        if media is not None:  # else whatever image the post has stays
            fields["featured_media"] = media
    return fields


async def _term(site: _Site, taxonomy: str, name: str, own: Config) -> int | None:
    """The id of the category or tag called ``name`` (case-insensitive); created if missing
    and ``create_terms``, else None with a WARNING."""
    search = html.escape(name.strip(), quote=False)  # WordPress keeps "&" as "&amp;"
    found = await site.call("GET", f"/{taxonomy}", params={"search": search, "per_page": "100"})
    wanted = name.strip().casefold()
    for term in found if isinstance(found, list) else []:
        if html.unescape(str(term.get("name", ""))).strip().casefold() == wanted:
            return int(term["id"])
    if not own.create_terms:
        log_event(log, logging.WARNING, "delivery.wordpress_term_missing",
                  f"{site.target} has no {taxonomy} term {name!r}; set create_terms = true "
                  "to create it", destination=own.name)  # fmt: skip
        return None
    created = await site.call("POST", f"/{taxonomy}", json={"name": name}, tolerate="term_exists")
    if created.get("code") == "term_exists":  # made meanwhile, or its name differs in form
        return int(created.get("data", {}).get("term_id", 0)) or None
    return int(created["id"])


async def _find_post(site: _Site, slug: str) -> str | None:
    params = {"slug": slug, "status": "any", "context": "edit"}
    found = await site.call("GET", "/posts", params=params)
    for item in found if isinstance(found, list) else []:
        if isinstance(item, dict) and item.get("slug") == slug and isinstance(item.get("id"), int):
            return str(item["id"])
    return None


async def _update(site: _Site, post_id: str, fields: dict[str, Any]) -> Receipt:
    if not post_id.isdigit():
        raise PermanentDeliveryError(
            f"{site.target}: {post_id!r} is not a post id", code="delivery.wordpress_no_post"
        )
    try:
        answer = await site.call("POST", f"/posts/{post_id}", json=fields)
    except PermanentDeliveryError as exc:
        if exc.status != 404:
            raise
        raise PermanentDeliveryError(
            f"{exc.message} — post {post_id} was deleted on the site", code=exc.code, status=404
        ) from None
    return _receipt(site, answer, "updated")


def _receipt(site: _Site, answer: Any, what: str) -> Receipt:
    post_id = answer.get("id") if isinstance(answer, dict) else None
    if not isinstance(post_id, int) or isinstance(post_id, bool):
        raise RetryableDeliveryError(  # the slug lookup makes a retry safe
            f"{site.target} answered without a post id", code="delivery.wordpress_answer"
        )
    detail = f"post {post_id} {what} ({answer.get('status', '')})"
    return Receipt(remote_id=str(post_id), status=201 if what == "created" else 200, detail=detail)


@dataclass(frozen=True, slots=True)
class _Site:
    """The ``/wp/v2`` API of one destination: authenticated requests, mapped answers."""

    client: httpx.AsyncClient
    api: str
    auth: str
    target: str

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json: dict[str, Any] | None = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        tolerate: str = "",
    ) -> Any:
        """The parsed JSON answer (statuses mapped here, not by ``post``); a WordPress error
        whose code is ``tolerate`` is answered too, every other refusal raised."""
        url = httpx.URL(self.api + path, params=params or {})
        sent = {"Authorization": self.auth, "Accept": "application/json", **(headers or {})}
        if json is not None:
            content = dumps(json, ensure_ascii=False, separators=(",", ":")).encode()
            sent["Content-Type"] = "application/json; charset=utf-8"
        response = await post(self.client, str(url), target=self.target, content=content or b"",
                              headers=sent, method=method, check=lambda *_: None)  # fmt: skip
        answer = _json(response)
        if 200 <= response.status_code < 300 and answer is not None:
            return answer
        if tolerate and isinstance(answer, dict) and answer.get("code") == tolerate:
            return answer
        raise _refusal(f"{self.target}: {method} {path}", response, answer, self.auth)


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError):
        return None


def _refusal(
    target: str, response: httpx.Response, answer: Any, secret: str
) -> RetryableDeliveryError | PermanentDeliveryError:
    status = response.status_code
    if 200 <= status < 300:
        return RetryableDeliveryError(
            f"{target} answered {status} without JSON", code="delivery.wordpress_answer"
        )
    said = " ".join(response.text.split())
    if "location" in response.headers:  # never followed: a POST must not turn into a GET
        said = f"moved to {response.headers['location']}; set url to the site's final address"
    elif isinstance(answer, dict) and ("code" in answer or "message" in answer):
        said = f"{answer.get('code', '')} {html.unescape(str(answer.get('message', '')))}"
    said = truncate(scrub(said.strip(), (secret,)), _DETAIL_MAX)
    message = f"{target} answered HTTP {status}" + (f": {said}" if said else "")
    code = f"delivery.wordpress_{status}"
    if status in RETRYABLE_STATUSES or 500 <= status < 600:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        return RetryableDeliveryError(message, code=code, status=status, retry_after=retry_after)
    return PermanentDeliveryError(message, code=code, status=status)


def _site(own: Config, client: httpx.AsyncClient) -> _Site:
    password = own.application_password.get_secret_value()
    token = base64.b64encode(f"{own.username}:{password}".encode()).decode("ascii")
    return _Site(client, own.url.rstrip("/") + API_PATH, f"Basic {token}", redacted(own))


def _own(config: DestinationBase) -> Config:
    if not isinstance(config, Config):
        raise TypeError(f"wordpress: expected wordpress.Config, got {type(config).__name__}")
    return config
