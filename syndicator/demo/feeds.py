"""Machine-readable views of the demo site: RSS 2.0 per language and the WordPress REST API."""

from __future__ import annotations

import json
from collections.abc import Sequence
from email.utils import format_datetime
from html import escape
from typing import Any

from syndicator.demo.languages import LANGUAGES
from syndicator.demo.pages import article_path, entry_content, upload_url, utc_iso
from syndicator.demo.releases import Release
from syndicator.locales import HELSINKI

__all__ = ["rss_feed", "wp_posts"]

_TEXTURIZE = str.maketrans({"–": "&#8211;", "—": "&#8212;", "’": "&#8217;", "”": "&#8221;"})


def rss_feed(releases: Sequence[Release], lang: str, base: str) -> str:
    """WordPress-style RSS 2.0 for ``lang``: newest first, full content in content:encoded."""
    words = LANGUAGES[lang]
    built = max((release.modified for release in releases), default=None)
    items = "\n".join(_rss_item(release, lang, base) for release in releases)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">\n'
        f"<channel><title>{escape(words.site_name)} – {words.listing_title}</title>\n"
        f'<atom:link href="{base}{words.prefix}feed/" rel="self" type="application/rss+xml"/>\n'
        f"<link>{base}{words.listing}</link><description>{words.listing_title}</description>\n"
        + (f"<lastBuildDate>{format_datetime(built)}</lastBuildDate>\n" if built else "")
        + f"<language>{words.html_lang}</language>\n{items}\n</channel></rss>\n"
    )


def _rss_item(release: Release, lang: str, base: str) -> str:
    text = release.texts[lang]
    return (
        f"<item><title>{escape(text.title)}</title>"
        f"<link>{base}{article_path(release, lang)}</link>"
        f"<dc:creator>{escape(LANGUAGES[lang].site_name)}</dc:creator>"
        f"<pubDate>{format_datetime(release.published)}</pubDate>"
        f'<guid isPermaLink="false">{base}?p={release.post_id}</guid>'
        f"<description>{escape(text.lead)}</description>"
        f"<content:encoded>{escape(entry_content(release, lang, base))}</content:encoded></item>"
    )


def wp_posts(releases: Sequence[Release], lang: str, base: str, per_page: int) -> str:
    """``/wp-json/wp/v2/tiedote?_embed=1&lang=…`` as WordPress with Polylang answers it."""
    return json.dumps(
        [_wp_post(release, lang, base) for release in releases[:per_page]], ensure_ascii=False
    )


def _wp_post(release: Release, lang: str, base: str) -> dict[str, Any]:
    text = release.texts[lang]
    post: dict[str, Any] = {
        "id": release.post_id,
        "date": release.published.astimezone(HELSINKI).strftime("%Y-%m-%dT%H:%M:%S"),
        "date_gmt": release.published.strftime("%Y-%m-%dT%H:%M:%S"),
        "modified": release.modified.astimezone(HELSINKI).strftime("%Y-%m-%dT%H:%M:%S"),
        "modified_gmt": release.modified.strftime("%Y-%m-%dT%H:%M:%S"),
        "slug": text.slug,
        "status": "publish",
        "type": "tiedote",
        "link": f"{base}{article_path(release, lang)}",
        "title": {"rendered": escape(text.title, quote=False).translate(_TEXTURIZE)},
        "content": {"rendered": entry_content(release, lang, base), "protected": False},
        "excerpt": {"rendered": f"<p>{escape(text.lead)}</p>\n", "protected": False},
        "featured_media": release.post_id + 1 if release.image else 0,
        "lang": lang,
        "translations": {code: f"{base}{article_path(release, code)}" for code in release.texts},
        "_links": {"self": [{"href": f"{base}wp-json/wp/v2/tiedote/{release.post_id}"}]},
    }
    if release.image:
        post["_embedded"] = {
            "wp:featuredmedia": [
                {
                    "id": release.post_id + 1,
                    "source_url": f"{upload_url(base, release.image)}.png",
                    "alt_text": text.image_alt,
                    "media_type": "image",
                    "mime_type": "image/png",
                    "modified_gmt": utc_iso(release.published)[:19],
                }
            ]
        }
    return post
