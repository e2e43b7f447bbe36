"""Parsing, safe CSS selection and boilerplate removal.

Boilerplate goes before anything else is read from the body: a cookie banner's "Lue lisää"
link or a related-news list must never look like part of the release.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable

import soupsieve
from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, Tag, XMLParsedAsHTMLWarning

__all__ = ["parse_fragment", "parse_page", "remove_boilerplate", "select_all", "select_one"]

_DROPPED_TAGS = [
    "script", "style", "noscript", "template", "nav", "footer", "aside", "form", "iframe",
    "object", "embed", "svg", "canvas", "button", "select", "input", "textarea", "dialog",
    "link", "meta",
]  # fmt: skip
_DROPPED_SELECTORS = (
    '[role="navigation"]',
    '[role="contentinfo"]',
    '[role="dialog"]',
    '[role="alertdialog"]',
    '[aria-modal="true"]',
    "[hidden]",
)
# Matched against each class token and the id, whole-word-ish, case-insensitive.
_BOILERPLATE_TOKEN = re.compile(
    r"cookie|consent|gdpr|cmplz|complianz|cybot|moove|borlabs|^cky-|cookieyes|onetrust"
    r"|^ot-sdk|usercentrics|iubenda|tarteaucitron|^klaro|^cc-(?:window|banner)|^cc_banner"
    r"|share|sharing|sharedaddy|addtoany|^a2a|^social|^some-|^jp-relatedposts|related"
    r"|breadcrumb|^comments?(?:$|[-_])|^comment-respond|^respond$|skip-link|screen-reader"
    r"|^menu|-menu$|navigation|^navbar|^sidebar|^site-header|^site-footer|newsletter"
    r"|^wpml-ls|^pll-|lang-switch|language-switch|^post-navigation|^nav-links"
    r"|^wp-block-(?:query|latest-posts|navigation|social-links|polylang)",
    re.IGNORECASE,
)
# WordPress tags the article with its taxonomy ("category-social-affairs"): not boilerplate.
_TAXONOMY_TOKEN = re.compile(r"^(?:category|tag|type|format|status|post|postid|page-id)-")
_COOKIE_WORD = re.compile(r"eväste|kakor|\bkaka\b|cookie", re.IGNORECASE)
_COOKIE_WORDS = 3  # one mention is a sentence; three in one small box is a banner
_MAX_BANNER_TEXT = 3000
_SHARE_LABEL = re.compile(r"^\s*(?:jaa|dela|share)\b[^.!?]{0,25}:?\s*$", re.IGNORECASE)
_MAX_SHARE_LABEL = 40
_CONTAINERS = frozenset({"div", "section", "aside", "dialog", "form", "ul", "span"})
_NEVER_DROPPED = frozenset({"html", "body", "main", "article", "[document]"})
_Finder = Callable[[Tag], Tag | None]
_GUARDED = "main, h1, .entry-content, [itemprop=articleBody]"


def parse_page(html: str) -> BeautifulSoup:
    """BeautifulSoup over lxml, quiet about input that looks like a file name or XML."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(html, "lxml")


def parse_fragment(html: str) -> Tag:
    """The ``<body>`` of a fragment (or the whole soup if lxml made none)."""
    soup = parse_page(html)
    body = soup.body
    return body if body is not None else soup


def select_one(root: Tag, selector: str | None) -> Tag | None:
    """First match, or None; an invalid selector from the config matches nothing."""
    found = select_all(root, selector)
    return found[0] if found else None


def select_all(root: Tag, selector: str | None) -> list[Tag]:
    if not selector:
        return []
    try:
        return list(root.select(selector))
    except (soupsieve.SelectorSyntaxError, ValueError, NotImplementedError):
        return []


def remove_boilerplate(root: Tag, extra: Iterable[str] = ()) -> None:
    """Drop scripts, navigation, banners, share widgets and related lists in place."""
    for tag in root.find_all(_DROPPED_TAGS):
        _drop(tag)
    for selector in (*_DROPPED_SELECTORS, *extra):
        for tag in select_all(root, selector):
            _drop(tag)
    for header in root.find_all("header"):
        if header.find_parent("article") is None and header.find("h1") is None:
            _drop(header)
    for tag in root.find_all(_is_boilerplate):
        _drop(tag)
    _drop_by_text(root, _COOKIE_WORD, _cookie_banner)
    _drop_by_text(root, _SHARE_LABEL, _share_widget)


def _drop_by_text(root: Tag, words: re.Pattern[str], container: _Finder) -> None:
    """Banners and widgets whose markup we do not know, recognised by their words."""
    for string in root.find_all(string=words):
        parent = getattr(string, "parent", None)  # None once an earlier drop took it
        if isinstance(parent, Tag) and not parent.decomposed:
            found = container(parent)
            if found is not None:
                _drop(found)


def _cookie_banner(start: Tag) -> Tag | None:
    """The largest small container around ``start`` that keeps talking about cookies."""
    best: Tag | None = None
    for tag in (start, *list(start.parents)[:8]):
        if tag.name in _NEVER_DROPPED:
            break
        text = tag.get_text(" ")
        if len(text) > _MAX_BANNER_TEXT:
            break
        if tag.name in _CONTAINERS and len(_COOKIE_WORD.findall(text)) >= _COOKIE_WORDS:
            best = tag
    return best if best is not None and not select_all(best, _GUARDED) else None


def _share_widget(start: Tag) -> Tag | None:
    """ "Jaa: Facebook X LinkedIn": a label followed by nothing but links."""
    for tag in (start, *list(start.parents)[:3]):
        if tag.name in _NEVER_DROPPED:
            return None
        if tag.name in _CONTAINERS or tag.name == "p":
            text = tag.get_text(" ", strip=True)
            links = " ".join(a.get_text(" ", strip=True) for a in tag.find_all("a"))
            plain = len(text) - len(links)
            return tag if links and plain <= _MAX_SHARE_LABEL else None
    return None


def _is_boilerplate(tag: Tag) -> bool:
    if tag.name in _NEVER_DROPPED or tag.decomposed:
        return False
    tokens = [*_tokens(tag.get("class")), *_tokens(tag.get("id"))]
    hit = any(
        _BOILERPLATE_TOKEN.search(token) and not _TAXONOMY_TOKEN.match(token) for token in tokens
    )
    # a wrapper named "social-theme" around the whole article is layout, not a widget
    return hit and not select_all(tag, _GUARDED)


def _tokens(value: object) -> list[str]:
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [str(item) for item in value]
    return []


def _drop(tag: Tag) -> None:
    if not tag.decomposed:
        tag.decompose()
