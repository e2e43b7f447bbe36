"""``syndicator extract``: what extraction yields for one page, for ops fixing a source."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from syndicator.charset import decode_body
from syndicator.config import Config
from syndicator.configbase import ArticleProfile, HttpSettings
from syndicator.errors import ConfigError, ExtractError
from syndicator.extract import extract_article
from syndicator.http import Fetcher
from syndicator.model import Article

__all__ = ["describe", "extract_file", "extract_url"]


def extract_file(
    path: Path, url: str | None, config: Config | None, source_name: str | None
) -> Article:
    """Extract a saved page; its charset is found like the fetcher finds it (meta, BOM)."""
    profile, language = _profile(config, source_name)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ExtractError(
            f"{path}: cannot read: {exc.strerror}", code="extract.unreadable"
        ) from None
    html, _encoding = decode_body(content, "text/html")
    page_url = url or path.resolve().as_uri()
    return extract_article(html, page_url, profile, language=language, first_seen=datetime.now(UTC))


async def extract_url(url: str, config: Config | None, source_name: str | None) -> Article:
    """Fetch ``url`` politely (the config's HTTP settings) and extract it."""
    profile, language = _profile(config, source_name)
    async with Fetcher(config.http if config else HttpSettings()) as fetcher:
        page = await fetcher.get(url)
    if page is None:
        raise ExtractError(f"{url}: not modified", code="extract.no_article")
    return extract_article(
        page.text, page.url, profile, language=language, first_seen=datetime.now(UTC)
    )


def describe(article: Article) -> str:
    """A human-readable report of every extracted field."""
    lines = [
        f"title:      {article.title}",
        f"url:        {article.url}",
        f"language:   {article.lang or '?'}",
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


def _profile(config: Config | None, name: str | None) -> tuple[ArticleProfile | None, str | None]:
    if config is None or name is None:
        return None, None
    for source in config.sources:
        if source.name == name:
            return source.article, source.language
    raise ConfigError(f"no source named {name!r} in the config")
