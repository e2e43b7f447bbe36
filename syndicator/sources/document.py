"""HTML in and out for the source kinds.

``synthesize_document`` builds a small article page from what a feed or the WordPress API
already delivered, so extraction runs the same path as for a fetched page. Its markup::

    <html lang> <title> <link rel=canonical> <link rel=alternate hreflang=…>
    <meta og:title / og:image / article:published_time / article:modified_time / article:tag>
    <body class="postid-N"><article><h1 class="entry-title">…</h1>
    <time class="entry-date published" datetime="…">…</time>
    <div class="entry-content">…the source's own HTML, unsanitised…</div></article>

``fragment_text`` turns an HTML fragment (a teaser, a rendered title) into plain text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape

from syndicator.extract import tree
from syndicator.model import Link

__all__ = ["fragment_text", "synthesize_document"]


def fragment_text(markup: str) -> str:
    """Visible text of an HTML fragment, entities decoded, whitespace collapsed."""
    if not markup:
        return ""
    return " ".join(tree.text_of(tree.parse_page(markup), " ").split())


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else None


def synthesize_document(
    *,
    url: str,
    title: str,
    body_html: str,
    lang: str | None = None,
    published: datetime | None = None,
    modified: datetime | None = None,
    image: str | None = None,
    alternates: Sequence[Link] = (),
    post_id: int | None = None,
    categories: Sequence[str] = (),
) -> str:
    head = [
        '<meta charset="utf-8">',
        f"<title>{escape(title)}</title>",
        f'<link rel="canonical" href="{escape(url)}">',
        *(
            f'<link rel="alternate" hreflang="{escape(link.lang)}" href="{escape(link.url)}">'
            for link in alternates
            if link.lang
        ),
        f'<meta property="og:title" content="{escape(title)}">',
    ]
    if image:
        head.append(f'<meta property="og:image" content="{escape(image)}">')
    head += [f'<meta property="article:tag" content="{escape(name)}">' for name in categories]
    for name, moment in (("published_time", published), ("modified_time", modified)):
        if stamp := _iso(moment):
            head.append(f'<meta property="article:{name}" content="{stamp}">')
    stamp = _iso(published)
    time_tag = (
        f'<time class="entry-date published" datetime="{stamp}">{stamp}</time>' if stamp else ""
    )
    body_class = f' class="postid-{post_id}"' if post_id is not None else ""
    lang_attr = f' lang="{escape(lang)}"' if lang else ""
    return (
        f"<!doctype html><html{lang_attr}><head>{''.join(head)}</head>"
        f'<body{body_class}><article><h1 class="entry-title">{escape(title)}</h1>{time_tag}'
        f'<div class="entry-content">{body_html}</div></article></body></html>'
    )
