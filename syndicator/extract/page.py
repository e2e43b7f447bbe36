"""Parsing, safe CSS selection and boilerplate removal.

Boilerplate goes before anything else is read from the body: a cookie banner's "Lue lisää"
link or a related-news list must never look like part of the release.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable
from itertools import islice

import soupsieve
from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, Tag, XMLParsedAsHTMLWarning

__all__ = [
    "gone",
    "holds_article",
    "parse_fragment",
    "parse_page",
    "remove_boilerplate",
    "select_all",
    "select_one",
]

_DROPPED_TAGS = frozenset([
    "script", "style", "noscript", "template", "nav", "footer", "aside", "form", "iframe",
    "object", "embed", "svg", "canvas", "button", "select", "input", "textarea", "dialog",
    "link", "meta", "math",
])  # fmt: skip
_DROPPED_ROLES = frozenset({"navigation", "contentinfo", "dialog", "alertdialog"})
# Matched against each class token and the id, whole-word-ish, case-insensitive.
_BOILERPLATE_TOKEN = re.compile(
    r"cookie|consent|gdpr|cmplz|complianz|cybot|moove|borlabs|^cky-|cookieyes|onetrust"
    r"|^ot-sdk|usercentrics|iubenda|tarteaucitron|^klaro|^cc-(?:window|banner)|^cc_banner"
    r"|share|sharing|sharedaddy|addtoany|^a2a|^social|^some-|^jp-relatedposts|related"
    r"|breadcrumb|^comments?(?:$|[-_])|^comment-respond|^respond$|skip-link|screen-reader"
    r"|^menu|-menu$|navigation|^navbar|^sidebar|^site-header|^site-footer|newsletter"
    r"|^wpml-ls|^pll-|lang-switch|language-switch|^post-navigation|^nav-links"
    r"|^wp-block-(?:query|latest-posts|navigation|social-links|polylang|file__button$)"
    r"|^(?:cat|tags)-links$|^(?:entry|post|td)-categor"  # taxonomy links by the headline
    # captions, photo credits, gallery chrome, promo and donation boxes, "most read"
    r"|^(?:photo-?|image-?|img-?)?credits?$|copyright|gallery|lightbox|carousel"
    r"|^promo|donat|^subscri|most-?read|mostread|most-?popular|^ad-|^ads?$|advert",
    re.IGNORECASE,
)
# WordPress tags the article with its taxonomy ("category-social-affairs"): not boilerplate.
_WORDS = re.compile(r"[-_]+")
_TAXONOMY_TOKEN = re.compile(r"^(?:category|tag|type|format|status|post|postid|page-id)-")
_COOKIE_WORD = re.compile(r"eväste|kakor|\bkaka\b|cookie", re.IGNORECASE)
_COOKIE_WORDS = 3  # one mention is a sentence; three in one small box is a banner
_MAX_BANNER_TEXT = 3000
_SHARE_LABEL = re.compile(r"^\s*(?:jaa|dela|share)\b[^.!?]{0,25}:?\s*$", re.IGNORECASE)
_MAX_SHARE_LABEL = 40
_MAX_WIDGET_TEXT = 600  # a share widget or a back link is short; longer is content
# "« Takaisin uutisiin", "← Tillbaka", "Back to news": a way out, not the article
_BACK_LINK = re.compile(
    r"^\s*(?:[«‹←<]\s*)?(?:takaisin|palaa|tillbaka|back\s+to)\b[^.!?]{0,30}$", re.IGNORECASE
)
# "Foto: Getty Images", "© dpa", "Kuva: Lehtikuva": a credit line, not the article
_CREDIT = re.compile(
    r"^\s*(?:©|\(c\)|(?:foto|photo|bild|kuva|quelle|source|credit)s?\s*:)"
    r"|getty\s*images|shutterstock|istockphoto|lehtikuva|\bdpa\b|imago\b",
    re.IGNORECASE,
)
_MAX_CREDIT = 120
_CREDIT_HOLDERS = frozenset({"figcaption", "small", "span", "p", "div", "cite"})
# A heading over other stories: "Lue myös:", "Mehr zum Thema", "Most read", "Veja também"
_RELATED = re.compile(
    r"^\s*(?:lue\s+myös|aiemmin\s+aiheesta|läs\s+(?:också|även)|relaterat|see\s+also"
    r"|related(?:\s+(?:articles|stories|news))?|most\s+(?:read|popular)|more\s+(?:from|on)\b.*"
    r"|mehr\s+zum\s+thema|das\s+könnte\s+sie\s+auch\s+interessieren|viel\s+gelesen.*"
    r"|weitere\s+artikel|auch\s+interessant|veja\s+também|leia\s+também"
    r"|lea\s+también|te\s+puede\s+interesar|à\s+lire\s+aussi|lire\s+aussi"
    r"|czytaj\s+(?:też|także|również))\s*:?\s*$",
    re.IGNORECASE,
)
_RELATED_HOLDERS = frozenset({"h2", "h3", "h4", "h5", "h6", "p", "strong", "b", "span", "div"})
_CONTAINERS = frozenset({"div", "section", "aside", "dialog", "form", "ul", "span"})
_WRAPPERS = frozenset({"form", "noscript", "aside"})  # dropped unless they hold the article
_SLUG_WORDS = 4  # an id of this many words is an anchor made from a heading, not a widget
_NEVER_DROPPED = frozenset({"html", "body", "main", "article", "[document]"})
_Finder = Callable[[Tag], Tag | None]


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
    if not selector:
        return None
    try:
        return root.select_one(selector)
    except (soupsieve.SelectorSyntaxError, ValueError, NotImplementedError):
        return None


def select_all(root: Tag, selector: str | None) -> list[Tag]:
    if not selector:
        return []
    try:
        return list(root.select(selector))
    except (soupsieve.SelectorSyntaxError, ValueError, NotImplementedError):
        return []


def remove_boilerplate(root: Tag, extra: Iterable[str] = ()) -> None:
    """Drop scripts, navigation, banners, share widgets and related lists in place.

    One walk over the tree decides by tag, attributes and class tokens; one walk over its
    strings finds banners and widgets by their words. The page is the hot path.
    """
    for tag in root.find_all(True):
        if not gone(tag) and _is_dropped(tag):
            tag.decompose()
    for selector in extra:
        for tag in select_all(root, selector):
            _drop(tag)
    for string in root.find_all(string=_SIGNAL_WORDS):
        parent = getattr(string, "parent", None)  # None once an earlier drop took it
        if not isinstance(parent, Tag) or gone(parent):
            continue
        for words, container in _BY_TEXT:
            if words.search(string) and (found := container(parent)) is not None:
                _drop(found)
                break


def gone(tag: Tag) -> bool:
    """Decomposed already. (``Tag.decomposed`` searches the subtree for a ``<_decomposed>``.)"""
    return tag.__dict__.get("_decomposed", False) is True


def _is_dropped(tag: Tag) -> bool:
    name = tag.name
    if name in _NEVER_DROPPED:
        return False
    if name in _DROPPED_TAGS:
        # ASP.NET and SharePoint wrap the whole page in <form id="aspnetForm">
        return name not in _WRAPPERS or not holds_article(tag)
    attrs = tag.attrs
    if attrs.get("role") in _DROPPED_ROLES or "hidden" in attrs:
        return True
    if str(attrs.get("aria-modal", "")).lower() == "true":
        return True
    if name == "header" and tag.find("h1") is None and tag.find_parent("article") is None:
        return True
    return _is_boilerplate(tag)


def _cookie_banner(start: Tag) -> Tag | None:
    """The largest small container around ``start`` that keeps talking about cookies."""
    best: Tag | None = None
    for tag in (start, *islice(start.parents, 8)):
        if tag.name in _NEVER_DROPPED:
            break
        text = _short_text(tag, _MAX_BANNER_TEXT)
        if text is None:
            break
        if tag.name in _CONTAINERS and len(_COOKIE_WORD.findall(text)) >= _COOKIE_WORDS:
            best = tag
    return best if best is not None and not holds_article(best) else None


def _share_widget(start: Tag) -> Tag | None:
    """ "Jaa: Facebook X LinkedIn": a label followed by nothing but links."""
    for tag in (start, *islice(start.parents, 3)):
        if tag.name in _NEVER_DROPPED:
            return None
        if tag.name in _CONTAINERS or tag.name == "p":
            text = _short_text(tag, _MAX_WIDGET_TEXT)
            if text is None:
                return None
            links = " ".join(a.get_text(" ", strip=True) for a in tag.find_all("a"))
            plain = len(text) - len(links)
            return tag if links and plain <= _MAX_SHARE_LABEL else None
    return None


def _back_link(start: Tag) -> Tag | None:
    """The link, or the paragraph that holds nothing else."""
    link = start if start.name == "a" else start.find_parent("a")
    if not isinstance(link, Tag):
        return None
    holder = link.parent
    alone = isinstance(holder, Tag) and holder.name in ("p", "div", "li", "span")
    if alone and isinstance(holder, Tag):
        text = _short_text(holder, _MAX_WIDGET_TEXT)
        if text is not None and text == _short_text(link, _MAX_WIDGET_TEXT):
            return holder
    return link


def _credit(start: Tag) -> Tag | None:
    """The short caption or credit element around a "Foto: …" / "© …" string."""
    for tag in (start, *islice(start.parents, 2)):
        if tag.name in _NEVER_DROPPED:
            return None
        if tag.name in _CREDIT_HOLDERS:
            text = _short_text(tag, _MAX_CREDIT)
            return tag if text is not None and _CREDIT.search(text) else None
    return None


def _related(start: Tag) -> Tag | None:
    """A "more stories" heading; the list or link box after it goes with it."""
    heading = start
    while heading.parent is not None and heading.name in ("strong", "b", "span"):
        if heading.parent.name in _NEVER_DROPPED or _short_text(heading.parent, 60) is None:
            break
        heading = heading.parent
    if heading.name not in _RELATED_HOLDERS or heading.name in _NEVER_DROPPED:
        return None
    after = heading.find_next_sibling(True)
    if isinstance(after, Tag) and _link_box(after):
        after.decompose()
    return heading


def _link_box(tag: Tag) -> bool:
    """A list of links, or a box holding nothing but links."""
    if tag.name not in ("ul", "ol", "div", "p") or tag.find("a") is None:
        return False
    return tag.name in ("ul", "ol") or _links_only(tag)


def _links_only(tag: Tag) -> bool:
    text = _short_text(tag, _MAX_WIDGET_TEXT)
    links = " ".join(a.get_text(" ", strip=True) for a in tag.find_all("a"))
    return text is not None and len(text) - len(links) <= _MAX_SHARE_LABEL


def _short_text(tag: Tag, limit: int) -> str | None:
    """``tag``'s text (spaces squeezed) when at most ``limit`` characters, else None.

    Stops reading at the limit: a banner check on a string deep in a huge box must not read
    the whole box once per string.
    """
    pieces: list[str] = []
    size = 0
    for string in tag.strings:
        size += len(string)
        if size > limit:
            return None
        pieces.append(string)
    return " ".join(" ".join(pieces).split())


def _is_boilerplate(tag: Tag) -> bool:
    ids = [token for token in _tokens(tag.get("id")) if len(_WORDS.split(token)) < _SLUG_WORDS]
    tokens = [*_tokens(tag.get("class")), *ids]
    hit = any(
        _BOILERPLATE_TOKEN.search(token) and not _TAXONOMY_TOKEN.match(token) for token in tokens
    )
    # a wrapper named "social-theme" around the whole article is layout, not a widget
    return hit and not holds_article(tag)


def holds_article(tag: Tag) -> bool:
    """``tag`` holds the article (``main``, the headline, the content box)."""
    return tag.find(_is_guard) is not None


def _is_guard(tag: Tag) -> bool:
    if tag.name in ("main", "h1") or tag.get("itemprop") == "articleBody":
        return True
    classes = tag.get("class")
    return isinstance(classes, list) and "entry-content" in classes


def _tokens(value: object) -> list[str]:
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [str(item) for item in value]
    return []


def _drop(tag: Tag) -> None:
    if not gone(tag):
        tag.decompose()


_BY_TEXT: tuple[tuple[re.Pattern[str], _Finder], ...] = (
    (_COOKIE_WORD, _cookie_banner),
    (_SHARE_LABEL, _share_widget),
    (_BACK_LINK, _back_link),
    (_CREDIT, _credit),
    (_RELATED, _related),
)
_SIGNAL_WORDS = re.compile("|".join(f"(?:{words.pattern})" for words, _ in _BY_TEXT), re.I)
