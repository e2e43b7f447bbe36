"""HTML of the demo site: article pages (the markup contract the extractor is written
against), listing pages with pagination, the home page and robots.txt."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from syndicator.demo.languages import LANGUAGES, SiteLanguage
from syndicator.demo.releases import Release
from syndicator.locales import HELSINKI

__all__ = [
    "PER_PAGE",
    "ROBOTS_TXT",
    "article_page",
    "article_path",
    "entry_content",
    "home_page",
    "listing_page",
    "local_iso",
    "upload_url",
    "utc_iso",
]

PER_PAGE = 5
ROBOTS_TXT = "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n"
_ANALYTICS = (
    "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
    "gtag('js',new Date());gtag('config','G-DEMO0000');"
)
_SHARE = (
    ("https://www.facebook.com/sharer/sharer.php?u=", "Facebook"),
    ("https://twitter.com/intent/tweet?url=", "X"),
    ("https://www.linkedin.com/sharing/share-offsite/?url=", "LinkedIn"),
)


def article_path(release: Release, lang: str) -> str:
    return f"{LANGUAGES[lang].prefix}tiedote/{release.texts[lang].slug}/"


def upload_url(base: str, name: str) -> str:
    return f"{base}wp-content/uploads/{name}"


def utc_iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def local_iso(moment: datetime) -> str:
    return moment.astimezone(HELSINKI).isoformat(timespec="seconds")


def _local_text(moment: datetime, words: SiteLanguage) -> str:
    local = moment.astimezone(HELSINKI)
    return f"{local:%d.%m.%Y} {words.at} {local:%H.%M}"


def entry_content(release: Release, lang: str, base: str) -> str:
    """The ``.entry-content`` HTML: lead, paragraphs, image, contacts, read more, attachment."""
    text, words = release.texts[lang], LANGUAGES[lang]
    parts = [f'<p class="ingress"><strong>{escape(text.lead)}</strong></p>']
    for number, paragraph in enumerate(text.paragraphs):
        parts.append(f"<p>{escape(paragraph)}</p>")
        if number == 1 and release.image:
            parts.append(
                f'<figure class="wp-block-image"><img src="{upload_url(base, release.image)}.png"'
                f' alt="{escape(text.image_alt)}" width="1200" height="800">'
                f"<figcaption>{escape(text.image_caption)}</figcaption></figure>"
            )
    if text.contact:
        parts.append(f"<h2>{words.contact}</h2>")
        parts.extend(f"<p>{escape(line)}</p>" for line in text.contact)
    if release.read_more:
        label = escape(text.read_more_label or release.read_more)
        parts.append(f'<p>{words.read_more} <a href="{escape(release.read_more)}">{label}</a></p>')
    if release.attachment:
        href = upload_url(base, release.attachment)
        parts.append(f'<p><a href="{href}">{words.attachment}</a></p>')
    return "\n".join(parts)


def _alternates(release: Release, base: str) -> str:
    return "\n".join(
        f'<link rel="alternate" hreflang="{lang}" href="{base}{article_path(release, lang)}">'
        for lang in release.texts
    )


def _head(release: Release, lang: str, base: str) -> str:
    text, words = release.texts[lang], LANGUAGES[lang]
    image = (
        f'<meta property="og:image" content="{upload_url(base, release.image)}.png">\n'
        if release.image
        else ""
    )
    return (
        f'<!doctype html><html lang="{words.html_lang}"><head><meta charset="utf-8">'
        f"<title>{escape(text.title)} – {words.site_name}</title>\n"
        f'<link rel="canonical" href="{base}{article_path(release, lang)}">'
        f"<link rel='shortlink' href='{base}?p={release.post_id}'>\n"
        f"{_alternates(release, base)}\n"
        f'<meta property="og:title" content="{escape(text.title)}">'
        f'<meta property="og:site_name" content="{escape(words.site_name)}">'
        f'<meta property="og:locale" content="{words.locale}">\n{image}'
        f'<meta property="article:published_time" content="{utc_iso(release.published)}">'
        f'<meta property="article:modified_time" content="{utc_iso(release.modified)}">\n'
        f"<script>{_ANALYTICS}</script></head>\n"
    )


def _site_header(words: SiteLanguage, switch: Sequence[tuple[str, str]]) -> str:
    nav = "".join(f'<li><a href="{href}">{label}</a></li>' for href, label in words.nav)
    links = "".join(
        f'<a href="/{path}" lang="{lang}">{LANGUAGES[lang].switch}</a>' for lang, path in switch
    )
    return (
        f'<a class="skip-link" href="#content">{words.skip}</a>\n'
        f'<header class="site-header"><nav class="main-navigation"><ul>{nav}</ul></nav>\n'
        f'<div class="lang-switcher">{links}</div></header>\n'
    )


def _site_footer(words: SiteLanguage) -> str:
    privacy = {"fi": "/tietosuoja/", "sv": "/sv/dataskydd/", "en": "/en/privacy/"}[words.code]
    return (
        f'<footer class="site-footer">{escape(words.footer)}</footer>\n'
        f'<div id="cookie-notice" class="cookie-notice-container" role="dialog">'
        f"<h2>{words.cookie_title}</h2><p>{words.cookie_text} "
        f'<a href="{privacy}">{words.cookie_more}</a></p>'
        f"<button>{words.cookie_accept}</button></div>\n</body></html>\n"
    )


def _dates(release: Release, words: SiteLanguage) -> str:
    return (
        f'<div class="entry-meta">{words.published} <time class="entry-date published" '
        f'datetime="{local_iso(release.published)}">{_local_text(release.published, words)}'
        f'</time> · {words.updated} <time class="updated" '
        f'datetime="{local_iso(release.modified)}">{_local_text(release.modified, words)}'
        "</time></div>"
    )


def _share_and_related(release: Release, lang: str, base: str, related: Sequence[Release]) -> str:
    words, url = LANGUAGES[lang], f"{base}{article_path(release, lang)}"
    share = " ".join(f'<a href="{prefix}{escape(url)}">{name}</a>' for prefix, name in _SHARE)
    items = "".join(
        f'<li><a href="{base}{article_path(other, lang)}">{escape(other.texts[lang].title)}</a> '
        f'<a href="{base}{article_path(other, lang)}">{words.more}</a></li>'
        for other in related
    )
    return (
        f'<div class="share-buttons">{words.share} {share}</div></article>\n'
        f'<section class="related-posts"><h2>{words.related}</h2><ul>{items}</ul></section>'
    )


def article_page(release: Release, lang: str, base: str, related: Sequence[Release]) -> str:
    text, words = release.texts[lang], LANGUAGES[lang]
    pid = release.post_id
    switch = [(code, article_path(release, code)) for code in release.texts]
    return (
        _head(release, lang, base)
        + f'<body class="tiedote-template-default single single-tiedote postid-{pid}">\n'
        + _site_header(words, switch)
        + f'<main id="content"><article class="post-{pid} tiedote type-tiedote">'
        + f'<header class="entry-header"><h1 class="entry-title">{escape(text.title)}</h1>\n'
        + _dates(release, words)
        + "</header>\n"
        + f'<div class="entry-content">{entry_content(release, lang, base)}</div>\n'
        + _share_and_related(release, lang, base, related)
        + "</main>\n"
        + _site_footer(words)
    )


def listing_page(releases: Sequence[Release], lang: str, base: str, page: int) -> str | None:
    """Page ``page`` (1-based) of the newest-first listing; None past the last page."""
    words = LANGUAGES[lang]
    chunk = releases[(page - 1) * PER_PAGE : page * PER_PAGE]
    if page < 1 or (page > 1 and not chunk):
        return None
    items = "\n".join(
        f'<article class="news-item"><h2 class="news-title"><a href="{base}'
        f'{article_path(release, lang)}">{escape(release.texts[lang].title)}</a></h2>'
        f'<time datetime="{local_iso(release.published)}">'
        f"{release.published.astimezone(HELSINKI):%d.%m.%Y}</time>"
        f'<p class="excerpt">{escape(release.texts[lang].lead)}</p></article>'
        for release in chunk
    )
    pager = ""
    if page * PER_PAGE < len(releases):
        pager = (
            f'<nav class="pagination"><span class="page-numbers current">{page}</span> '
            f'<a class="next page-numbers" href="{base}{words.listing}page/{page + 1}/">'
            f"{words.next}</a></nav>"
        )
    switch = [(code, LANGUAGES[code].listing) for code in LANGUAGES]
    return (
        f'<!doctype html><html lang="{words.html_lang}"><head><meta charset="utf-8">'
        f"<title>{words.listing_title} – {words.site_name}</title>"
        f'<link rel="canonical" href="{base}{words.listing}"></head>\n'
        f'<body class="archive post-type-archive-tiedote">\n'
        + _site_header(words, switch)
        + f'<main id="content"><h1 class="page-title">{words.listing_title}</h1>\n'
        f'<div class="news-list">\n{items}\n</div>\n{pager}</main>\n' + _site_footer(words)
    )


def home_page(base: str) -> str:
    links = "".join(
        f'<li><a href="{base}{words.listing}" hreflang="{code}">{words.listing_title}</a></li>'
        for code, words in LANGUAGES.items()
    )
    return (
        '<!doctype html><html lang="fi-FI"><head><meta charset="utf-8">'
        "<title>Vaasan kaupunki (demo)</title></head><body><h1>Vaasan kaupunki – demo</h1>"
        f'<ul>{links}</ul><p><a href="{base}feed/">RSS</a> · '
        f'<a href="{base}wp-json/wp/v2/tiedote?_embed=1&amp;lang=fi">WP REST</a></p></body></html>'
    )
