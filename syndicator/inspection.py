"""``syndicator extract``: what the poller would store for one page, for ops fixing a source.

The page goes through ``extraction.read_article`` like a poll's pages do: the same profile,
language decision, bilingual split and publisher stamp, so a bilingual page shows as the two
items a poll saves. Only the listing's part (its read-more links) is missing: there is none.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from syndicator.charset import decode_body
from syndicator.config import Config
from syndicator.configbase import ArticleProfile, HttpSettings, SourceBase
from syndicator.errors import ConfigError, ExtractError
from syndicator.extract.detect import DEFAULT_LANGUAGES
from syndicator.extraction import Extraction, read_article
from syndicator.http import Fetcher
from syndicator.model import Article, Candidate
from syndicator.store.codec import article_to_json

__all__ = ["as_json", "describe", "extract_file", "extract_url"]


def extract_file(
    path: Path, url: str | None, config: Config | None, source_name: str | None
) -> Extraction:
    """Extract a saved page; its charset is found like the fetcher finds it (meta, BOM)."""
    source = _source(config, source_name)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ExtractError(
            f"{path}: cannot read: {exc.strerror}", code="extract.unreadable"
        ) from None
    html, _encoding = decode_body(content, "text/html")
    return _read(html, url or path.resolve().as_uri(), config, source)


async def extract_url(url: str, config: Config | None, source_name: str | None) -> Extraction:
    """Fetch ``url`` politely (the config's HTTP settings) and extract it."""
    source = _source(config, source_name)
    async with Fetcher(config.http if config else HttpSettings()) as fetcher:
        page = await fetcher.get(url)
    if page is None:
        raise ExtractError(f"{url}: not modified", code="extract.no_article")
    return _read(page.text, page.url, config, source)


def as_json(extraction: Extraction) -> list[dict[str, Any]]:
    """One object per language item, each exactly as the store keeps its version."""
    return [article_to_json(part) for part in extraction.parts]


def describe(extraction: Extraction) -> str:
    """A human-readable report of every extracted field of every language item."""
    parts = extraction.parts
    blocks = [_describe(part, extraction.language_note) for part in parts]
    if len(parts) > 1:
        heading = f"{len(parts)} items, one per language: {', '.join(str(p.lang) for p in parts)}"
        blocks = [
            heading,
            *(f"── item {n} of {len(parts)} ──\n{b}" for n, b in enumerate(blocks, 1)),
        ]
    return "\n\n".join(blocks)


def _describe(article: Article, language_note: str) -> str:
    lines = [
        f"title:      {article.title}",
        f"url:        {article.url}",
        f"language:   {article.lang or '?'}" + (f"  ({language_note})" if language_note else ""),
        f"published:  {article.published.isoformat() if article.published else '?'}"
        + ("  (no date on the page: first seen)" if article.date_from_first_seen else ""),
        f"updated:    {article.updated.isoformat() if article.updated else '-'}",
        f"post id:    {article.post_id or '-'}",
        "body from:  "
        + (
            "generic fallback (the profile found no body: fix its selectors)"
            if article.generic
            else "selectors"
        ),
        f"publisher:  {article.organisation or '-'}",
        f"lead:       {article.lead}",
    ]
    lines += [f"read more:  {link.url}  ({link.label})" for link in article.read_more]
    lines += [f"alternate:  [{link.lang}] {link.url}" for link in article.alternates]
    lines += [f"image:      {image.url}  alt={image.alt!r}" for image in article.images]
    lines += [f"attachment: {item.url}  {item.title}" for item in article.attachments]
    lines += [
        f"contact:    {', '.join(v for v in (c.name, c.title, c.phone, c.email) if v)}"
        for c in article.contacts
    ]
    lines += ["", article.text]
    return "\n".join(lines)


def _read(html: str, url: str, config: Config | None, source: SourceBase | None) -> Extraction:
    """As ``pipeline`` reads a fetched page of ``source`` (the listing adds nothing here)."""
    languages = tuple(config.feeds.languages) if config else DEFAULT_LANGUAGES
    profile = source.article if source else ArticleProfile()
    hint = source.language if source else None
    organisation = source.organisation if source else None
    now = datetime.now(UTC)
    return read_article(html, url, profile, hint, now, Candidate(url), languages, organisation)


def _source(config: Config | None, name: str | None) -> SourceBase | None:
    if config is None or name is None:
        return None
    for source in config.sources:
        if source.name == name:
            return source
    raise ConfigError(f"no source named {name!r} in the config")
