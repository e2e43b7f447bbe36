"""Which language a page is in, and where its other language versions are.

Markup wins (``<html lang>``, ``og:locale``), then the URL prefix (``/sv/``, ``/en/``), then
the source's configured language; the text (lingua, ``detect``) is the last resort, and text
in a language we do not publish gets none. ``extraction`` then weighs element-level ``lang``
attributes and the configured languages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from syndicator.extract import tree
from syndicator.extract.detect import DEFAULT_LANGUAGES, identify_language
from syndicator.extract.metadata import PageMeta
from syndicator.extract.tree import Element
from syndicator.locales import normalise_lang
from syndicator.model import Link
from syndicator.urls import absolute_url, canonical_url

__all__ = ["alternates", "page_language", "url_language"]

_URL_PREFIXES = frozenset({"fi", "sv", "en", "se", "de", "ru", "et"})
# Classes of the box around a switcher's links (WPML, Polylang, themes).
_SWITCHER_CLASS = re.compile(
    r"lang-switch|language-switch|wpml-ls|(?:^|\s)(?:pll-switcher|lang-item|lang-menu)(?:\s|$)"
)
_SWITCHER_DEPTH = 6
_SWITCH_LABELS = {
    "suomeksi": "fi", "suomi": "fi", "på finska": "fi", "finska": "fi", "in finnish": "fi",
    "finnish": "fi", "på svenska": "sv", "svenska": "sv", "ruotsiksi": "sv", "in swedish": "sv",
    "swedish": "sv", "in english": "en", "english": "en", "englanniksi": "en",
    "på engelska": "en", "engelska": "en",
}  # fmt: skip


def url_language(url: str) -> str | None:
    """The language prefix of a path (``/sv/tiedote/…`` → ``sv``), if any."""
    try:
        segment = urlsplit(url).path.strip("/").split("/", 1)[0].lower()
    except ValueError:
        return None
    return segment if segment in _URL_PREFIXES else None


def page_language(meta: PageMeta, url: str, hint: str | None, text: str) -> str | None:
    return (
        normalise_lang(meta.html_lang)
        or normalise_lang(meta.og_locale)
        or url_language(url)
        or normalise_lang(hint)
        or identify_language(text, DEFAULT_LANGUAGES).lang
    )


def alternates(root: Element, meta: PageMeta, page_url: str, own: str | None) -> tuple[Link, ...]:
    """Other language versions: ``hreflang`` links first, language switchers second.

    Read before boilerplate removal: switchers live in the site header.
    """
    own_url = canonical_url(page_url)
    found: dict[str, Link] = {}
    for lang, href, label in (*_from_hreflang(meta), *_from_switchers(root)):
        url = absolute_url(href, page_url)
        if lang is None or lang == own or url is None:
            continue
        url = canonical_url(url)
        if url == own_url or _is_language_root(url):
            continue  # WPML and Polylang link the home page when no translation exists
        if lang in found:
            if label and not found[lang].label:
                found[lang] = Link(found[lang].url, label, lang)
            continue
        found[lang] = Link(url, label, lang)
    return tuple(found.values())


def _from_hreflang(meta: PageMeta) -> Iterator[tuple[str | None, str, str]]:
    for code, href in meta.hreflang:
        yield normalise_lang(code), href, ""


def _from_switchers(root: Element) -> Iterator[tuple[str | None, str, str]]:
    """Links inside a language switcher first, then links labelled "På svenska" & co."""
    in_switcher: list[Element] = []
    labelled: list[Element] = []
    boxes: dict[Element, bool] = {}  # switcher or not, by ancestor: anchors share them
    for anchor in root.iter("a"):
        if anchor.get("href") is None:
            continue
        if _in_switcher(anchor, boxes):
            in_switcher.append(anchor)
        elif _is_switch_label(_only_string(anchor)):
            labelled.append(anchor)
    for anchor in (*in_switcher, *labelled):
        href = tree.attr(anchor, "href")
        label = tree.shown_text(anchor)
        yield _anchor_language(anchor, href, label), href, label


def _in_switcher(anchor: Element, boxes: dict[Element, bool]) -> bool:
    for depth, parent in enumerate(anchor.iterancestors()):
        if depth >= _SWITCHER_DEPTH or parent.tag in ("body", "html"):
            return False
        if (marked := boxes.get(parent)) is None:
            names = " ".join(tree.classes(parent))
            marked = boxes[parent] = bool(names) and _SWITCHER_CLASS.search(names) is not None
        if marked:
            return True
    return False


def _only_string(element: Element) -> str | None:
    """The one string ``element`` holds, alone or through one-child descendants (bs4's
    ``.string``): ``<a><span>På svenska</span></a>`` has one, ``<a><img>Svenska</a>`` none."""
    while True:
        kids = list(element)  # comments count: bs4 holds them as strings
        if element.text:
            return None if kids else element.text
        if len(kids) != 1 or kids[0].tail:
            return None
        element = kids[0]
        if not isinstance(element.tag, str):  # a comment alone is bs4's string too
            return element.text or None


def _is_switch_label(text: str | None) -> bool:
    return bool(text) and (text or "").strip().lower() in _SWITCH_LABELS


def _anchor_language(anchor: Element, href: str, label: str) -> str | None:
    for attribute in ("hreflang", "lang"):
        if (value := anchor.get(attribute)) is not None and (code := normalise_lang(value)):
            return code
    return _SWITCH_LABELS.get(label.lower()) or url_language(href)


def _is_language_root(url: str) -> bool:
    path = urlsplit(url).path.strip("/").lower()
    stem = path.split(".", 1)[0] if "/" not in path else path  # "svenska.html", "en/"
    return stem in ("", "index") or stem in _URL_PREFIXES or stem in _SWITCH_LABELS
