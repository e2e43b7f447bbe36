"""One article page → :class:`~syndicator.model.Article`.

Order matters: ``<head>``, JSON-LD and the language switcher are read first (boilerplate
removal drops them), then banners, navigation, share widgets and related lists go, and only
then are title, dates and body read. The site profile's selectors come first; generic
candidates and trafilatura are the fallbacks.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

from syndicator.configbase import ArticleProfile
from syndicator.errors import ExtractError
from syndicator.extract.blocks import Line, flatten
from syndicator.extract.body import Body, find_body
from syndicator.extract.categories import find_categories
from syndicator.extract.contacts import find_contacts
from syndicator.extract.displaytext import clean_article
from syndicator.extract.fallback import fuller_body
from syndicator.extract.landmarks import BODY_RULES, TITLE_RULES, first_matches
from syndicator.extract.language import alternates, page_language
from syndicator.extract.lead import find_lead
from syndicator.extract.media import find_attachments, find_images, resolve_lazy_images
from syndicator.extract.metadata import PageMeta, read_meta
from syndicator.extract.page import remove_boilerplate
from syndicator.extract.readmore import read_more_links
from syndicator.extract.sanitize import lines_to_text, sanitize_html
from syndicator.extract.teasers import drop_teaser_lists
from syndicator.extract.timestamps import find_dates
from syndicator.extract.tree import (
    Element,
    TooDeep,
    find,
    inner_html,
    parse_page,
    select_one,
    text_of,
)
from syndicator.locales import HELSINKI
from syndicator.logs import log_event
from syndicator.model import Article
from syndicator.urls import absolute_url, canonical_url

__all__ = ["extract_article"]

_log = logging.getLogger(__name__)

# WordPress body classes of pages that are not one post: archives, searches, the 404 page.
_NOT_A_POST = frozenset({"error404", "archive", "search", "category", "tag"})
_MAYBE_NOT_A_POST = frozenset({"blog", "home"})
_LISTING_PROSE = 400  # characters of body left beside the teasers: a listing's intro is less
_HEADINGS = frozenset({"h2", "h3", "h4"})
# characters in a named content box that need no second opinion from trafilatura; 1000
# gains the dev sets 0.001–0.003 F1 but takes the own corpus from 1.19× to 1.03× its speed
_SURE_PROSE = 500
_A_POST = frozenset({"single", "single-post", "article", "post-template-default"})
_LISTING_TEASERS = 3
_MAX_TITLE = 100  # characters of a title made of the text's first words
_TITLE_SUFFIX = re.compile(r"\s+[–—|-]\s+[^–—|]+$")
_POST_ID = re.compile(r"^postid-(\d+)$")
_SHORTLINK_ID = re.compile(r"[?&]p=(\d+)(?:&|$)")
_ARTICLE_ID = re.compile(r"^post-(\d+)$")


def extract_article(
    html: str,
    url: str,
    profile: ArticleProfile | None = None,
    *,
    language: str | None = None,
    first_seen: datetime | None = None,
) -> Article:
    """The article of ``html``; ``ExtractError`` (``extract.no_article``) when there is none.

    Never raises anything but :class:`ExtractError`, whatever the input.
    """
    try:
        return _extract(html, url, profile or ArticleProfile(), language, first_seen)
    except ExtractError:
        raise
    except (RecursionError, MemoryError, TooDeep) as exc:
        raise ExtractError(f"{url}: page too deeply nested", code="extract.too_complex") from exc
    except Exception as exc:
        # The one boundary of this stage: a parser or library bug on a strange page must
        # become a per-item error with a code, not stop the poll.
        raise ExtractError(f"{url}: {type(exc).__name__}: {exc}", code="extract.failed") from exc


def _extract(
    html: str, url: str, profile: ArticleProfile, hint: str | None, first_seen: datetime | None
) -> Article:
    if not isinstance(html, str) or not html.strip():
        raise ExtractError(f"{url}: empty page", code="extract.no_article")
    soup = parse_page(html, complete=True)
    meta = read_meta(soup)
    page_url = _page_url(meta, url)
    other_versions = alternates(soup, meta, page_url, page_language(meta, page_url, hint, ""))
    categories = find_categories(soup)  # before boilerplate removal drops tag clouds
    remove_boilerplate(soup, profile.remove)
    teasers = drop_teaser_lists(soup)
    if _listing(meta, teasers, prose=None):
        raise ExtractError(f"{url}: a listing, not an article", code="extract.no_article")
    found = first_matches(soup, TITLE_RULES + BODY_RULES)  # one walk for both
    title = _title(soup, profile, meta, [tag for rule, tag, _ in found if rule in TITLE_RULES])
    published, updated = find_dates(soup, profile, meta, hint)
    body = find_body(soup, profile, page_url, [match for match in found if match[0] in BODY_RULES])
    prose = len(text_of(body.element, " ", strip=True)) if body is not None else 0
    sure = body is not None and body.named and prose >= _SURE_PROSE  # no second opinion
    mine = body.element if body is not None else None
    fuller = None if profile.body or sure else fuller_body(prose, html, page_url, title, mine)
    if fuller is not None:
        body = Body(fuller, generic=True)  # the generic path: a second opinion
    if body is None:
        raise ExtractError(f"{url}: no article on the page", code="extract.no_article")
    if body.generic:
        # a hint that the source's selectors need fixing (see ``syndicator extract URL``)
        log_event(_log, logging.INFO, "extract.fallback", "generic extraction used", url=page_url)
    resolve_lazy_images(body.element, page_url)
    body_html = sanitize_html(inner_html(body.element), page_url)
    lines = flatten(body.element)
    text = lines_to_text(lines)  # what html_to_text(body_html) says, without parsing it again
    title = title or _first_heading(lines)  # no <title>, og:title or h1
    if not title and fuller is None:  # our own body, not a library's guess from a bare page
        title = _first_words(text)
    if not title:
        raise ExtractError(f"{url}: no article on the page", code="extract.no_article")
    if not text or _clean(text) == title:  # a lone headline is not an article
        raise ExtractError(f"{url}: the article has no text", code="extract.no_article")
    if _listing(meta, teasers, prose=prose):
        raise ExtractError(f"{url}: a listing, not an article", code="extract.no_article")
    lang = page_language(meta, page_url, hint, text)
    from_first_seen = published is None and updated is None
    article = Article(
        url=page_url,
        title=title,
        lang=lang,
        published=published or updated or _now(first_seen),
        updated=updated,
        lead=find_lead(soup, body.element, lines, profile, meta.description),
        body_html=body_html,
        text=text,
        images=find_images(body.element, meta.og_image, meta.og_image_alt, page_url),
        attachments=find_attachments(body.element, page_url),
        contacts=find_contacts(lines),
        read_more=read_more_links(lines, page_url, page_url),
        alternates=tuple(link for link in other_versions if link.lang != lang),
        post_id=_post_id(soup, meta),
        date_from_first_seen=from_first_seen,
        generic=body.generic,
        categories=categories,
        site_name=_clean(meta.site_name),
    )
    cleaned = clean_article(article)  # every shown text as every output will show it
    if not cleaned.text or not cleaned.title:  # only what cleaning drops (U+FFFD of "&#0;")
        raise ExtractError(f"{url}: the article has no text", code="extract.no_article")
    return cleaned


def _listing(meta: PageMeta, teasers: int, prose: int | None) -> bool:
    """A listing by its markup, unless the page says it is one article. Strong signs
    (archive, search, 404) decide before the body is read (``prose`` None); weak ones
    (``home``/``blog`` classes, which engadget's articles carry; teasers, which a sidebar
    holds too) only when the body left after dropping the teasers is short."""
    if meta.og_type == "article" or meta.ld_article or _A_POST.intersection(meta.body_classes):
        return False
    if prose is None:
        return bool(_NOT_A_POST.intersection(meta.body_classes))
    weak = bool(_MAYBE_NOT_A_POST.intersection(meta.body_classes)) or (
        meta.og_type == "website" and teasers >= _LISTING_TEASERS
    )
    return weak and prose < _LISTING_PROSE


def _first_heading(lines: list[Line]) -> str:
    return next((line.text for line in lines if line.block in _HEADINGS), "")


def _first_words(text: str) -> str:
    """A page with no headline at all is titled by its first words, as a reader would."""
    first = " ".join(text.split("\n", 1)[0].split())
    if len(first) <= _MAX_TITLE:
        return first
    return first[:_MAX_TITLE].rsplit(" ", 1)[0] + " …"


def _now(first_seen: datetime | None) -> datetime:
    moment = first_seen or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=HELSINKI)
    return moment.astimezone(HELSINKI)


def _page_url(meta: PageMeta, url: str) -> str:
    """The page's own canonical link when it stays on the same site, else ``url``."""
    canonical = absolute_url(meta.canonical, url) if meta.canonical else None
    if canonical is not None and _site(canonical) == _site(url):
        return canonical_url(canonical)
    return canonical_url(url)


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _title(soup: Element, profile: ArticleProfile, meta: PageMeta, usual: list[Element]) -> str:
    """The profile's title, else the usual places (``usual``), og:title, h1, ``<title>``."""
    found = select_one(soup, profile.title)
    candidates = [found] if found is not None else []
    candidates += usual
    for found in candidates:
        if text := _clean(text_of(found, " ")):
            return text
    if text := _clean(meta.og_title):
        return text
    h1 = find(soup, "h1")
    if h1 is not None and (text := _clean(text_of(h1, " "))):
        return text
    title = _clean(meta.title_tag)
    stripped = _TITLE_SUFFIX.sub("", title)
    return stripped or title


def _clean(text: str) -> str:
    return " ".join(text.split())


def _post_id(soup: Element, meta: PageMeta) -> str | None:
    for token in meta.body_classes:
        if match := _POST_ID.match(token):
            return match.group(1)
    if meta.shortlink and (match := _SHORTLINK_ID.search(meta.shortlink)):
        return match.group(1)
    article = find(soup, "article")
    if article is not None:
        for token in [str(article.get("id") or ""), *(article.get("class") or "").split()]:
            if match := _ARTICLE_ID.match(token):
                return match.group(1)
    return None
