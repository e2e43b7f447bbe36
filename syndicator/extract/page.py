"""Boilerplate removal.

Boilerplate goes before anything else is read from the body: a cookie banner's "Lue lisää"
link or a related-news list must never look like part of the release.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import islice
from typing import Any, cast

import lxml.etree as etree

from syndicator.extract.tree import (
    Element,
    children,
    drop,
    find,
    find_parent,
    gone,
    select_all,
    strings,
    text_of,
)

__all__ = ["holds_article", "remove_boilerplate"]

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
_NEVER_DROPPED = frozenset({"html", "body", "main", "article"})
_Finder = Callable[[Element], Element | None]
_TEXT_NODES = etree.XPath("//text()[normalize-space()]")  # the shown strings, in one C pass
# the elements that mean "the article is in here" (see :func:`holds_article`)
_GUARDS = etree.XPath(
    "descendant::*[self::main or self::h1 or @itemprop='articleBody'"
    " or contains(concat(' ', normalize-space(@class), ' '), ' entry-content ')][1]"
)


def remove_boilerplate(root: Element, extra: Iterable[str] = ()) -> None:
    """Drop scripts, navigation, banners, share widgets and related lists in place.

    One walk over the tree decides by tag, attributes and class tokens (a dropped subtree is
    not walked into); one pass over its strings finds banners and widgets by their words.
    """
    stack = list(reversed(children(root)))
    while stack:
        element = stack.pop()
        if _is_dropped(element):
            drop(element)
        else:
            stack.extend(reversed(children(element)))
    for selector in extra:
        for element in select_all(root, selector):
            drop(element)
    for string, parent in _signal_strings(root):
        if gone(parent):
            continue
        for words, container in _BY_TEXT:
            if words.search(string) and (found := container(parent)) is not None:
                drop(found)
                break


def _signal_strings(root: Element) -> list[tuple[str, Element]]:
    """The strings that may name a banner or a widget, with the element holding each, in
    document order; listed before anything is dropped."""
    found: list[tuple[str, Element]] = []
    for string in cast(list[Any], _TEXT_NODES(root)):  # "smart" strings: they know their node
        if _SIGNAL_WORDS.search(string):
            parent = string.getparent()  # the element whose text or tail it is
            if string.is_tail:
                parent = parent.getparent() if parent is not None else None
            if parent is not None:
                found.append((str(string), parent))
    return found


def _is_dropped(element: Element) -> bool:
    name = element.tag
    if not isinstance(name, str):
        return False  # a comment: nothing shown
    if name in _NEVER_DROPPED:
        return False
    if name in _DROPPED_TAGS:
        # ASP.NET and SharePoint wrap the whole page in <form id="aspnetForm">
        return name not in _WRAPPERS or not holds_article(element)
    attrs = element.attrib
    if attrs.get("role") in _DROPPED_ROLES or "hidden" in attrs:
        return True
    if str(attrs.get("aria-modal", "")).lower() == "true":
        return True
    if _hidden(element) and not holds_article(element):
        return True
    if name == "header" and find(element, "h1") is None and find_parent(element, "article") is None:
        return True
    return _is_boilerplate(element)


def _hidden(element: Element) -> bool:
    """``aria-hidden`` text: icons, duplicated labels. An image is kept (themes mark the
    featured image's link ``aria-hidden``). ``display: none`` is not a sign: paywalled and
    tabbed articles hide their full text that way."""
    if element.get("aria-hidden") != "true" or element.tag == "img":
        return False
    return next(element.iter("img"), None) is None


def _cookie_banner(start: Element) -> Element | None:
    """The largest small container around ``start`` that keeps talking about cookies."""
    best: Element | None = None
    for element in (start, *islice(start.iterancestors(), 8)):
        if element.tag in _NEVER_DROPPED:
            break
        text = _short_text(element, _MAX_BANNER_TEXT)
        if text is None:
            break
        if element.tag in _CONTAINERS and len(_COOKIE_WORD.findall(text)) >= _COOKIE_WORDS:
            best = element
    return best if best is not None and not holds_article(best) else None


def _share_widget(start: Element) -> Element | None:
    """ "Jaa: Facebook X LinkedIn": a label followed by nothing but links."""
    for element in (start, *islice(start.iterancestors(), 3)):
        if element.tag in _NEVER_DROPPED:
            return None
        if element.tag in _CONTAINERS or element.tag == "p":
            text = _short_text(element, _MAX_WIDGET_TEXT)
            if text is None:
                return None
            links = _link_text(element)
            plain = len(text) - len(links)
            return element if links and plain <= _MAX_SHARE_LABEL else None
    return None


def _back_link(start: Element) -> Element | None:
    """The link, or the paragraph that holds nothing else."""
    link = start if start.tag == "a" else find_parent(start, "a")
    if link is None:
        return None
    holder = link.getparent()
    if holder is not None and holder.tag in ("p", "div", "li", "span"):
        text = _short_text(holder, _MAX_WIDGET_TEXT)
        if text is not None and text == _short_text(link, _MAX_WIDGET_TEXT):
            return holder
    return link


def _credit(start: Element) -> Element | None:
    """The short caption or credit element around a "Foto: …" / "© …" string."""
    for element in (start, *islice(start.iterancestors(), 2)):
        if element.tag in _NEVER_DROPPED:
            return None
        if element.tag in _CREDIT_HOLDERS:
            text = _short_text(element, _MAX_CREDIT)
            return element if text is not None and _CREDIT.search(text) else None
    return None


def _related(start: Element) -> Element | None:
    """A "more stories" heading; the list or link box after it goes with it."""
    heading = start
    while (parent := heading.getparent()) is not None and heading.tag in ("strong", "b", "span"):
        if parent.tag in _NEVER_DROPPED or _short_text(parent, 60) is None:
            break
        heading = parent
    if heading.tag not in _RELATED_HOLDERS or heading.tag in _NEVER_DROPPED:
        return None
    after = heading.getnext()
    while after is not None and not isinstance(after.tag, str):
        after = after.getnext()
    if after is not None and _link_box(after):
        drop(after)
    return heading


def _link_box(element: Element) -> bool:
    """A list of links, or a box holding nothing but links."""
    if element.tag not in ("ul", "ol", "div", "p") or find(element, "a") is None:
        return False
    return element.tag in ("ul", "ol") or _links_only(element)


def _links_only(element: Element) -> bool:
    text = _short_text(element, _MAX_WIDGET_TEXT)
    links = _link_text(element)
    return text is not None and len(text) - len(links) <= _MAX_SHARE_LABEL


def _link_text(element: Element) -> str:
    return " ".join(text_of(a, " ", strip=True) for a in element.iter("a"))


def _short_text(element: Element, limit: int) -> str | None:
    """``element``'s text (spaces squeezed) when at most ``limit`` characters, else None.

    Stops reading at the limit: a banner check on a string deep in a huge box must not read
    the whole box once per string.
    """
    pieces: list[str] = []
    size = 0
    for string in strings(element):
        size += len(string)
        if size > limit:
            return None
        pieces.append(string)
    return " ".join(" ".join(pieces).split())


def _is_boilerplate(element: Element) -> bool:
    names = element.get("class"), element.get("id")
    if not any(names):
        return False
    ids = [t for t in (names[1] or "").split() if len(_WORDS.split(t)) < _SLUG_WORDS]
    hit = any(map(_boilerplate_token, [*(names[0] or "").split(), *ids]))
    # a wrapper named "social-theme" around the whole article is layout, not a widget
    return hit and not holds_article(element)


@lru_cache(maxsize=8192)
def _boilerplate_token(token: str) -> bool:
    """Pages repeat their class names hundreds of times: each is matched once."""
    return bool(_BOILERPLATE_TOKEN.search(token)) and not _TAXONOMY_TOKEN.match(token)


def holds_article(element: Element) -> bool:
    """``element`` holds the article (``main``, the headline, the content box)."""
    return bool(_GUARDS(element))


_BY_TEXT: tuple[tuple[re.Pattern[str], _Finder], ...] = (
    (_COOKIE_WORD, _cookie_banner),
    (_SHARE_LABEL, _share_widget),
    (_BACK_LINK, _back_link),
    (_CREDIT, _credit),
    (_RELATED, _related),
)
_SIGNAL_WORDS = re.compile("|".join(f"(?:{words.pattern})" for words, _ in _BY_TEXT), re.I)
