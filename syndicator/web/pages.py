"""Server-rendered HTML pages from Jinja2 templates (``syndicator/web/templates``).

Autoescape is on for every template: titles and leads come from the city's site and are
text, never markup. Each inline ``<style>`` is allowed by its hash in the page's
Content-Security-Policy, which ``page_headers`` builds. Pages carry no script but the
index's copy buttons (``syndicator.web.assets``), allowed there by their hash alone.

``/embed/{lang}`` is the one page partners may frame: its CSP ``frame-ancestors`` lists
``[web] embed_origins`` (only ``'self'`` when none are listed); every other page says
``'none'``. Partners theme it with CSS variables given as query parameters of hex colours
(``?bg=%23ffffff&fg=%23000000&link=%230645ad&muted=%23555555&border=%23dddddd``), which set
``--syndicator-bg``, ``--syndicator-fg``, ``--syndicator-link``, ``--syndicator-muted`` and
``--syndicator-border``::

    <iframe src="https://syndicator.example/embed/fi?link=%23005a9c"
            title="Tiedotteet" width="100%" height="400"></iframe>
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from importlib.resources import files
from typing import Protocol

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from syndicator.config import Config
from syndicator.i18n import LANGUAGE_NAMES, LANGUAGES, format_datetime, translate
from syndicator.locales import HELSINKI
from syndicator.model import Entry
from syndicator.offload import offload
from syndicator.web.assets import COPY_SCRIPT_HASH
from syndicator.web.cache import PageCache, Rendered, encode
from syndicator.web.conditional import conditional_response

__all__ = [
    "EMBED_ENTRIES", "INDEX_HEADERS", "SECURITY_HEADERS", "THEME_VARIABLES", "LatestStore",
    "embed_headers", "embed_theme", "page_headers", "page_routes", "render_embed", "render_page",
]  # fmt: skip

EMBED_ENTRIES = 10  # latest releases in an embedded list

THEME_VARIABLES = ("bg", "fg", "link", "muted", "border")  # ?name=#rrggbb → --syndicator-name
_COLOUR = re.compile(r"^#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?$")
_TEMPLATES = files("syndicator.web") / "templates"
_EMBED_STYLE = (_TEMPLATES / "embed.css").read_text("utf-8").strip()
_PAGE_STYLE = (_TEMPLATES / "page.css").read_text("utf-8").strip()

_ENVIRONMENT = Environment(
    loader=PackageLoader("syndicator.web", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=False,
    keep_trailing_newline=True,
)


def _moment(moment: datetime | None, lang: str) -> Markup:
    """A ``<time>`` in the reader's words, with its machine-readable local time."""
    if moment is None:
        return Markup("")
    local = moment.astimezone(HELSINKI).isoformat(timespec="seconds")
    return Markup('<time datetime="{}">{}</time>').format(local, format_datetime(moment, lang))


def _error_text(code: str | None, lang: str) -> str:
    """What an error code means, in the reader's words (the code itself is shown beside)."""
    return translate(f"error.{code or 'unknown'}", lang)


def _http_url(url: str) -> str:
    """``url`` if it is http(s), else empty: no ``javascript:`` link from a scraped page."""
    return url if url.lower().startswith(("https://", "http://")) else ""


_ENVIRONMENT.filters["moment"] = _moment
_ENVIRONMENT.filters["http_url"] = _http_url
_ENVIRONMENT.filters["error_text"] = _error_text


def render_page(template: str, lang: str, config: Config, title: str, **context: object) -> str:
    """A page on ``base.html``: landmarks, the language switcher, our stylesheet."""
    return _ENVIRONMENT.get_template(template).render(
        lang=lang,
        title=title,
        site=config.feeds.titles.get(lang, config.feeds.title),
        style=Markup(_PAGE_STYLE),  # our own file; hashed into the CSP of page_headers
        switcher=[(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        **context,
    )


def page_headers(lang: str) -> dict[str, str]:
    """Headers of a page other than the embed: never framed, no script, its language."""
    return {**SECURITY_HEADERS, "Content-Language": lang}


def embed_theme(query: Mapping[str, str]) -> str:
    """The CSS that sets the partner's colours from ``query`` (only valid hex colours; the
    rest is ignored); empty when none are given."""
    chosen = [
        f"--syndicator-{name}:{query[name]}"
        for name in THEME_VARIABLES
        if _COLOUR.match(query.get(name, ""))
    ]
    return ":root{" + ";".join(chosen) + "}" if chosen else ""


def render_embed(lang: str, config: Config, entries: Sequence[Entry], theme: str) -> str:
    """The embeddable list of ``lang``'s latest releases; ``theme`` from ``embed_theme``."""
    heading = f"{config.feeds.titles.get(lang, config.feeds.title)} — {_word('latest', lang)}"
    return _ENVIRONMENT.get_template("embed.html").render(
        lang=lang,
        title=heading,
        style=Markup(_EMBED_STYLE),  # our own file; hashed into the CSP below
        theme=Markup(theme),  # built only from validated hex colours
        entries=entries,
        words={"no_entries": _word("no_entries", lang)},
    )


def embed_headers(config: Config, lang: str, theme: str) -> dict[str, str]:
    """Security headers of an embed: styles by hash, no script, framed by listed origins."""
    styles = [_EMBED_STYLE, *([theme] if theme else [])]
    ancestors = " ".join(config.web.embed_origins) or "'self'"
    return {**_security_headers(styles, ancestors), "Content-Language": lang}


def _security_headers(
    styles: Sequence[str], ancestors: str, scripts: Sequence[str] = ()
) -> dict[str, str]:
    """``scripts`` are hash sources (``sha256-…``) of external scripts with that integrity."""
    hashes = " ".join(f"'sha256-{_hash(style)}'" for style in styles)
    policy = ["default-src 'none'", f"style-src {hashes}"]
    if scripts:
        policy.append("script-src " + " ".join(f"'{script}'" for script in scripts))
    policy += ["img-src https: data:", f"frame-ancestors {ancestors}", "base-uri 'none'",
               "form-action 'self'"]  # fmt: skip
    return {
        "Content-Security-Policy": "; ".join(policy),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }


class LatestStore(Protocol):
    """What the pages read (part of ``syndicator.web.ReadStore``); blocking, run off the loop."""

    def latest_entries(self, lang: str | None, limit: int) -> list[Entry]: ...


def page_routes(config: Config, store: LatestStore, cache: PageCache) -> list[Route]:
    """``GET /embed/{lang}``, rendered once per store change (a themed one per request)."""

    def render(lang: str, theme: str) -> Rendered:
        entries = store.latest_entries(lang, EMBED_ENTRIES)
        page = render_embed(lang, config, entries, theme)
        return encode(page.encode(), "text/html", None)

    async def embed(request: Request) -> Response:
        lang = request.path_params["lang"]
        if lang not in config.feeds.languages:
            return PlainTextResponse("Not Found", status_code=404)
        theme = embed_theme(request.query_params)
        if theme:  # partners' colours are not kept: any query would grow the cache
            rendered = await offload(functools.partial(render, lang, theme))
        else:
            version = await cache.version()
            page = functools.partial(render, lang, "")
            rendered = await cache.get(f"embed.{lang}", version.events, page)
        return conditional_response(request, rendered, embed_headers(config, lang, theme))

    return [Route("/embed/{lang}", embed, methods=["GET"])]


def _hash(style: str) -> str:
    return base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()


# Every page but the embed: our stylesheet by its hash, no script, never framed.
SECURITY_HEADERS = _security_headers([_PAGE_STYLE], "'none'")
# The index: the same, and its copy buttons' script, by the hash its tag's integrity gives.
INDEX_HEADERS = _security_headers([_PAGE_STYLE], "'none'", [COPY_SCRIPT_HASH])


def _word(key: str, lang: str) -> str:
    return translate(f"index.{key}", lang)
