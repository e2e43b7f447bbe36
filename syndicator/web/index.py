"""The index page (``templates/index.html``): feeds per language with their addresses to
copy, latest releases with their translations, a title search, source status and how to
embed the list, in fi/sv/en. Every value escaped by the template; the one script adds copy
buttons beside the addresses (``syndicator.web.assets``), and the page works without it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from syndicator.config import Config
from syndicator.i18n import LANGUAGE_NAMES, LANGUAGES, translate
from syndicator.locales import normalise_lang
from syndicator.model import Entry, SourceState
from syndicator.publish import Feed, all_feeds, source_feeds
from syndicator.publish.filters import filter_feeds
from syndicator.web.assets import COPY_SCRIPT_HASH, COPY_SCRIPT_URL
from syndicator.web.conditional import quality_values
from syndicator.web.pages import INDEX_HEADERS, THEME_VARIABLES, render_page

__all__ = ["INDEX_HEADERS", "QUERY_MAX", "choose_language", "render_index", "search_titles"]

QUERY_MAX = 100  # characters of a search query we use
_DEFAULT_LANGUAGE = "fi"  # the city's own language, when the reader names none we speak
_FORMAT_NAMES = {"atom": "Atom", "rss": "RSS", "json": "JSON Feed"}
_LINK_TYPES = {
    "atom": "application/atom+xml",
    "rss": "application/rss+xml",
    "json": "application/feed+json",
}
_WORDS = (
    "intro", "all_languages", "feeds", "latest", "no_entries", "status", "source", "last_poll",
    "last_error", "items", "never", "ok", "no_sources", "feed_address", "updated", "search",
    "search_results", "no_matches", "embed", "embed_intro", "embed_snippet", "embed_theme",
    "copy", "copied",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _FeedLink:
    url: str
    type: str
    format: str
    title: str
    lang: str | None


@dataclass(frozen=True, slots=True)
class _More:
    """Per-source or saved-filter feeds: one line per source or filter, its formats."""

    key: str
    title: str
    groups: tuple[tuple[str, tuple[_FeedLink, ...]], ...]


@dataclass(frozen=True, slots=True)
class _Section:
    code: str
    name: str
    feeds: tuple[_FeedLink, ...]
    entries: Sequence[Entry]


def choose_language(query: str | None, accept_language: str | None) -> str:
    """``?lang=`` if we speak it, else the best Accept-Language match, else Finnish."""
    if query in LANGUAGES:
        return query
    for tag in _accepted(accept_language or ""):
        primary = normalise_lang(tag)
        if primary in LANGUAGES:
            return primary
    return _DEFAULT_LANGUAGE


def search_titles(entries: Sequence[Entry], query: str) -> list[Entry]:
    """PURE. The entries whose title holds ``query`` (case-insensitive, at most
    ``QUERY_MAX`` characters of it), in their order; none for a blank query."""
    wanted = query.strip()[:QUERY_MAX].casefold()
    if not wanted:
        return []
    return [entry for entry in entries if wanted in entry.article.title.casefold()]


def render_index(
    lang: str,
    config: Config,
    latest: Mapping[str, Sequence[Entry]],
    states: Sequence[SourceState],
    *,
    query: str = "",
    found: Sequence[Entry] = (),
) -> str:
    """The page in ``lang``; ``latest`` holds each feed language's newest entries, ``found``
    the matches of the search ``query`` (if any)."""
    links = [_feed_link(config, feed) for feed in all_feeds(config)]
    sections = [
        _Section(code, LANGUAGE_NAMES.get(code, code),
                 tuple(link for link in links if link.lang == code), latest.get(code, ()))
        for code in config.feeds.languages
    ]  # fmt: skip
    more = [
        _more(config, key, translate(f"index.by_{key}", lang), feeds)
        for key, feeds in (("source", source_feeds(config)), ("filter", filter_feeds(config)))
        if feeds
    ]
    site = config.feeds.titles.get(lang, config.feeds.title)
    embed_url = f"{config.service.base_url}embed/{lang}"
    return render_page(
        "index.html", lang, config, f"{site} — {translate('index.title', lang)}",
        w={key: translate(f"index.{key}", lang) for key in _WORDS},
        discovery=links, combined=[link for link in links if link.lang is None],
        sections=sections, more_sections=more, states=states,
        query=query.strip()[:QUERY_MAX], found=found,
        query_max=QUERY_MAX, theme_variables=THEME_VARIABLES, language_names=LANGUAGE_NAMES,
        script_url=COPY_SCRIPT_URL, script_integrity=COPY_SCRIPT_HASH,
        embed_snippet=f'<iframe src="{escape(embed_url)}" title="{escape(site)}" width="100%" '
        'height="400"></iframe>',
    )  # fmt: skip


def _accepted(header: str) -> list[str]:
    """Accept-Language tags, best first (q=0 means "not this one")."""
    weighted = [
        (-quality, position, tag)
        for position, (tag, quality) in enumerate(quality_values(header).items())
        if quality > 0
    ]
    return [tag for _quality, _position, tag in sorted(weighted)]


def _more(config: Config, key: str, title: str, feeds: Sequence[Feed]) -> _More:
    groups: dict[str, list[_FeedLink]] = {}
    for feed in feeds:
        label = feed.source or feed.title(config)  # a filter has a title; a source its name
        groups.setdefault(label, []).append(_feed_link(config, feed))
    return _More(key, title, tuple((label, tuple(links)) for label, links in groups.items()))


def _feed_link(config: Config, feed: Feed) -> _FeedLink:
    name = _FORMAT_NAMES[feed.format]
    title = f"{feed.title(config)} ({name})"
    return _FeedLink(feed.url(config), _LINK_TYPES[feed.format], name, title, feed.lang)
