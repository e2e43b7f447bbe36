"""The index page: feeds per language, latest releases, source status. One self-contained
HTML document (no external assets), every value escaped, in fi/sv/en."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from html import escape

from syndicator.config import Config
from syndicator.i18n import LANGUAGE_NAMES, LANGUAGES, format_datetime, translate
from syndicator.locales import HELSINKI, normalise_lang
from syndicator.model import Entry, SourceState
from syndicator.publish import Feed, all_feeds, source_feeds
from syndicator.publish.filters import filter_feeds
from syndicator.web.conditional import quality_values

__all__ = ["SECURITY_HEADERS", "choose_language", "render_index"]

_DEFAULT_LANGUAGE = "fi"  # the city's own language, when the reader names none we speak
_FORMAT_NAMES = {"atom": "Atom", "rss": "RSS", "json": "JSON Feed"}
_LINK_TYPES = {
    "atom": "application/atom+xml",
    "rss": "application/rss+xml",
    "json": "application/feed+json",
}
_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.4}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
    "padding:.3rem .6rem;text-align:left}nav a{margin-right:1rem}.error{color:#a00}"
)
# The page's one inline <style> is allowed by its hash; no script, frame or plugin is.
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; img-src https: data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def choose_language(query: str | None, accept_language: str | None) -> str:
    """``?lang=`` if we speak it, else the best Accept-Language match, else Finnish."""
    if query in LANGUAGES:
        return query
    for tag in _accepted(accept_language or ""):
        primary = normalise_lang(tag)
        if primary in LANGUAGES:
            return primary
    return _DEFAULT_LANGUAGE


def render_index(
    lang: str,
    config: Config,
    latest: Mapping[str, Sequence[Entry]],
    states: Sequence[SourceState],
) -> str:
    """The page in ``lang``; ``latest`` holds each feed language's newest entries."""
    feeds = all_feeds(config)
    title = f"{config.feeds.title} — {_word('title', lang)}"
    sections = [_combined_section(lang, config, feeds)]
    sections += [
        _language_section(lang, config, feeds, code, latest.get(code, ()))
        for code in config.feeds.languages
    ]
    for key, more in (("source", source_feeds(config)), ("filter", filter_feeds(config))):
        if more:
            sections.append(_more_section(lang, config, key, more))
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n"
        f"{_discovery(config, feeds)}</head>\n<body>\n{_switcher(lang)}\n"
        f"<h1>{escape(title)}</h1>\n<p>{escape(_word('intro', lang))}</p>\n"
        + "\n".join(sections)
        + f"\n{_status(lang, states)}\n</body>\n</html>\n"
    )


def _accepted(header: str) -> list[str]:
    """Accept-Language tags, best first (q=0 means "not this one")."""
    weighted = [
        (-quality, position, tag)
        for position, (tag, quality) in enumerate(quality_values(header).items())
        if quality > 0
    ]
    return [tag for _quality, _position, tag in sorted(weighted)]


def _feed_title(config: Config, feed: Feed) -> str:
    return f"{feed.title(config)} ({_FORMAT_NAMES[feed.format]})"


def _discovery(config: Config, feeds: Sequence[Feed]) -> str:
    lines = []
    for feed in feeds:
        hreflang = f' hreflang="{escape(feed.lang)}"' if feed.lang else ""
        lines.append(
            f'<link rel="alternate" type="{_LINK_TYPES[feed.format]}"{hreflang} '
            f'title="{escape(_feed_title(config, feed))}" '
            f'href="{escape(feed.url(config))}">\n'
        )
    return "".join(lines)


def _switcher(lang: str) -> str:
    links = [
        f'<a href="?lang={code}" hreflang="{code}" lang="{code}"'
        + (' aria-current="page"' if code == lang else "")
        + f">{escape(LANGUAGE_NAMES[code])}</a>"
        for code in LANGUAGES
    ]
    return "<nav>" + "".join(links) + "</nav>"


def _feed_links(config: Config, feeds: Sequence[Feed], feed_lang: str | None) -> str:
    items = [
        f'<li><a href="{escape(feed.url(config))}" '
        f'type="{_LINK_TYPES[feed.format]}">{_FORMAT_NAMES[feed.format]}</a></li>'
        for feed in feeds
        if feed.lang == feed_lang
    ]
    return "<ul>" + "".join(items) + "</ul>"


def _combined_section(lang: str, config: Config, feeds: Sequence[Feed]) -> str:
    return (
        f'<section id="feeds-all">\n<h2>{escape(_word("all_languages", lang))}</h2>\n'
        f"<h3>{escape(_word('feeds', lang))}</h3>\n{_feed_links(config, feeds, None)}\n</section>"
    )


def _more_section(lang: str, config: Config, key: str, feeds: Sequence[Feed]) -> str:
    """Per-source (``key="source"``) or saved-filter feeds: one line each, its formats."""
    lines: dict[str, list[str]] = {}
    for feed in feeds:
        label = feed.source or feed.title(config)  # a filter has a title; a source its name
        lines.setdefault(label, []).append(
            f'<a href="{escape(feed.url(config))}" type="{_LINK_TYPES[feed.format]}">'
            f"{_FORMAT_NAMES[feed.format]}</a>"
        )
    rows = "".join(
        f"<li>{escape(label)}: {', '.join(links)}</li>" for label, links in lines.items()
    )
    return (
        f'<section id="feeds-{key}">\n<h2>{escape(_word(f"by_{key}", lang))}</h2>\n'
        f"<ul>{rows}</ul>\n</section>"
    )


def _language_section(
    lang: str, config: Config, feeds: Sequence[Feed], code: str, entries: Sequence[Entry]
) -> str:
    name = LANGUAGE_NAMES.get(code, code)
    if entries:
        rows = "".join(_entry_row(lang, entry) for entry in entries)
        latest = f"<ul>{rows}</ul>"
    else:
        latest = f"<p>{escape(_word('no_entries', lang))}</p>"
    return (
        f'<section id="feeds-{escape(code)}">\n'
        f'<h2 lang="{escape(code)}">{escape(name)}</h2>\n<h3>{escape(_word("feeds", lang))}</h3>\n'
        f"{_feed_links(config, feeds, code)}\n"
        f"<h3>{escape(_word('latest', lang))}</h3>\n{latest}\n</section>"
    )


def _entry_row(lang: str, entry: Entry) -> str:
    article = entry.article
    return (
        f'<li><a href="{escape(article.url)}"{_lang_attributes(article.lang)}>'
        f"{escape(article.title)}</a> "
        f"{_time(lang, entry.published)}</li>"
    )


def _lang_attributes(code: str | None) -> str:
    return f' lang="{escape(code)}" hreflang="{escape(code)}"' if code else ""


def _time(lang: str, moment: datetime | None) -> str:
    if moment is None:
        return escape(_word("never", lang))
    local = moment.astimezone(HELSINKI)
    shown = format_datetime(moment, lang)
    return f'<time datetime="{escape(local.isoformat(timespec="seconds"))}">{escape(shown)}</time>'


def _status(lang: str, states: Sequence[SourceState]) -> str:
    heading = f'<section id="status">\n<h2>{escape(_word("status", lang))}</h2>\n'
    if not states:
        return heading + f"<p>{escape(_word('no_sources', lang))}</p>\n</section>"
    header = "".join(
        f"<th>{escape(_word(key, lang))}</th>"
        for key in ("source", "last_poll", "last_error", "items")
    )
    rows = "".join(_status_row(lang, state) for state in states)
    return heading + f"<table>\n<tr>{header}</tr>\n{rows}</table>\n</section>"


def _status_row(lang: str, state: SourceState) -> str:
    if state.last_error_code:
        detail = f' title="{escape(state.last_error)}"' if state.last_error else ""
        error = (
            f'<span class="error"{detail}>{escape(_error_text(state.last_error_code, lang))}</span>'
            f" <code>{escape(state.last_error_code)}</code>"
        )
    else:
        error = escape(_word("ok", lang))
    if state.degraded:  # selectors need fixing: the feeds keep their previous content
        error += (
            f' <span class="error">⚠ {escape(_error_text(state.degraded, lang))}</span>'
            f" <code>{escape(state.degraded)}</code>"
        )
    return (
        f"<tr><td>{escape(state.name)}</td><td>{_time(lang, state.last_poll_at)}</td>"
        f"<td>{error}</td><td>{state.items}</td></tr>\n"
    )


def _word(key: str, lang: str) -> str:
    return translate(f"index.{key}", lang)


def _error_text(code: str, lang: str) -> str:
    """What an error code means, in the reader's words (the code itself is shown beside)."""
    return translate(f"error.{code}", lang)
